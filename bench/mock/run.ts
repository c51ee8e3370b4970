// Part 1 driver: each measurement in a fresh node process (program.ts), component and baseline alternating, the CA
// material issued once up front.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { issueClusterCas } from "../../tests/support/pki";
import { Settings, load, median, quietly } from "../stats";
import { ProgramResult, clusterNames } from "./program";

export interface MockFigure {
    clusters: number;
    /** Custom resources (provider, objects, releases, reads) each program registers. */
    resources: number;
    /** Component resources only the component registers. */
    components: number;
    componentMs: number;
    baselineMs: number;
    componentRssMb: number;
    baselineRssMb: number;
    runs: { component: ProgramResult[]; baseline: ProgramResult[] };
    load: string;
    /** The largest share of the machine other processes used during a measurement of this size. */
    foreign?: number;
    /** Whether any measurement of this size was taken under load. */
    underLoad?: boolean;
}

const COMPONENT_TYPE = /^servicemesh:index:/;

function measure(program: "component" | "baseline", clusters: number, caDir: string): Promise<ProgramResult> {
    const args = ["-r", "ts-node/register/transpile-only", path.join(__dirname, "program.ts"), program, String(clusters), caDir];
    return new Promise((resolve, reject) =>
        execFile(process.execPath, args, { cwd: path.join(__dirname, "..", ".."), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
            err ? reject(new Error(`${program} ${clusters}: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split("\n").pop()!)),
        ),
    );
}

/** Custom resources by type, without the component's own (ComponentResource) registrations. */
function customCounts(r: ProgramResult): Record<string, number> {
    return Object.fromEntries(Object.entries(r.counts).filter(([t]) => !COMPONENT_TYPE.test(t)).sort());
}

export async function mockPart(s: Settings, log: (line: string) => void): Promise<MockFigure[]> {
    const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cas-"));
    issueClusterCas(caDir, clusterNames(Math.max(...s.sizes)));
    const figures: MockFigure[] = [];
    try {
        for (const clusters of s.sizes) {
            const runs = { component: [] as ProgramResult[], baseline: [] as ProgramResult[] };
            let underLoad = false;
            let foreign = 0;
            for (let i = 0; i < s.runs; i++) {
                for (const program of ["component", "baseline"] as const) {
                    const m = await quietly(s, `mock ${clusters} clusters, ${program}, run ${i + 1}`, log, () => measure(program, clusters, caDir));
                    runs[program].push(m.value);
                    underLoad ||= m.load.underLoad;
                    foreign = Math.max(foreign, m.load.foreign);
                }
            }
            const [c, b] = [customCounts(runs.component[0]), customCounts(runs.baseline[0])];
            if (JSON.stringify(c) !== JSON.stringify(b)) {
                throw new Error(`${clusters} clusters: the baseline does not register what the component does:\n component ${JSON.stringify(c)}\n baseline  ${JSON.stringify(b)}`);
            }
            const resources = Object.values(c).reduce((a, n) => a + n, 0);
            const components = Object.entries(runs.component[0].counts).filter(([t]) => COMPONENT_TYPE.test(t)).reduce((a, [, n]) => a + n, 0);
            const figure: MockFigure = {
                clusters,
                resources,
                components,
                componentMs: median(runs.component.map((r) => r.ms)),
                baselineMs: median(runs.baseline.map((r) => r.ms)),
                componentRssMb: median(runs.component.map((r) => r.maxRssMb)),
                baselineRssMb: median(runs.baseline.map((r) => r.maxRssMb)),
                runs,
                load: load(),
                foreign,
                underLoad,
            };
            log(`mock ${clusters} clusters: ${resources} resources each (+${components} components); component ${figure.componentMs.toFixed(0)} ms / ${figure.componentRssMb.toFixed(0)} MB, baseline ${figure.baselineMs.toFixed(0)} ms / ${figure.baselineRssMb.toFixed(0)} MB (load ${figure.load})`);
            figures.push(figure);
        }
    } finally {
        fs.rmSync(caDir, { recursive: true, force: true });
    }
    return figures;
}
