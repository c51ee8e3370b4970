// Where a first `up`, a preview and a no-change `up` spend their time: `npx ts-node --transpile-only
// bench/timeline.ts [clusters]` (default 6) runs each on the bench's simulated clusters for the component
// (examples/multicluster-ts) and the hand-written program (bench/handwritten), and prints, from the engine's events,
// when each kind of step started and ended (seconds from the start). Not part of `npm run bench`: a diagnosis tool
// for a missed target (bench/notes.md keeps what it showed).
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { createEnvironment } from "../tests/e2e/harness/environment";
import { multiclusterStack } from "../tests/e2e/harness/stacks";
import { installExample, tempDir } from "../tests/e2e/harness/tools";
import { ENGINE_CLUSTERS, handwrittenStack } from "./engine";

const log = (line: string) => process.stderr.write(`[timeline] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** The kind of a step, by resource type: what the table groups. */
function kindOf(type: string, op: string): string {
    if (op === "read") return type === "kubernetes:core/v1:Secret" ? "reads: repository credential Secret" : "reads (readiness, east-west state)";
    if (type === "kubernetes:helm.sh/v3:Release") return "Helm releases";
    if (type.endsWith(":Gateway")) return "Gateways (east-west and links)";
    if (type.startsWith("kubernetes:")) return type === "pulumi:providers:kubernetes" ? "providers" : "other Kubernetes objects";
    if (type.startsWith("pulumi:providers:")) return "providers";
    return "components and other";
}

/** An up or preview of `stack` (changing nothing unless `first`), with the first start and last end of each kind of step. */
async function timeline(stack: Stack, op: "up" | "preview", first = false): Promise<{ total: number; kinds: Map<string, { first: number; last: number; n: number }> }> {
    const started = performance.now();
    const at = () => (performance.now() - started) / 1000;
    const kinds = new Map<string, { first: number; last: number; n: number }>();
    const mark = (ev: EngineEvent) => {
        // The component's pre-flight says when it passed: the end of its reads of each cluster.
        if (ev.diagnosticEvent?.message.includes("pre-flight passed")) {
            const t = at();
            const entry = kinds.get("pre-flight passed (component log)") ?? { first: t, last: t, n: 0 };
            entry.last = t;
            entry.n++;
            kinds.set("pre-flight passed (component log)", entry);
        }
        const meta = ev.resourcePreEvent?.metadata ?? ev.resOutputsEvent?.metadata;
        if (!meta || meta.type === "pulumi:pulumi:Stack") return;
        const k = kindOf(meta.type, meta.op);
        const t = at();
        const entry = kinds.get(k) ?? { first: t, last: t, n: 0 };
        entry.last = t;
        if (ev.resourcePreEvent) entry.n++;
        kinds.set(k, entry);
    };
    const r = op === "up" ? (await stack.up({ onEvent: mark })).summary : { resourceChanges: (await stack.preview({ onEvent: mark })).changeSummary };
    const changed = Object.entries(r.resourceChanges ?? {}).filter(([op, n]) => op !== "same" && op !== "read" && n > 0);
    if (changed.length && !first) throw new Error(`${stack.name}: the no-change up changed ${JSON.stringify(changed)}`);
    return { total: at(), kinds };
}

/** The state's size, its dependency edges, and the resource types holding most of it. */
function stateSize(exported: { deployment: any }): string {
    const resources: any[] = exported.deployment?.resources ?? [];
    const byType = new Map<string, number>();
    let edges = 0;
    for (const r of resources) {
        byType.set(r.type, (byType.get(r.type) ?? 0) + JSON.stringify(r).length);
        edges += (r.dependencies ?? []).length;
    }
    const top = [...byType.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    return `${resources.length} resources, ${kib(JSON.stringify(exported.deployment).length)}, ${edges} dependency edges; most: ${top.map(([t, n]) => `${t} ${kib(n)}`).join(", ")}`;
}

async function main(): Promise<void> {
    const size = Number(process.argv[2] ?? 6);
    await installExample("multicluster-ts");
    process.env.SERVICEMESH_KWOK_ROOT ??= path.join(os.tmpdir(), "servicemesh-bench-kwok");
    const clusters = ENGINE_CLUSTERS.slice(0, size);
    const e = await createEnvironment({ clusters, nodes: 3, chartVersions: ["1.24.3-solo"], stateDir: tempDir("servicemesh-timeline-"), log });
    try {
        const { stack, caDir } = await multiclusterStack(e, `servicemesh-timeline-${size}`, clusters, { SERVICEMESH_CACHE_DIR: path.join(e.stateDir, "chart-cache") });
        const handwritten = await handwrittenStack(e, clusters, caDir);
        const results: Record<string, Awaited<ReturnType<typeof timeline>>> = {};
        const states: Record<string, string> = {};
        for (const [name, s] of [["component", stack], ["hand-written", handwritten]] as const) {
            log(`${name}: first up`);
            results[`${name} first up`] = await timeline(s, "up", true);
            log(`${name}: preview`);
            results[`${name} preview`] = await timeline(s, "preview");
            log(`${name}: no-change up`);
            results[name] = await timeline(s, "up");
            states[name] = stateSize(await s.exportStack());
            await s.destroy();
            await s.workspace.removeStack(s.name);
        }
        console.log(`\n${size} clusters, a first up, a preview and a no-change up of each (seconds from the start: first step start – last step end, steps)\n`);
        const kinds = [...new Set(Object.values(results).flatMap((r) => [...r.kinds.keys()]))].sort();
        console.log(`| step kind | first up: component | first up: hand-written | no-change up: component | no-change up: hand-written | preview: component | preview: hand-written |\n|---|---|---|---|---|---|---|`);
        const cell = (r: Awaited<ReturnType<typeof timeline>>, k: string) => {
            const x = r.kinds.get(k);
            return x ? `${x.first.toFixed(1)} – ${x.last.toFixed(1)} (${x.n})` : "–";
        };
        const order = ["component first up", "hand-written first up", "component", "hand-written", "component preview", "hand-written preview"];
        for (const k of kinds) console.log(`| ${k} | ${order.map((o) => cell(results[o], k)).join(" | ")} |`);
        console.log(`| whole run | ${order.map((o) => results[o].total.toFixed(1)).join(" | ")} |`);
        // The engine writes the state after each step of an up (not of a preview): its size is a cost per step.
        for (const [name, text] of Object.entries(states)) console.log(`\nstate of ${name}: ${text}`);
    } finally {
        await e.close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
