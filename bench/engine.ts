// Parts 2 and 3: the real Pulumi engine on simulated clusters (tests/e2e/harness: kwok clusters, the authenticated
// chart repository, the controller doubles). Per cluster count and run: `pulumi preview`, a first `pulumi up` until
// the mesh is Ready, a no-change `pulumi up` (then a destroy, not timed); and the sequential Helm baseline (then an
// uninstall, not timed). During each up of the largest mesh, the memory of the processes the CLI starts is sampled.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack, UpResult } from "@pulumi/pulumi/automation";
import { createEnvironment } from "../tests/e2e/harness/environment";
import { multiclusterStack } from "../tests/e2e/harness/stacks";
import { run } from "../tests/e2e/harness/run";
import { installExample, tempDir } from "../tests/e2e/harness/tools";
import { issueClusterCas } from "../tests/support/pki";
import { helmInstall, helmUninstall } from "./helm";
import { MemoryPeaks, sampleMemory } from "./memory";
import { Settings, load, median, timed } from "./stats";

export const ENGINE_CLUSTERS = ["b1", "b2", "b3"];

export interface EngineRun {
    previewS: number;
    upS: number;
    noChangeUpS: number;
    /** Seconds from the start of each up until the program registered its first resource after the stack (start-up). */
    upStartupS: number;
    noChangeStartupS: number;
    helmS: number;
    /** Memory peaks during the first up (largest mesh only). */
    memory?: MemoryPeaks;
}

export interface EngineFigure {
    clusters: number;
    previewS: number;
    upS: number;
    noChangeUpS: number;
    helmS: number;
    upStartupS: number;
    noChangeStartupS: number;
    runs: EngineRun[];
    load: string;
}

export interface Versions {
    pulumi: string;
    kubernetes: string;
    helm: string;
    kubernetesProvider: string;
}

const first = (text: string) => text.trim().split("\n")[0];

export async function versions(bin: string): Promise<Versions> {
    const out = async (cmd: string, args: string[]) => first((await run(path.join(bin, cmd), args)).stdout);
    return {
        pulumi: await out("pulumi", ["version"]),
        kubernetes: await out("kube-apiserver", ["--version"]),
        helm: await out("helm", ["version", "--short"]),
        kubernetesProvider: await out("pulumi-resource-kubernetes", ["-version"]).catch(() => "unknown"),
    };
}

const changes = (summary: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && op !== "read" && n > 0));

/** An up, timed, with the time at which the program registered its first resource besides the stack. */
async function timedUp(stack: Stack): Promise<{ seconds: number; startupS: number; result: UpResult }> {
    const started = performance.now();
    let startupS = NaN;
    const result = await stack.up({
        onEvent: (ev) => {
            const urn = ev.resourcePreEvent?.metadata.urn;
            if (urn && Number.isNaN(startupS) && !urn.includes("::pulumi:pulumi:Stack::")) {
                startupS = (performance.now() - started) / 1000;
            }
        },
    });
    return { seconds: (performance.now() - started) / 1000, startupS, result };
}

/** preview, first up (checked Ready), no-change up (checked to change nothing), then an untimed destroy. */
async function componentRun(stack: Stack, sampleMemoryOf?: string): Promise<Omit<EngineRun, "helmS">> {
    const previewS = await timed(() => stack.preview());
    const sampler = sampleMemoryOf ? sampleMemory((cmd) => path.basename(cmd[0] ?? "") === "pulumi" && cmd.includes(sampleMemoryOf)) : undefined;
    const up = await timedUp(stack);
    const memory = sampler?.stop();
    const phase = up.result.outputs.phase.value;
    if (phase !== "SUCCEEDED") throw new Error(`first up ended with mesh phase ${phase}`);
    const noChange = await timedUp(stack);
    const changed = changes(noChange.result.summary.resourceChanges);
    if (Object.keys(changed).length) throw new Error(`the no-change up changed ${JSON.stringify(changed)}`);
    await stack.destroy();
    return { previewS, upS: up.seconds, upStartupS: up.startupS, noChangeUpS: noChange.seconds, noChangeStartupS: noChange.startupS, memory };
}

export async function enginePart(s: Settings, log: (line: string) => void): Promise<{ figures: EngineFigure[]; versions: Versions }> {
    await installExample("multicluster-ts");
    // Clusters of the benchmark's own, in a kwok workdir of its own, so that runs elsewhere on the machine are untouched.
    process.env.SERVICEMESH_KWOK_ROOT ??= path.join(os.tmpdir(), "servicemesh-bench-kwok");
    const names = ENGINE_CLUSTERS.slice(0, Math.max(...s.engineSizes));
    const e = await createEnvironment({ clusters: names, nodes: 3, chartVersions: ["1.24.3-solo"], stateDir: tempDir("servicemesh-bench-"), log });
    const figures: EngineFigure[] = [];
    try {
        const largest = Math.max(...s.engineSizes);
        for (const size of s.engineSizes) {
            const clusters = names.slice(0, size);
            const { stack, caDir } = await multiclusterStack(e, `servicemesh-bench-${size}`, clusters, { SERVICEMESH_CACHE_DIR: path.join(e.stateDir, "chart-cache") });
            const runs: EngineRun[] = [];
            for (let i = 0; i < s.runs; i++) {
                const c = await componentRun(stack, size === largest ? stack.name : undefined);
                const helmS = await timed(() => helmInstall(e, clusters, caDir));
                await helmUninstall(e, clusters);
                runs.push({ ...c, helmS });
                log(`engine ${size} clusters, run ${i + 1}: preview ${c.previewS.toFixed(1)}s, up ${c.upS.toFixed(1)}s (program start-up ${c.upStartupS.toFixed(1)}s), no-change up ${c.noChangeUpS.toFixed(1)}s (start-up ${c.noChangeStartupS.toFixed(1)}s), helm ${helmS.toFixed(1)}s (load ${load()})`);
            }
            await stack.workspace.removeStack(stack.name);
            const m = (k: keyof Omit<EngineRun, "memory">) => median(runs.map((r) => r[k]));
            figures.push({
                clusters: size,
                previewS: m("previewS"),
                upS: m("upS"),
                noChangeUpS: m("noChangeUpS"),
                helmS: m("helmS"),
                upStartupS: m("upStartupS"),
                noChangeStartupS: m("noChangeStartupS"),
                runs,
                load: load(),
            });
        }
        return { figures, versions: await versions(e.bin) };
    } finally {
        await e.close();
        fs.rmSync(e.stateDir, { recursive: true, force: true });
    }
}
