// Faults during `pulumi up` of a three-cluster mesh, with the real engine, each ending converged with nothing lost:
// one cluster's API server down (the others deploy, the error names it, a later up completes it), then an up killed
// hard while that cluster's Helm releases install (recovered the way the README tells a user to).
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { startCluster, stopCluster } from "./harness/clusters";
import { upKilledAt } from "./harness/kill";
import { changes, exportedState, multiclusterStack, upError } from "./harness/stacks";
import { env } from "./hooks";

const CLUSTERS = ["east", "west", "north"];
const STACK = "e2e-faults";
const ALL_DEPLOYED = [["istio-base", "deployed"], ["istio-cni", "deployed"], ["istiod", "deployed"], ["ztunnel", "deployed"]];

interface HelmRelease {
    name: string;
    status: string;
    revision: string;
    chart: string;
}

const releasesOn = async (cluster: string): Promise<HelmRelease[]> =>
    JSON.parse(await env().helm(cluster, ["list", "-a", "-n", "istio-system", "-o", "json"]));

/**
 * Holds a stopped cluster's API server port: connections are accepted and dropped at once (the provider reports
 * the cluster unreachable), and no other cluster on a shared machine can take the port before the restart.
 */
async function holdPort(kubeconfig: string): Promise<net.Server> {
    const port = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(kubeconfig, "utf8"))![1]);
    // The stopped API server may take a few seconds to let go of it.
    for (let attempt = 0; ; attempt++) {
        const server = net.createServer((socket) => socket.destroy());
        try {
            await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
            return server;
        } catch (err) {
            if (attempt >= 30) throw err;
            await new Promise((r) => setTimeout(r, 500));
        }
    }
}

/** `pulumi stack export` (secrets stay encrypted) of the faults stack. */
async function exportState(stack: Stack): Promise<any> {
    return JSON.parse(await exportedState(stack)).deployment;
}

describe("faults during up of a multicluster mesh (real engine)", function () {
    let stack: Stack;
    let northDown: net.Server | undefined;

    before(async () => {
        ({ stack } = await multiclusterStack(env(), STACK, CLUSTERS));
    });

    async function restartNorth() {
        await new Promise((resolve) => (northDown ? northDown.close(resolve) : resolve(undefined)));
        northDown = undefined;
        await startCluster("north", 3);
    }

    after(async () => {
        if (northDown) await restartNorth();
        await stack?.cancel().catch(() => undefined);
        await stack?.destroy({ continueOnError: true }).catch((e) => process.stderr.write(`[faults] destroy: ${e}\n`));
        await stack?.workspace.removeStack(STACK, { force: true });
    });

    it("one cluster's API server down: the others deploy, and the error names the unreachable cluster", async () => {
        await stopCluster("north");
        northDown = await holdPort(env().clusters.north.kubeconfig);
        // Without --continue-on-error the engine starts nothing new after the first failure, which would stall the
        // healthy clusters wherever they were; with it they complete.
        const message = await upError(stack, { continueOnError: true });
        expect(message).to.match(/\(mesh-north[^)]*\):\s*error: configured Kubernetes cluster is unreachable/);
        expect(message).to.not.match(/\(mesh-(east|west)[^)]*\):\s*error/);
        for (const name of ["east", "west"]) {
            const releases = await releasesOn(name);
            expect(releases.map((r) => [r.name, r.status]).sort(), name).to.deep.equal(ALL_DEPLOYED);
        }
    });

    it("up killed hard while the restarted cluster's releases install; after the documented recovery, up converges", async () => {
        const e = env();
        await restartNorth();
        const killed = await upKilledAt(e.bin, stack.workspace.workDir, STACK, e.env, /Release\s+mesh-north-\S+\s+creating/, 1500);
        // The CLI, the language host and program, and the provider plugins (in process groups of their own): all gone.
        expect(killed.killed).to.be.at.least(4);
        expect(killed.survivors).to.equal(0);
        process.stderr.write(`[faults] north after the kill: ${JSON.stringify(await releasesOn("north"))}\n`);

        // 0. A kill between the file backend's write of the checkpoint and of its attributes sidecar leaves an empty
        //    `<stack>.json.attrs`; every command then fails with "failed to load checkpoint: EOF". Remove it.
        const attrs = path.join(e.stateDir, "backend", ".pulumi", "stacks", "multicluster-ts", `${STACK}.json.attrs`);
        if (fs.existsSync(attrs) && fs.statSync(attrs).size === 0) {
            process.stderr.write(`[faults] removing the empty ${attrs}\n`);
            fs.rmSync(attrs);
        }
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
        expect(result.summary.result).to.equal("succeeded");
        // Phase is checked by the next test: right after an install a DaemonSet's status can lag its pods on a loaded
        // machine (phase PENDING, reported honestly), and the next up reads it again.
        expect((await releasesOn("north")).map((r) => [r.name, r.status]).sort()).to.deep.equal(ALL_DEPLOYED);
    });

    it("converged: every cluster SUCCEEDED, each release installed once, six links, and a further up changes nothing", async () => {
        const result = await stack.up();
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
        expect((result.outputs.clusterStates.value as any[]).map((c) => [c.cluster, c.phase])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED"]));
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
