// A MultiClusterMesh canary upgrade on two simulated clusters (east, west) with the real Pulumi CLI: RevisionBased
// from 1.30.2 to 1.31.1 with both revisions side by side on both clusters, a tag moved on both in one up, the old
// revision removed on both once unused and past the grace period. A no-op up follows every step.
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { changes, multiclusterStack } from "./harness/stacks";
import { env } from "./hooks";

const CLUSTERS = ["east", "west"];
const GRACE_SECONDS = 60;
const log = (l: string) => process.stderr.write(l);

async function istiodReleases(cluster: string): Promise<string[]> {
    const list = JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as any[];
    return list.map((r) => `${r.name}@${r.chart}`).filter((r) => r.startsWith("istiod")).sort();
}

async function tagTargets(cluster: string): Promise<Record<string, string>> {
    const hooks = JSON.parse(await env().kubectl(cluster, ["get", "mutatingwebhookconfigurations", "-l", "istio.io/tag", "-o", "json"])).items as any[];
    return Object.fromEntries(hooks.map((h) => [h.metadata.labels["istio.io/tag"], h.metadata.labels["istio.io/rev"]]));
}

async function noOp(stack: Stack): Promise<void> {
    const result = await stack.up();
    expect(changes(result.summary.resourceChanges), "a no-op up changes nothing").to.deep.equal({});
}

describe("MultiClusterMesh canary upgrade with revisions on east and west (real engine)", function () {
    let stack: Stack;

    before(async () => {
        ({ stack } = await multiclusterStack(env(), "e2e-revisions-mesh", CLUSTERS, {}, "multicluster-ts", "1.30.2"));
        await stack.setAllConfig({ upgradeStrategy: { value: "RevisionBased" }, revisionGracePeriodSeconds: { value: String(GRACE_SECONDS) } });
        await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable" }]) });
    });

    it("1.30.2 as revision 1-30-2 on both clusters, default and prod-stable on it", async () => {
        const result = await stack.up({ onOutput: log });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const clusters = result.outputs.clusterStates.value as any[];
        expect(clusters.map((c) => [c.cluster, c.phase, c.activeRevision])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED", "1-30-2"]));
        for (const name of CLUSTERS) {
            expect(await istiodReleases(name), name).to.deep.equal(["istiod-1-30-2@istiod-1.30.2-solo"]);
            expect(await tagTargets(name), name).to.deep.equal({ default: "1-30-2", "prod-stable": "1-30-2" });
        }
        expect((result.outputs.meshLinks.value as any[]).every((l) => l.accepted)).to.equal(true);
        await noOp(stack);
    });

    it("1.31.1 installs revision 1-31-1 beside 1-30-2 on both clusters; default follows it, prod-stable stays", async () => {
        await stack.setConfig("istioVersion", { value: "1.31.1" });
        await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable", revision: "1.30.2" }]) });
        const preview = await stack.preview();
        expect(preview.stdout + preview.stderr).to.contain("tag default moves from revision 1-30-2 to 1-31-1");
        const result = await stack.up({ onOutput: log });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const clusters = result.outputs.clusterStates.value as any[];
        for (const c of clusters) {
            expect([c.cluster, c.activeRevision, (c.revisions as any[]).map((r) => [r.name, r.version, r.active, r.ready, r.tags])]).to.deep.equal([
                c.cluster,
                "1-31-1",
                [
                    ["1-30-2", "1.30.2", false, true, ["prod-stable"]],
                    ["1-31-1", "1.31.1", true, true, ["default"]],
                ],
            ]);
        }
        for (const name of CLUSTERS) {
            expect(await istiodReleases(name), name).to.deep.equal(["istiod-1-30-2@istiod-1.30.2-solo", "istiod-1-31-1@istiod-1.31.1-solo"]);
            expect(await tagTargets(name), name).to.deep.equal({ default: "1-31-1", "prod-stable": "1-30-2" });
        }
        expect((result.outputs.meshLinks.value as any[]).every((l) => l.accepted)).to.equal(true);
        await noOp(stack);
    });

    it("moving prod-stable to 1-31-1 is one up, patching each cluster's tag in place", async () => {
        await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable" }]) });
        const preview = await stack.preview();
        expect(preview.stdout + preview.stderr).to.contain("tag prod-stable moves from revision 1-30-2 to 1-31-1");
        const result = await stack.up({ onOutput: log });
        // Per cluster: the tag's webhook and Service, and the record of when 1-30-2 became unused. Nothing is replaced.
        expect(changes(result.summary.resourceChanges)).to.deep.equal({ update: 6 });
        for (const name of CLUSTERS) {
            expect(await tagTargets(name), name).to.deep.equal({ default: "1-31-1", "prod-stable": "1-31-1" });
            expect(await istiodReleases(name), name).to.have.length(2);
        }
        await noOp(stack);
    });

    it("removes 1-30-2 on both clusters once past the grace period", async () => {
        let latest = 0;
        for (const name of CLUSTERS) {
            const state = JSON.parse(await env().kubectl(name, ["get", "configmap", "servicemesh-revisions", "-n", "istio-system", "-o", "json"]));
            latest = Math.max(latest, Date.parse(state.metadata.annotations["servicemesh.pulumi.com/unused-since-1-30-2"]));
        }
        const wait = latest + GRACE_SECONDS * 1000 - Date.now() + 2000;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const result = await stack.up({ onOutput: log });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        for (const name of CLUSTERS) {
            expect(await istiodReleases(name), name).to.deep.equal(["istiod-1-31-1@istiod-1.31.1-solo"]);
        }
        const clusters = result.outputs.clusterStates.value as any[];
        expect(clusters.map((c) => (c.revisions as any[]).map((r) => r.name))).to.deep.equal([["1-31-1"], ["1-31-1"]]);
        expect((result.outputs.meshLinks.value as any[]).every((l) => l.accepted)).to.equal(true);
        await noOp(stack);
    });

    after(async () => {
        await stack?.destroy().catch((e) => log(`destroy: ${e}\n`));
    });
});
