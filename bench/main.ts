// `npm run bench`: measures, prints a table per part with medians, ratios and target checks, and writes
// BENCHMARKS.md and docs/bench-time-vs-clusters.svg. Settings (environment): BENCH_RUNS (default 3),
// BENCH_SIZES (part 1, default 1,5,10,25,50), BENCH_ENGINE_SIZES (part 2, default 1,2,3), BENCH_PARTS (mock,engine).
// `npm run bench -- --report` measures nothing: it writes BENCHMARKS.md and the chart again from docs/bench-results.json
// (after editing bench/notes.md, say).
import * as fs from "fs";
import * as path from "path";
import { chartSvg } from "./chart";
import { enginePart } from "./engine";
import { mockPart } from "./mock/run";
import { Results, chartPanels, engineTable, markdown, memoryTable, mockTable, targets } from "./report";
import { machine, settings } from "./stats";

const ROOT = path.join(__dirname, "..");
const CHART = "docs/bench-time-vs-clusters.svg";
const RESULTS = "docs/bench-results.json";
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function write(results: Results): void {
    fs.mkdirSync(path.join(ROOT, "docs"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, CHART), chartSvg(chartPanels(results)));
    fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), markdown(results, CHART));
}

function command(): string {
    const vars = ["BENCH_RUNS", "BENCH_SIZES", "BENCH_ENGINE_SIZES", "BENCH_PARTS"].filter((v) => process.env[v]).map((v) => `${v}=${process.env[v]}`);
    return ["npm ci &&", ...vars, "npm run bench"].join(" ");
}

async function main(): Promise<void> {
    const started = performance.now();
    const s = settings();
    log(`runs ${s.runs}; parts ${[...s.parts].join(",")}; mock sizes ${s.sizes.join(",")}; engine sizes ${s.engineSizes.join(",")}`);
    const results: Results = { date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC", machine: machine(), settings: s, command: command(), wallS: 0 };
    if (s.parts.has("mock")) {
        results.mock = await mockPart(s, log);
        console.log(`\n1. Program cost under mocks (median of ${s.runs})\n${mockTable(results.mock)}`);
    }
    if (s.parts.has("engine") && s.engineSizes.length) {
        const { figures, versions } = await enginePart(s, log);
        results.engine = figures;
        results.versions = versions;
        console.log(`\n2. Real engine on simulated clusters (median of ${s.runs})\n${engineTable(figures)}`);
        console.log(`\n3. Peak memory during the ${figures[figures.length - 1].clusters}-cluster first up\n${memoryTable(figures)}`);
    }
    results.wallS = (performance.now() - started) / 1000;
    console.log("\nTargets");
    for (const t of targets(results)) {
        console.log(`  ${t.ok ? "pass  " : "MISSED"}  ${t.what}: ${t.figure}`);
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
