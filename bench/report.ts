// Tables for the terminal and BENCHMARKS.md, target checks, and the chart's series. A figure taken under load (see
// stats.ts `quietly`) is shown with a † and its target is reported UNDER LOAD, not as a result.
import * as fs from "fs";
import * as path from "path";
import { Panel } from "./chart";
import { EngineFigure, Versions } from "./engine";
import { MockFigure } from "./mock/run";
import { PluginFigure } from "./plugin";
import { Machine, Settings, pct } from "./stats";

export interface Results {
    date: string;
    machine: Machine;
    settings: Settings;
    command: string;
    wallS: number;
    plugin?: PluginFigure[];
    mock?: MockFigure[];
    engine?: EngineFigure[];
    versions?: Versions;
}

export const TARGETS = { pluginAboveNodeS: 2, mockRatio: 1.2, vsHandwritten: 1.2, upVsParallelHelm: 1.3, upVsSequentialHelm: 0.6, growth6: 2, scaleVsHandwritten: 1.15 };
/** Issue #25: at these sizes, first up, preview and no-change up within `scaleVsHandwritten` of the hand-written program. */
const SCALE_SIZES = [3, 6, 10];

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const dagger = (underLoad: boolean | undefined) => (underLoad ? " †" : "");

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function pluginTable(figures: PluginFigure[]): string {
    const bare = figures.find((p) => p.route === "bare node");
    return table(
        ["route", "median s", "above bare node s", "runs s", "other processes' CPU share", "1-min load before → after"],
        figures.map((p) => [
            p.route + dagger(p.underLoad),
            f(p.s, 2),
            bare && p !== bare ? f(p.s - bare.s, 2) : "",
            p.runs.map((x) => f(x, 2)).join(", "),
            p.loads.map((l) => pct(l.foreign)).join(", "),
            p.loads.map((l) => `${f(l.before, 2)} → ${f(l.after, 2)}`).join("; "),
        ]),
    );
}

export function mockTable(figures: MockFigure[]): string {
    const first = figures[0];
    return table(
        ["clusters", "resources", "component ms", "baseline ms", "time ratio", "time growth / resource growth", "component peak RSS MiB", "baseline peak RSS MiB", "RSS ratio", "other processes' CPU share (max)", "load (1/5/15 min)"],
        figures.map((m) => {
            const growth = `${f(m.componentMs / first.componentMs)}× / ${f(m.resources / first.resources)}×`;
            return [String(m.clusters) + dagger(m.underLoad), `${m.resources} (+${m.components} components)`, f(m.componentMs, 0), f(m.baselineMs, 0), f(m.componentMs / m.baselineMs, 2), growth, f(m.componentRssMb, 0), f(m.baselineRssMb, 0), f(m.componentRssMb / m.baselineRssMb, 2), pct(m.foreign), m.load];
        }),
    );
}

/** Component against the hand-written program: the everyday operations. */
export function everydayTable(figures: EngineFigure[]): string {
    return table(
        ["clusters", "preview s: component / hand-written", "ratio", "no-change up s: component / hand-written", "ratio", "no-change up start-up s: component / hand-written", "other processes' CPU share (max)", "1-min load range"],
        figures.map((e) => [
            String(e.clusters) + dagger(e.underLoad),
            `${f(e.component.previewS)} / ${f(e.handwritten.previewS)}`,
            f(e.component.previewS / e.handwritten.previewS, 2),
            `${f(e.component.noChangeUpS)} / ${f(e.handwritten.noChangeUpS)}`,
            f(e.component.noChangeUpS / e.handwritten.noChangeUpS, 2),
            `${f(e.component.noChangeStartupS)} / ${f(e.handwritten.noChangeStartupS)}`,
            pct(e.foreign),
            `${f(e.loadRange[0], 2)}–${f(e.loadRange[1], 2)}`,
        ]),
    );
}

