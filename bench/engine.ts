// Part 2: the real Pulumi engine on simulated clusters (tests/e2e/harness: kwok clusters, the authenticated chart
// repository, the controller doubles), for each mesh size, in the same run:
//   - the component (examples/multicluster-ts, a full mesh): first `up` until Ready, `preview` and `up` with nothing to
//     change, then an untimed destroy;
//   - the hand-written program (bench/handwritten) registering the same resources directly: the same three;
//   - Helm, cluster after cluster and all clusters at once (bench/helm.ts), then an untimed uninstall.
// Each is taken on a quiet machine when it can be (stats.ts `quietly`); the memory of the processes the CLI starts
// and of the clusters in use is sampled during each first up.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack, UpResult } from "@pulumi/pulumi/automation";
import { Environment, createEnvironment } from "../tests/e2e/harness/environment";
import { multiclusterStack } from "../tests/e2e/harness/stacks";
import { run } from "../tests/e2e/harness/run";
import { startCluster, stopCluster, untilPodsRun } from "../tests/e2e/harness/clusters";
import { REPO, installExample, tempDir } from "../tests/e2e/harness/tools";
import { helmInstall, helmUninstall } from "./helm";
import { MemoryPeaks, sampleMemory } from "./memory";
import { handwrittenMesh } from "./plan";
import { LoadMark, MAX_ENGINE_CLUSTERS, Settings, median, quietly } from "./stats";

export const ENGINE_CLUSTERS = Array.from({ length: MAX_ENGINE_CLUSTERS }, (_, i) => `b${i + 1}`);

/** One program's figures in one run: seconds, with the time until its first resource registration (start-up). */
export interface ProgramRun {
    upS: number;
    upStartupS: number;
    previewS: number;
    noChangeUpS: number;
    noChangeStartupS: number;
    /** Memory peaks during the first up. */
    memory: MemoryPeaks;
    load: LoadMark;
}

export interface EngineRun {
    component: ProgramRun;
    handwritten: ProgramRun;
    helmSequential: { s: number; load: LoadMark };
    helmParallel: { s: number; load: LoadMark };
}

