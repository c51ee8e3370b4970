// `npm run bench`: measures, prints a table per part with medians, ratios and target checks, and writes
// BENCHMARKS.md and docs/bench-time-vs-clusters.svg. Settings (environment):
//   BENCH_PARTS         plugin,mock,engine (default all three)
//   BENCH_RUNS          runs per figure, default 3 (the median is reported)
//   BENCH_SIZES         part 1 (mocks) cluster counts, default 1,5,10,25,50
//   BENCH_ENGINE_SIZES  part 2 (real engine) cluster counts, default 1,3,6 (at most 10)
//   BENCH_QUIET_CPU     share of the machine's CPU other processes may use during a quiet figure (default 0.15)
//   BENCH_MAX_WAIT_S    how long to wait for quiet before a figure (default 300)
//   BENCH_REPEATS       how often a figure taken under load is taken again (default 2)
// `npm run bench -- --report` measures nothing: it writes BENCHMARKS.md and the chart again from docs/bench-results.json
// (after editing bench/notes.md, say).
import * as fs from "fs";
import * as path from "path";
import { chartSvg } from "./chart";
import { enginePart } from "./engine";
import { mockPart } from "./mock/run";
import { pluginPart } from "./plugin";
import { Results, chartPanels, everydayTable, firstUpTable, markdown, memoryTable, mockTable, pluginTable, scalingTable, targets, verdict } from "./report";
import { machine, pct, settings } from "./stats";
import { pulumiEnv, tempDir, toolsBinDir } from "../tests/e2e/harness/tools";

const ROOT = path.join(__dirname, "..");
const CHART = "docs/bench-time-vs-clusters.svg";
const RESULTS = "docs/bench-results.json";
const log = (line: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
const KNOBS = ["BENCH_PARTS", "BENCH_RUNS", "BENCH_SIZES", "BENCH_ENGINE_SIZES", "BENCH_QUIET_CPU", "BENCH_MAX_WAIT_S", "BENCH_REPEATS"];

function write(results: Results): void {
    fs.mkdirSync(path.join(ROOT, "docs"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, CHART), chartSvg(chartPanels(results)));
    fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), markdown(results, CHART));
}

function command(): string {
    const vars = KNOBS.filter((v) => process.env[v]).map((v) => `${v}=${process.env[v]}`);
    return ["npm ci &&", ...vars, "npm run bench"].join(" ");
}

async function main(): Promise<void> {
    const started = performance.now();
    const s = settings();
    log(`parts ${[...s.parts].join(",")}; runs ${s.runs}; mock sizes ${s.sizes.join(",")}; engine sizes ${s.engineSizes.join(",")}; quiet: others ≤ ${pct(s.quietCpu)} of the CPU (wait ≤ ${s.maxWaitS}s, ${s.repeats} repeat(s))`);
    const results: Results = { date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC", machine: machine(), settings: s, command: command(), wallS: 0 };
    if (s.parts.has("plugin")) {
        // `pulumi package get-schema` needs the pinned CLI: only when the real-engine part builds the toolchain anyway.
        const bin = s.parts.has("engine") ? await toolsBinDir() : undefined;
        const env = bin ? { ...process.env, ...pulumiEnv(bin, tempDir("servicemesh-bench-plugin-")) } : undefined;
        results.plugin = await pluginPart(s, log, bin, env);
        console.log(`\n0. Plugin start (median of ${s.runs})\n${pluginTable(results.plugin)}`);
    }
    if (s.parts.has("mock")) {
        results.mock = await mockPart(s, log);
        console.log(`\n1. Program cost under mocks (median of ${s.runs})\n${mockTable(results.mock)}`);
    }
    if (s.parts.has("engine") && s.engineSizes.length) {
        const { figures, versions } = await enginePart(s, log);
        results.engine = figures;
        results.versions = versions;
        console.log(`\n2. Real engine on simulated clusters (median of ${s.runs})\n${everydayTable(figures)}\n\n${firstUpTable(figures)}\n\n${scalingTable(figures)}`);
        console.log(`\n3. Peak memory during the ${figures[figures.length - 1].clusters}-cluster first up\n${memoryTable(figures)}`);
    }
    results.wallS = (performance.now() - started) / 1000;
    console.log("\nTargets");
    for (const t of targets(results)) {
        console.log(`  ${verdict(t).padEnd(26)} ${t.what}: ${t.figure}`);
    }
    write(results);
    fs.writeFileSync(path.join(ROOT, RESULTS), JSON.stringify(results, (_, v) => (v instanceof Set ? [...v] : v), 1) + "\n");
    log(`wrote BENCHMARKS.md, ${CHART} and ${RESULTS} in ${(results.wallS / 60).toFixed(1)} min`);
}

const report = async () => write(JSON.parse(fs.readFileSync(path.join(ROOT, RESULTS), "utf8")));

(process.argv.includes("--report") ? report() : main()).then(
    () => process.exit(0),
    (e) => {
        console.error(`[bench] failed: ${(e as Error).stack ?? e}`);
        process.exit(1);
    },
);