/** First up against the three baselines. */
export function firstUpTable(figures: EngineFigure[]): string {
    return table(
        ["clusters", "component first up s (start-up)", "hand-written s", "÷ hand-written", "helm sequential s", "÷ sequential", "helm all clusters at once s", "÷ at once"],
        figures.map((e) => [
            String(e.clusters) + dagger(e.underLoad),
            `${f(e.component.upS)} (${f(e.component.upStartupS)})`,
            f(e.handwritten.upS),
            f(e.component.upS / e.handwritten.upS, 2),
            f(e.helmSequentialS),
            f(e.component.upS / e.helmSequentialS, 2),
            f(e.helmParallelS),
            f(e.component.upS / e.helmParallelS, 2),
        ]),
    );
}

/** Growth with the mesh and peak memory (the CLI's process tree, and the clusters in use), during the first up. */
export function scalingTable(figures: EngineFigure[]): string {
    const one = figures.find((e) => e.clusters === 1) ?? figures[0];
    return table(
        ["clusters", "links", "first up s", `÷ ${one.clusters}-cluster first up`, "no-change up s", "peak RSS MiB, CLI process tree: component / hand-written", "peak RSS MiB, the clusters"],
        figures.map((e) => [
            String(e.clusters) + dagger(e.underLoad),
            String(e.clusters * (e.clusters - 1)),
            f(e.component.upS),
            f(e.component.upS / one.component.upS, 2),
            f(e.component.noChangeUpS),
            `${f(e.component.treeMb, 0)} / ${f(e.handwritten.treeMb, 0)}`,
            f(e.component.clustersMb, 0),
        ]),
    );
}

/** Median over the runs of the largest mesh's first up, by process class. */
export function memoryTable(figures: EngineFigure[]): string {
    const largest = figures[figures.length - 1];
    const peaks = largest.runs.map((r) => r.component.memory.peaks);
    if (!peaks.length) return "(not measured)";
    const classes = Object.keys(peaks[0]).filter((k) => peaks.some((p) => (p as Record<string, number>)[k] > 0));
    const med = (k: string) => {
        const v = peaks.map((p) => (p as Record<string, number>)[k]).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)];
    };
    const what: Record<string, string> = {
        program: "the program's node process: Pulumi SDK + the servicemesh component (compiled)",
        "language host": "pulumi-language-nodejs",
        "kubernetes provider": "pulumi-resource-kubernetes (one process serving every cluster's provider)",
        "pulumi CLI": "the engine",
        other: "other descendants",
        total: "all of the above at the same sample",
    };
    return table([`process (${largest.clusters}-cluster first up)`, "peak RSS MiB (median of runs)", "runs"], classes.map((k) => [`${k}: ${what[k] ?? k}`, f(med(k), 0), peaks.map((p) => f((p as Record<string, number>)[k], 0)).join(", ")]));
}

export interface TargetCheck {
    what: string;
    figure: string;
    ok: boolean;
    underLoad: boolean;
}

export const verdict = (t: TargetCheck) => (t.underLoad ? "UNDER LOAD (not a result)" : t.ok ? "pass" : "MISSED");