/** Medians over the runs of one mesh size. */
export interface EngineFigure {
    clusters: number;
    component: { upS: number; upStartupS: number; previewS: number; noChangeUpS: number; noChangeStartupS: number; treeMb: number; clustersMb: number };
    handwritten: { upS: number; upStartupS: number; previewS: number; noChangeUpS: number; noChangeStartupS: number; treeMb: number; clustersMb: number };
    helmSequentialS: number;
    helmParallelS: number;
    /** Whether any figure of this size was taken under load. */
    underLoad: boolean;
    /** 1-minute load averages seen before and after the figures of this size. */
    loadRange: [number, number];
    /** The largest share of the machine other processes used during a figure of this size. */
    foreign: number;
    runs: EngineRun[];
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

/**
 * First up (checked by `check`), preview and up with nothing to change (checked to change nothing), memory sampled
 * during the first up. The caller destroys afterwards.
 */
async function programRun(stack: Stack, clusterDirs: string[], check: (r: UpResult) => void): Promise<Omit<ProgramRun, "load">> {
    const sampler = sampleMemory((cmd) => path.basename(cmd[0] ?? "") === "pulumi" && cmd.includes(stack.name), clusterDirs);
    let memory: MemoryPeaks;
    let up: Awaited<ReturnType<typeof timedUp>>;
    try {
        up = await timedUp(stack);
    } finally {
        memory = sampler.stop();
    }
    check(up.result);
    const previewStarted = performance.now();
    const preview = await stack.preview();
    const previewS = (performance.now() - previewStarted) / 1000;
    const previewed = changes(preview.changeSummary);
    if (Object.keys(previewed).length) throw new Error(`${stack.name}: the preview after up shows changes ${JSON.stringify(previewed)}`);
    const noChange = await timedUp(stack);
    const changed = changes(noChange.result.summary.resourceChanges);
    if (Object.keys(changed).length) throw new Error(`${stack.name}: the no-change up changed ${JSON.stringify(changed)}`);
    return { upS: up.seconds, upStartupS: up.startupS, previewS, noChangeUpS: noChange.seconds, noChangeStartupS: noChange.startupS, memory };
}

export async function handwrittenStack(e: Environment, clusters: string[], caDir: string): Promise<Stack> {
    const workDir = path.join(REPO, "bench", "handwritten");
    const name = `bench-handwritten-${clusters.length}`;
    fs.rmSync(path.join(workDir, `Pulumi.${name}.yaml`), { force: true });
    const ws = await LocalWorkspace.create({ workDir, pulumiCommand: e.pulumi, envVars: e.env });
    const stack = await Stack.createOrSelect(name, ws);
    await stack.setConfig("mesh", { value: JSON.stringify(handwrittenMesh(e, clusters, caDir)) });
    await stack.setConfig("repositoryPassword", { value: e.repo.password, secret: true });
    return stack;
}

const loadRange = (marks: LoadMark[]): [number, number] => [Math.min(...marks.map((m) => Math.min(m.before, m.after))), Math.max(...marks.map((m) => Math.max(m.before, m.after)))];

function programMedians(runs: ProgramRun[]): EngineFigure["component"] {
    const m = (f: (r: ProgramRun) => number) => median(runs.map(f));
    return {
        upS: m((r) => r.upS),
        upStartupS: m((r) => r.upStartupS),
        previewS: m((r) => r.previewS),
        noChangeUpS: m((r) => r.noChangeUpS),
        noChangeStartupS: m((r) => r.noChangeStartupS),
        treeMb: m((r) => r.memory.peaks.total),
        clustersMb: m((r) => r.memory.clustersMb),
    };
}

export async function enginePart(s: Settings, log: (line: string) => void): Promise<{ figures: EngineFigure[]; versions: Versions }> {
    await installExample("multicluster-ts");
    // Clusters of the benchmark's own, in a kwok workdir of its own, so that runs elsewhere on the machine are untouched.
    process.env.SERVICEMESH_KWOK_ROOT ??= path.join(os.tmpdir(), "servicemesh-bench-kwok");
    const names = ENGINE_CLUSTERS.slice(0, Math.max(...s.engineSizes));
    const e = await createEnvironment({ clusters: names, nodes: 3, chartVersions: ["1.24.3-solo"], stateDir: tempDir("servicemesh-bench-"), log });
    const figures: EngineFigure[] = [];
    const running = new Set(names);
    try {
        for (const size of s.engineSizes) {
            const clusters = names.slice(0, size);
            // Only the clusters a figure uses run (an idle kwok control plane still costs CPU), and only they are
            // reconciled by the controller doubles. Only what changes is stopped or started.
            for (const name of names) {
                const wanted = clusters.includes(name);
                if (wanted === running.has(name)) continue;
                if (!wanted) {
                    await stopCluster(name);
                    running.delete(name);
                    continue;
                }
                await startCluster(name, 3);
                running.add(name);
                // A restarted cluster runs no pods until its new kwok controller has taken its nodes over from the
                // stopped one (their leases expire up to ~250 s after the stop; see untilPodsRun): the figures would
                // pay that wait. Its nodes read Ready all along, so a node Ready wait does not see it.
                log(`${name}: restarted; it runs pods after ${(await untilPodsRun(e.bin, e.clusters[name])).toFixed(0)}s more`);
            }
            e.doubles.only(clusters);
            const dirs = clusters.map((c) => path.dirname(e.clusters[c].kubeconfig) + path.sep);
            const { stack, caDir } = await multiclusterStack(e, `servicemesh-bench-${size}`, clusters, { SERVICEMESH_CACHE_DIR: path.join(e.stateDir, "chart-cache") });
            const handwritten = await handwrittenStack(e, clusters, caDir);
            const ready = (r: UpResult) => {
                if (r.outputs.phase.value !== "SUCCEEDED") throw new Error(`first up ended with mesh phase ${r.outputs.phase.value}`);
            };
            const runs: EngineRun[] = [];
            for (let i = 0; i < s.runs; i++) {
                const what = (w: string) => `${size} clusters, run ${i + 1}: ${w}`;
                const c = await quietly(s, what("component"), log, () => programRun(stack, dirs, ready), () => stack.destroy());
                const h = await quietly(s, what("hand-written"), log, () => programRun(handwritten, dirs, () => undefined), () => handwritten.destroy());
                const timedHelm = (mode: "sequential" | "parallel") =>
                    quietly(s, what(`helm ${mode}`), log, async () => {
                        const started = performance.now();
                        await helmInstall(e, clusters, caDir, mode);
                        return (performance.now() - started) / 1000;
                    }, () => helmUninstall(e, clusters));
                const seq = await timedHelm("sequential");
                const par = await timedHelm("parallel");
                const r: EngineRun = { component: { ...c.value, load: c.load }, handwritten: { ...h.value, load: h.load }, helmSequential: { s: seq.value, load: seq.load }, helmParallel: { s: par.value, load: par.load } };
                runs.push(r);
                const p = (x: ProgramRun) => `up ${x.upS.toFixed(1)}s (start-up ${x.upStartupS.toFixed(1)}s), preview ${x.previewS.toFixed(1)}s, no-change up ${x.noChangeUpS.toFixed(1)}s, peak ${x.memory.peaks.total.toFixed(0)} MiB + clusters ${x.memory.clustersMb.toFixed(0)} MiB`;
                log(what(`component ${p(r.component)}; hand-written ${p(r.handwritten)}; helm sequential ${seq.value.toFixed(1)}s, parallel ${par.value.toFixed(1)}s`));
            }
            await stack.workspace.removeStack(stack.name);
            await handwritten.workspace.removeStack(handwritten.name);
            const marks = runs.flatMap((r) => [r.component.load, r.handwritten.load, r.helmSequential.load, r.helmParallel.load]);
            figures.push({
                clusters: size,
                component: programMedians(runs.map((r) => r.component)),
                handwritten: programMedians(runs.map((r) => r.handwritten)),
                helmSequentialS: median(runs.map((r) => r.helmSequential.s)),
                helmParallelS: median(runs.map((r) => r.helmParallel.s)),
                underLoad: marks.some((m) => m.underLoad),
                loadRange: loadRange(marks),
                foreign: Math.max(...marks.map((m) => m.foreign)),
                runs,
            });
        }
        return { figures, versions: await versions(e.bin) };
    } finally {
        await e.close();
        fs.rmSync(e.stateDir, { recursive: true, force: true });
    }
}
