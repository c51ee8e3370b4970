// Tables for the terminal and BENCHMARKS.md, target checks, and the chart's series.
import * as fs from "fs";
import * as path from "path";
import { Panel } from "./chart";
import { EngineFigure, Versions } from "./engine";
import { MockFigure } from "./mock/run";
import { Machine, Settings } from "./stats";

export interface Results {
    date: string;
    machine: Machine;
    settings: Settings;
    command: string;
    wallS: number;
    mock?: MockFigure[];
    engine?: EngineFigure[];
    versions?: Versions;
}

export const TARGETS = { mockRatio: 1.2, upVsHelm: 0.6, noChangeVsFirst: 0.2 };

const pass = (ok: boolean) => (ok ? "pass" : "MISSED");
const f = (n: number, digits = 1) => n.toFixed(digits);

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function mockTable(figures: MockFigure[]): string {
    const first = figures[0];
    return table(
        ["clusters", "resources", "component ms", "baseline ms", "time ratio", "time growth / resource growth", "component peak RSS MiB", "baseline peak RSS MiB", "RSS ratio", "target ≤ 1.2", "load (1/5/15 min)"],
        figures.map((m) => {
            const timeRatio = m.componentMs / m.baselineMs;
            const rssRatio = m.componentRssMb / m.baselineRssMb;
            const growth = `${f(m.componentMs / first.componentMs)}× / ${f(m.resources / first.resources)}×`;
            return [String(m.clusters), `${m.resources} (+${m.components} components)`, f(m.componentMs, 0), f(m.baselineMs, 0), f(timeRatio, 2), growth, f(m.componentRssMb, 0), f(m.baselineRssMb, 0), f(rssRatio, 2), `time ${pass(timeRatio <= TARGETS.mockRatio)}, memory ${pass(rssRatio <= TARGETS.mockRatio)}`, m.load];
        }),
    );
}

export function engineTable(figures: EngineFigure[]): string {
    return table(
        ["clusters", "preview s", "first up s (of which start-up)", "no-change up s (of which start-up)", "sequential helm s", "first up / helm", "no-change / first up", "load (1/5/15 min)"],
        figures.map((e) => [String(e.clusters), f(e.previewS), `${f(e.upS)} (${f(e.upStartupS)})`, `${f(e.noChangeUpS)} (${f(e.noChangeStartupS)})`, f(e.helmS), f(e.upS / e.helmS, 2), f(e.noChangeUpS / e.upS, 2), e.load]),
    );
}

/** Median over the runs of the largest mesh's first up, by process class. */
export function memoryTable(figures: EngineFigure[]): string {
    const largest = figures[figures.length - 1];
    const peaks = largest.runs.map((r) => r.memory?.peaks).filter((p) => p !== undefined);
    if (!peaks.length) return "(not measured)";
    const classes = Object.keys(peaks[0]).filter((k) => peaks.some((p) => (p as Record<string, number>)[k] > 0));
    const med = (k: string) => {
        const v = peaks.map((p) => (p as Record<string, number>)[k]).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)];
    };
    const what: Record<string, string> = {
        program: "the program's node process: Pulumi SDK + the servicemesh component (ts-node)",
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
}

export function targets(r: Results): TargetCheck[] {
    const checks: TargetCheck[] = [];
    if (r.mock?.length) {
        const worstTime = Math.max(...r.mock.map((m) => m.componentMs / m.baselineMs));
        const worstRss = Math.max(...r.mock.map((m) => m.componentRssMb / m.baselineRssMb));
        checks.push({ what: "1. mock program time ratio ≤ 1.2 at every size", figure: `worst ${f(worstTime, 2)}`, ok: worstTime <= TARGETS.mockRatio });
        checks.push({ what: "1. mock program peak memory ratio ≤ 1.2 at every size", figure: `worst ${f(worstRss, 2)}`, ok: worstRss <= TARGETS.mockRatio });
        const [a, b] = [r.mock[0], r.mock[r.mock.length - 1]];
        const growth = b.componentMs / a.componentMs;
        const resources = b.resources / a.resources;
        checks.push({ what: `1. time growth ${a.clusters}→${b.clusters} clusters no worse than resource growth`, figure: `${f(growth)}× vs ${f(resources)}×`, ok: growth <= resources });
    }
    const three = r.engine?.find((e) => e.clusters === 3);
    if (three) {
        checks.push({ what: "2. 3-cluster first up ≤ 0.6× sequential helm", figure: `${f(three.upS / three.helmS, 2)}× (${f(three.upS)} s vs ${f(three.helmS)} s)`, ok: three.upS / three.helmS <= TARGETS.upVsHelm });
    }
    for (const e of r.engine ?? []) {
        checks.push({ what: `2. ${e.clusters}-cluster no-change up ≤ 0.2× first up`, figure: `${f(e.noChangeUpS / e.upS, 2)}× (${f(e.noChangeUpS)} s vs ${f(e.upS)} s)`, ok: e.noChangeUpS / e.upS <= TARGETS.noChangeVsFirst });
    }
    return checks;
}

export function chartPanels(r: Results): Panel[] {
    const panels: Panel[] = [];
    if (r.mock?.length) {
        panels.push({
            title: "1. Program under mocks (median)",
            yLabel: "construct + register, ms",
            series: [
                { name: "MultiClusterMesh", color: "#1f77b4", points: r.mock.map((m) => [m.clusters, Math.round(m.componentMs)]) },
                { name: "hand-written baseline", color: "#999", points: r.mock.map((m) => [m.clusters, Math.round(m.baselineMs)]) },
            ],
        });
    }
    if (r.engine?.length) {
        const pts = (k: "previewS" | "upS" | "noChangeUpS" | "helmS") => r.engine!.map((e): [number, number] => [e.clusters, Math.round(e[k] * 10) / 10]);
        panels.push({
            title: "2. Real engine, simulated clusters (median)",
            yLabel: "seconds",
            series: [
                { name: "pulumi up (first)", color: "#1f77b4", points: pts("upS") },
                { name: "sequential helm --wait", color: "#999", points: pts("helmS") },
                { name: "pulumi up (no change)", color: "#2ca02c", points: pts("noChangeUpS") },
                { name: "pulumi preview", color: "#ff7f0e", points: pts("previewS") },
            ],
        });
    }
    return panels;
}

export function markdown(r: Results, chartFile: string): string {
    const s = r.settings;
    const notes = fs.readFileSync(path.join(__dirname, "notes.md"), "utf8").trim();
    const lines = [
        "# Benchmarks",
        "",
        `Written by \`npm run bench\` on ${r.date} (wall time ${f(r.wallS / 60)} min). Every figure is the median of ${s.runs} run(s) on this machine, next to a baseline measured in the same run; the load average shows how busy the machine was (other jobs ran on it too).`,
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
        table(["target", "figure", "result"], targets(r).map((t) => [t.what, t.figure, pass(t.ok)])),
        "",
    ];
    if (r.mock?.length) {
        lines.push("## 1. Program cost under mocks", "", mockTable(r.mock), "");
    }
    if (r.engine?.length) {
        lines.push("## 2. Real engine on simulated clusters", "", engineTable(r.engine), "", "## 3. Peak memory during the largest first up", "", memoryTable(r.engine), "");
    }
    lines.push(notes, "");
    return lines.join("\n");
}