export function targets(r: Results): TargetCheck[] {
    const checks: TargetCheck[] = [];
    const bare = r.plugin?.find((p) => p.route === "bare node");
    for (const p of (r.plugin ?? []).filter((p) => bare && p !== bare && p.route !== "pulumi package get-schema")) {
        const above = p.s - bare!.s;
        checks.push({ what: `0. plugin start (${p.route}) ≤ ${TARGETS.pluginAboveNodeS} s above a bare node start`, figure: `${f(above, 2)} s above (${f(p.s, 2)} s vs ${f(bare!.s, 2)} s)`, ok: above <= TARGETS.pluginAboveNodeS, underLoad: p.underLoad || bare!.underLoad });
    }
    if (r.mock?.length) {
        const ml = r.mock.some((m) => m.underLoad);
        const worstTime = Math.max(...r.mock.map((m) => m.componentMs / m.baselineMs));
        const worstRss = Math.max(...r.mock.map((m) => m.componentRssMb / m.baselineRssMb));
        checks.push({ what: `1. mock program time ratio ≤ ${TARGETS.mockRatio} at every size`, figure: `worst ${f(worstTime, 2)}`, ok: worstTime <= TARGETS.mockRatio, underLoad: ml });
        checks.push({ what: `1. mock program peak memory ratio ≤ ${TARGETS.mockRatio} at every size`, figure: `worst ${f(worstRss, 2)}`, ok: worstRss <= TARGETS.mockRatio, underLoad: ml });
    }
    for (const e of (r.engine ?? []).filter((e) => e.clusters === 1 || e.clusters === 3)) {
        for (const [op, c, h] of [["preview", e.component.previewS, e.handwritten.previewS], ["no-change up", e.component.noChangeUpS, e.handwritten.noChangeUpS]] as const) {
            checks.push({ what: `2. ${e.clusters}-cluster ${op} ≤ ${TARGETS.vsHandwritten}× the hand-written program's`, figure: `${f(c / h, 2)}× (${f(c)} s vs ${f(h)} s)`, ok: c / h <= TARGETS.vsHandwritten, underLoad: e.underLoad });
        }
    }
    for (const e of (r.engine ?? []).filter((e) => SCALE_SIZES.includes(e.clusters))) {
        const ops = [["first up", e.component.upS, e.handwritten.upS], ["preview", e.component.previewS, e.handwritten.previewS], ["no-change up", e.component.noChangeUpS, e.handwritten.noChangeUpS]] as const;
        for (const [op, c, h] of ops) {
            checks.push({ what: `3. ${e.clusters}-cluster ${op} ≤ ${TARGETS.scaleVsHandwritten}× the hand-written program's`, figure: `${f(c / h, 2)}× (${f(c)} s vs ${f(h)} s)`, ok: c / h <= TARGETS.scaleVsHandwritten, underLoad: e.underLoad });
        }
    }
    const three = r.engine?.find((e) => e.clusters === 3);
    if (three) {
        const up = three.component.upS;
        checks.push({ what: `2. 3-cluster first up ≤ ${TARGETS.upVsParallelHelm}× Helm on all clusters at once`, figure: `${f(up / three.helmParallelS, 2)}× (${f(up)} s vs ${f(three.helmParallelS)} s)`, ok: up / three.helmParallelS <= TARGETS.upVsParallelHelm, underLoad: three.underLoad });
        checks.push({ what: `2. 3-cluster first up ≤ ${TARGETS.upVsSequentialHelm}× sequential Helm`, figure: `${f(up / three.helmSequentialS, 2)}× (${f(up)} s vs ${f(three.helmSequentialS)} s)`, ok: up / three.helmSequentialS <= TARGETS.upVsSequentialHelm, underLoad: three.underLoad });
    }
    const [one, six] = [r.engine?.find((e) => e.clusters === 1), r.engine?.find((e) => e.clusters === 6)];
    if (one && six) {
        const g = six.component.upS / one.component.upS;
        checks.push({ what: `2. 6-cluster first up ≤ ${TARGETS.growth6}× the 1-cluster first up`, figure: `${f(g, 2)}× (${f(six.component.upS)} s vs ${f(one.component.upS)} s)`, ok: g <= TARGETS.growth6, underLoad: one.underLoad || six.underLoad });
    }
    return checks;
}

