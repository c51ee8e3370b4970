// `npm run bench:fleet` (ts-node --transpile-only bench/fleet.ts) compares, on 10 clusters at today's Istio, one stack
// of 10 (examples/multicluster-ts) with a trust stack and 5 member stacks of 2 (examples/fleet-ts) run by the fleet
// driver: wall time to a SUCCEEDED mesh and the peak RSS of each stack's CLI process tree. Figures are printed, not
// written to BENCHMARKS.md: bench/notes.md ("Many stacks") keeps them by hand. Settings (environment):
//   BENCH_FLEET_PARALLEL  the driver's parallelism after the canary (default 2)
//   BENCH_QUIET_CPU, BENCH_MAX_WAIT_S, BENCH_REPEATS as for `npm run bench` (one run of each layout).
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { runFleet } from "../provider/fleet/driver";
import { CURRENT_VERSION } from "../provider/spec/versions";
import { CREDENTIALS_SECRET, Environment, createEnvironment, gatewayApiStandIn } from "../tests/e2e/harness/environment";
import { multiclusterStack } from "../tests/e2e/harness/stacks";
import { REPO, installExample, tempDir } from "../tests/e2e/harness/tools";
import { issueClusterCas } from "../tests/support/pki";
import { ENGINE_CLUSTERS } from "./engine";
import { sampleMemory } from "./memory";
import { quietly, settings } from "./stats";

const log = (line: string) => process.stderr.write(`[bench fleet] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
const CLUSTERS = ENGINE_CLUSTERS.slice(0, 10);
// Today's default Istio, with the Gateway API bundle that minor needs.
const VERSION = CURRENT_VERSION;

/** Peak RSS (MiB) of the CLI process tree of each stack name, sampled while `fn` runs. */
async function perStackPeaks(names: string[], fn: () => Promise<void>): Promise<Record<string, number>> {
    const samplers = names.map((n) => [n, sampleMemory((cmd) => path.basename(cmd[0] ?? "") === "pulumi" && cmd.includes(n))] as const);
    const stop = () => Object.fromEntries(samplers.map(([n, s]) => [n, Math.round(s.stop().peaks.total)]));
    try {
        await fn();
    } catch (err) {
        stop();
        throw err;
    }
    return stop();
}

async function fleetStacks(e: Environment, caDir: string): Promise<{ trust: Stack; members: Stack[] }> {
    const trust = await e.stack("fleet-ts", "bench-trust");
    await trust.setAllConfig({ role: { value: "trust" }, clusterNames: { value: JSON.stringify(CLUSTERS) }, caDir: { value: caDir } });
    const members: Stack[] = [];
    for (let i = 0; i < CLUSTERS.length; i += 2) {
        const name = `bench-member-${i / 2 + 1}`;
        const stack = await e.stack("fleet-ts", name);
        const pair = CLUSTERS.slice(i, i + 2);
        await stack.setAllConfig({
            trustStack: { value: "bench-trust" },
            istioVersion: { value: VERSION },
            repositoryUrl: { value: e.repo.url },
            repositorySecret: { value: CREDENTIALS_SECRET },
            insecureSkipVerify: { value: "true" },
            gatewayApiManifest: { value: gatewayApiStandIn(VERSION) },
            peerStacks: { value: "[]" },
            clusters: { value: JSON.stringify(pair.map((c) => ({ name: c, kubeconfig: e.clusters[c].kubeconfig, context: e.clusters[c].context }))), secret: true },
        });
        members.push(stack);
    }
    return { trust, members };
}

async function main(): Promise<void> {
    const s = settings();
    const parallel = Number(process.env.BENCH_FLEET_PARALLEL ?? "2");
    process.env.SERVICEMESH_KWOK_ROOT ??= path.join(os.tmpdir(), "servicemesh-bench-kwok");
    await installExample("multicluster-ts");
    await installExample("fleet-ts");
    const e = await createEnvironment({ clusters: CLUSTERS, nodes: 3, chartVersions: [`${VERSION}-solo`], stateDir: tempDir("servicemesh-bench-fleet-"), log });
    try {
        const { stack: one } = await multiclusterStack(e, "bench-one-stack", CLUSTERS, {}, "multicluster-ts", VERSION);
        const single = await quietly(s, "one stack of 10", log, async () => {
            const started = performance.now();
            const peaks = await perStackPeaks([one.name], async () => {
                const r = await one.up();
                if (r.outputs.phase.value !== "SUCCEEDED") throw new Error(`one stack: mesh phase ${r.outputs.phase.value}: ${JSON.stringify(r.outputs.summary?.value)}`);
            });
            return { s: (performance.now() - started) / 1000, peaks };
        }, () => one.destroy());

        const caDir = path.join(e.stateDir, "cas-fleet");
        issueClusterCas(caDir, CLUSTERS);
        const { trust, members: memberStacks } = await fleetStacks(e, caDir);
        const members = memberStacks.map((m) => m.name);
        const driver = (command: "up" | "destroy", stacks: string[]) =>
            runFleet({ command, stacks, workDir: path.join(REPO, "examples", "fleet-ts"), parallel, envVars: e.env, pulumiCommand: e.pulumi, log }).then((r) => {
                if (!r.ok || r.outcomes.some((o) => command === "up" && o.phase !== "SUCCEEDED" && o.stack !== "bench-trust")) throw new Error(`fleet ${command} did not succeed`);
            });
        const fleet = await quietly(s, "5 stacks of 2", log, async () => {
            const started = performance.now();
            const peaks = await perStackPeaks(["bench-trust", ...members], async () => {
                await trust.up();
                // Round 1 installs every region; round 2 links each to all the others (a region joins in two rounds).
                await driver("up", members);
                for (const m of memberStacks) {
                    await m.setConfig("peerStacks", { value: JSON.stringify(members.filter((o) => o !== m.name)) });
                }
                await driver("up", members);
            });
            return { s: (performance.now() - started) / 1000, peaks };
        }, async () => {
            await driver("destroy", ["bench-trust", ...members]);
            for (const m of memberStacks) await m.setConfig("peerStacks", { value: "[]" });
        });

        console.log(`one stack of 10: ${single.value.s.toFixed(1)} s to SUCCEEDED, peak CLI tree ${JSON.stringify(single.value.peaks)} MiB`);
        console.log(`5 stacks of 2 (driver, parallel ${parallel}): ${fleet.value.s.toFixed(1)} s to SUCCEEDED, peak per CLI tree ${JSON.stringify(fleet.value.peaks)} MiB`);
    } finally {
        await e.close();
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
