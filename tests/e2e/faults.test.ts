// Faults during `pulumi up` of a three-cluster mesh, with the real engine, each ending converged with nothing lost:
// one cluster's API server down (the others deploy, the error names it, a later up completes it), then an up killed
// hard while that cluster's Helm releases install (recovered the way the README tells a user to).
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { startCluster, stopCluster } from "./harness/clusters";
import { upKilledAt } from "./harness/kill";
import { run } from "./harness/run";
import { changes, multiclusterStack, upError } from "./harness/stacks";
import { env } from "./hooks";

const CLUSTERS = ["east", "west", "north"];
const STACK = "e2e-faults";

interface HelmRelease {
    name: string;
    status: string;
    revision: string;
    chart: string;
}

const releasesOn = async (cluster: string): Promise<HelmRelease[]> =>
    JSON.parse(await env().helm(cluster, ["list", "-a", "-n", "istio-system", "-o", "json"]));

/** `pulumi stack export` (secrets stay encrypted) of the faults stack. */
async function exportState(stack: Stack): Promise<any> {
    const e = env();
    const out = await run(path.join(e.bin, "pulumi"), ["stack", "export", "--stack", STACK], { cwd: stack.workspace.workDir, env: { ...process.env, ...e.env } });
    return JSON.parse(out.stdout).deployment;
}

describe("faults during up of a multicluster mesh (real engine)", function () {
    let stack: Stack;
    let northDown = false;

    before(async () => {
        ({ stack } = await multiclusterStack(env(), STACK, CLUSTERS));
    });

    after(async () => {
        if (northDown) await startCluster("north", 3);
        await stack?.cancel().catch(() => undefined);
        await stack?.destroy({ continueOnError: true }).catch((e) => process.stderr.write(`[faults] destroy: ${e}\n`));
        await stack?.workspace.removeStack(STACK, { force: true });
    });

    it("one cluster's API server down: the others deploy, and the error names the unreachable cluster", async () => {
        await stopCluster("north");
        northDown = true;
        // Without --continue-on-error the engine starts nothing new after the first failure, which would stall the
        // healthy clusters wherever they were; with it they complete.
        const message = await upError(stack, { continueOnError: true });
        expect(message).to.match(/\(mesh-north[^)]*\):\s*error: configured Kubernetes cluster is unreachable/);
        expect(message).to.not.match(/\(mesh-(east|west)[^)]*\):\s*error/);
        for (const name of ["east", "west"]) {
            const releases = await releasesOn(name);
            expect(releases.map((r) => [r.name, r.status]).sort(), name).to.deep.equal([
                ["istio-base", "deployed"], ["istio-cni", "deployed"], ["istiod", "deployed"], ["ztunnel", "deployed"],
            ]);
        }
    });

    it("up killed hard while the restarted cluster's releases install; after the documented recovery, up converges", async () => {
        const e = env();
        await startCluster("north", 3);
        northDown = false;
        const killed = await upKilledAt(e.bin, stack.workspace.workDir, STACK, e.env, /Release\s+mesh-north-\S+\s+creating/, 1500);
        expect(killed.survivors).to.equal(0);
        process.stderr.write(`[faults] north after the kill: ${JSON.stringify(await releasesOn("north"))}\n`);

        // 1. The killed run still holds the stack's lock.
        const locked = await upError(stack);
        expect(locked).to.contain("the stack is currently locked");
        await stack.cancel();
        // 2. Pulumi does not know whether the creates it was running happened.
        const pending = (await exportState(stack)).pending_operations ?? [];
        expect(pending.length, "pending operations after the kill").to.be.greaterThan(0);
        await stack.refresh({ clearPendingCreates: true });
        expect((await exportState(stack)).pending_operations ?? []).to.deep.equal([]);
        // 3. Helm releases Pulumi no longer tracks (stuck pending-install, or installed but not recorded) block their
        //    own re-creation ("cannot re-use a name that is still in use"): uninstall them. Kubernetes objects the
        //    killed run created need nothing: the provider's server-side apply adopts them.
        const tracked = new Set(
            ((await exportState(stack)).resources as any[])
                .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.urn.endsWith(`::mesh-north-${r.id?.split("/")[1]}`))
                .map((r) => r.id.split("/")[1]),
        );
        for (const r of await releasesOn("north")) {
            if (!tracked.has(r.name) || r.status.startsWith("pending")) {
                process.stderr.write(`[faults] helm uninstall ${r.name} (${r.status}, tracked: ${tracked.has(r.name)})\n`);
                await e.helm("north", ["uninstall", r.name, "-n", "istio-system", "--wait"]);
            }
        }
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
    });

    it("converged: every cluster SUCCEEDED, each release installed once, six links, and a further up changes nothing", async () => {
        const result = await stack.up();
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
        expect((result.outputs.clusterStates.value as any[]).map((c) => [c.name, c.phase])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED"]));
        expect((result.outputs.meshLinks.value as any[]).filter((l) => l.accepted)).to.have.length(6);
        for (const name of CLUSTERS) {
            const releases = await releasesOn(name);
            expect(releases.map((r) => [r.name, r.status, r.chart]).sort(), name).to.deep.equal([
                ["istio-base", "deployed", "base-1.24.3-solo"], ["istio-cni", "deployed", "cni-1.24.3-solo"],
                ["istiod", "deployed", "istiod-1.24.3-solo"], ["ztunnel", "deployed", "ztunnel-1.24.3-solo"],
            ]);
        }
        const state = await exportState(stack);
        const releaseIds = (state.resources as any[]).filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.urn.split("::").pop());
        expect(releaseIds.sort()).to.deep.equal(CLUSTERS.flatMap((c) => ["istio-base", "istio-cni", "istiod", "ztunnel"].map((r) => `mesh-${c}-${r}`)).sort());
    });
});