export function chartPanels(r: Results): Panel[] {
    const panels: Panel[] = [];
    if (r.mock?.length) {
        panels.push({
            title: `1. Program under mocks (median)${r.mock.some((m) => m.underLoad) ? " †" : ""}`,
            yLabel: "construct + register, ms",
            series: [
                { name: "MultiClusterMesh", color: "#1f77b4", points: r.mock.map((m) => [m.clusters, Math.round(m.componentMs)]) },
                { name: "hand-written baseline", color: "#999", points: r.mock.map((m) => [m.clusters, Math.round(m.baselineMs)]) },
            ],
        });
    }
    if (r.engine?.length) {
        const pts = (get: (e: EngineFigure) => number) => r.engine!.map((e): [number, number] => [e.clusters, Math.round(get(e) * 10) / 10]);
        panels.push({
            title: `2. Real engine, simulated clusters (median)${r.engine.some((e) => e.underLoad) ? " †" : ""}`,
            yLabel: "seconds",
            series: [
                { name: "component first up", color: "#1f77b4", points: pts((e) => e.component.upS) },
                { name: "hand-written first up", color: "#9ecae1", points: pts((e) => e.handwritten.upS) },
                { name: "helm sequential", color: "#999", points: pts((e) => e.helmSequentialS) },
                { name: "helm all clusters at once", color: "#555", points: pts((e) => e.helmParallelS) },
                { name: "component no-change up", color: "#2ca02c", points: pts((e) => e.component.noChangeUpS) },
                { name: "hand-written no-change up", color: "#98df8a", points: pts((e) => e.handwritten.noChangeUpS) },
            ],
        });
    }
    return panels;
}

export function markdown(r: Results, chartFile: string): string {
    const s = r.settings;
    const notes = fs.readFileSync(path.join(__dirname, "notes.md"), "utf8").trim();
    const anyLoad = [...(r.plugin ?? []), ...(r.mock ?? []), ...(r.engine ?? [])].some((x) => x.underLoad);
    const lines = [
        "# Benchmarks",
        "",
        `Written by \`npm run bench\` on ${r.date} (wall time ${f(r.wallS / 60)} min). Every figure is the median of ${s.runs} run(s) on this machine, next to baselines measured in the same run. ` +
            `A figure counts only when processes other than the bench's own (this process tree and its clusters) used at most ${pct(s.quietCpu)} of the machine's CPU during it (read from \`/proc\`; the load average is recorded but does not decide, since the bench's own work raises it on two cores); the bench waits up to ${s.maxWaitS} s for that before each figure and takes a figure again up to ${s.repeats} time(s). ` +
            `Figures marked † were still taken under load: they show the bench works, they are not results, and their targets read UNDER LOAD.`,
        ...(anyLoad ? ["", "**This run was taken under load: its figures are not results.**"] : []),
        "",
        `![time against cluster count](${chartFile})`,
        "",
        "## Machine and versions",
        "",
        `- CPU: ${r.machine.cpu}, ${r.machine.cores} cores; RAM ${r.machine.ramGiB} GiB; ${r.machine.os}; Node ${r.machine.node}`,
        ...(r.versions ? [`- Pulumi CLI ${r.versions.pulumi}; Kubernetes (kube-apiserver, kwok clusters) ${r.versions.kubernetes}; Helm ${r.versions.helm} — as pinned by \`scripts/tools.sh\``] : []),
        `- Reproduce: \`${r.command}\``,
        "",
        "## Targets",
        "",
        table(["target", "figure", "result"], targets(r).map((t) => [t.what, t.figure, verdict(t)])),
        "",
    ];
    if (r.plugin?.length) {
        lines.push("## 0. Plugin start (Python, Go and YAML programs)", "", pluginTable(r.plugin), "");
    }
    if (r.mock?.length) {
        lines.push("## 1. Program cost under mocks", "", mockTable(r.mock), "");
    }
    if (r.engine?.length) {
        lines.push(
            "## 2. Real engine on simulated clusters",
            "",
            "### Preview and no-change up against the hand-written program",
            "",
            everydayTable(r.engine),
            "",
            "### First up against the hand-written program and Helm",
            "",
            firstUpTable(r.engine),
            "",
            "### Scale",
            "",
            scalingTable(r.engine),
            "",
            "## 3. Peak memory during the largest first up",
            "",
            memoryTable(r.engine),
            "",
        );
    }
    lines.push(notes, "");
    return lines.join("\n");
}
