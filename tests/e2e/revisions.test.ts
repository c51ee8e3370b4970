// Canary control-plane upgrades on simulated clusters with the real Pulumi CLI (upgradeStrategy RevisionBased):
// a sidecar cluster goes 1.30 → 1.31 with both istiod revisions side by side, moves a tag in one up, keeps the old
// revision while a pod labelled with it exists and removes it once the pod is gone and the grace period has passed;
// an InPlace install switches to RevisionBased and back (a pod known only by its sidecar's status annotation keeps the
// revision); an ambient cluster canaries istiod and upgrades istio-cni and ztunnel in place after it. A no-op up
// follows every step.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS } from "./harness/environment";
import { changes, singleClusterStack } from "./harness/stacks";
import { REPO } from "./harness/tools";
import { env } from "./hooks";

const log = (l: string) => process.stderr.write(l);
const GRACE_SECONDS = 150;

async function helmReleases(cluster: string): Promise<Record<string, { chart: string; updated: string; status: string }>> {
    const list = JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as any[];
    return Object.fromEntries(list.map((r) => [r.name, { chart: r.chart, updated: r.updated, status: r.status }]));
}

async function tagTargets(cluster: string): Promise<Record<string, string>> {
    const hooks = JSON.parse(await env().kubectl(cluster, ["get", "mutatingwebhookconfigurations", "-l", "istio.io/tag", "-o", "json"])).items as any[];
    return Object.fromEntries(hooks.map((h) => [h.metadata.labels["istio.io/tag"], `${h.metadata.labels["istio.io/rev"]} → ${h.webhooks[0].clientConfig.service.name}`]));
}

async function noOp(stack: Stack): Promise<void> {
    const result = await stack.up();
    expect(changes(result.summary.resourceChanges), "a no-op up changes nothing").to.deep.equal({});
}

describe("canary upgrades with revisions (real engine)", function () {
    describe("sidecar: 1.30 → 1.31", () => {
        let stack: Stack;
        const cluster = "solo";

        before(async () => {
            stack = await singleClusterStack(env(), "e2e-revisions", cluster);
            await stack.setAllConfig({
                istioVersion: { value: "1.30.2" },
                dataplaneMode: { value: "Sidecar" },
                upgradeStrategy: { value: "RevisionBased" },
                revisionGracePeriodSeconds: { value: String(GRACE_SECONDS) },
            });
            await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable" }]) });
        });

        it("installs istiod as revision 1-30-2 with the default and prod-stable tags on it", async () => {
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            expect(result.outputs.activeRevision.value).to.equal("1-30-2");
            const releases = await helmReleases(cluster);
            expect(Object.keys(releases).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2"]);
            expect(releases["istiod-1-30-2"].chart).to.equal("istiod-1.30.2-solo");
            const istiod = JSON.parse(await env().kubectl(cluster, ["get", "deployment", "istiod-1-30-2", "-n", "istio-system", "-o", "json"]));
            expect(istiod.spec.template.metadata.labels["istio.io/rev"]).to.equal("1-30-2");
            expect(istiod.status.readyReplicas).to.be.at.least(1);
            expect(await tagTargets(cluster)).to.deep.equal({ default: "1-30-2 → istiod-1-30-2", "prod-stable": "1-30-2 → istiod-1-30-2" });
            const services = await env().kubectl(cluster, ["get", "services", "-n", "istio-system", "-l", "istio.io/tag", "-o", "name"]);
            expect(services.trim().split("\n").sort()).to.deep.equal(["service/istiod-revision-tag-default", "service/istiod-revision-tag-prod-stable"]);
            await noOp(stack);
        });

        it("the component's tag webhooks match what the istiod stand-in renders for the chart's revisionTags", async () => {
            const e = env();
            const chart = path.join(__dirname, "charts", "istiod");
            const rendered = await e.helm(cluster, ["template", "istiod-1-30-2", chart, "-n", "istio-system", "--set", "revision=1-30-2", "--set", "revisionTags={default,prod-stable}"]);
            const fromChart = (yaml.loadAll(rendered) as any[]).filter((d) => d?.kind === "MutatingWebhookConfiguration" && d.metadata.labels["istio.io/tag"]);
            const live = JSON.parse(await e.kubectl(cluster, ["get", "mutatingwebhookconfigurations", "-l", "istio.io/tag", "-o", "json"])).items as any[];
            // The stand-in leaves out the object-selector webhooks and fails open (its DEVIATION note); the rest agrees.
            const shape = (h: any) => ({
                name: h.metadata.name,
                tag: h.metadata.labels["istio.io/tag"],
                rev: h.metadata.labels["istio.io/rev"],
                hooks: (h.webhooks as any[])
                    .filter((w) => w.name.startsWith("rev.namespace.") || w.name.startsWith("namespace."))
                    .map((w) => ({ name: w.name, service: w.clientConfig.service.name, path: w.clientConfig.service.path })),
            });
            const byName = (a: any, b: any) => a.name.localeCompare(b.name);
            expect(fromChart.map(shape).sort(byName)).to.deep.equal(live.map(shape).sort(byName));
        });

        it("a workload namespace on prod-stable with a pod of revision 1-30-2", async () => {
            const e = env();
            const node = (await e.kubectl(cluster, ["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"])).trim();
            await e.kubectl(cluster, ["apply", "-f", "-"], podManifest(node));
            // Labelled after the pod exists: the tag webhooks fail closed, like Istio's, and no istiod serves them here.
            await e.kubectl(cluster, ["label", "namespace", "shop", "istio.io/rev=prod-stable"]);
            const pod = JSON.parse(await e.kubectl(cluster, ["get", "pod", "app", "-n", "shop", "-o", "json"]));
            expect(pod.metadata.labels["istio.io/rev"]).to.equal("1-30-2");
        });

        it("version 1.31.1 installs revision 1-31-1 next to 1-30-2; default follows the active revision, prod-stable stays", async () => {
            await stack.setConfig("istioVersion", { value: "1.31.1" });
            await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable", revision: "1.30.2" }, { name: "prod-canary" }]) });
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("tag default moves from revision 1-30-2 to 1-31-1");
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            const releases = await helmReleases(cluster);
            expect(Object.keys(releases).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2", "istiod-1-31-1"]);
            expect([releases["istiod-1-30-2"].chart, releases["istiod-1-31-1"].chart]).to.deep.equal(["istiod-1.30.2-solo", "istiod-1.31.1-solo"]);
            expect(await tagTargets(cluster)).to.deep.equal({
                default: "1-31-1 → istiod-1-31-1",
                "prod-stable": "1-30-2 → istiod-1-30-2",
                "prod-canary": "1-31-1 → istiod-1-31-1",
            });
            const revisions = result.outputs.revisions.value as any[];
            expect(revisions.map((r) => [r.name, r.version, r.active, r.ready, r.pods, r.namespaces, r.tags])).to.deep.equal([
                ["1-30-2", "1.30.2", false, true, 1, ["shop=1"], ["prod-stable"]],
                ["1-31-1", "1.31.1", true, true, 0, [], ["default", "prod-canary"]],
            ]);
            expect(revisions[0].conditions.map((c: any) => [c.type, c.status])).to.deep.equal([["Ready", "True"], ["InUse", "True"]]);
            await noOp(stack);
        });

        it("moving prod-stable to 1-31-1 is one up that patches the tag in place, naming the namespace whose pods move", async () => {
            await stack.setConfig("revisionTags", { value: JSON.stringify([{ name: "prod-stable" }, { name: "prod-canary" }]) });
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("tag prod-stable moves from revision 1-30-2 to 1-31-1: pods of namespaces shop move at their next restart");
            const result = await stack.up({ onOutput: log });
            // The tag's webhook and its Service, and nothing else.
            expect(changes(result.summary.resourceChanges)).to.deep.equal({ update: 2 });
            expect((await tagTargets(cluster))["prod-stable"]).to.equal("1-31-1 → istiod-1-31-1");
            await noOp(stack);
        });

        it("keeps revision 1-30-2 while the pod uses it, saying so", async () => {
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("revision 1-30-2 (1.30.2) is kept: 1 pods still use it (shop=1)");
            expect(Object.keys(await helmReleases(cluster))).to.include("istiod-1-30-2");
        });

        it("once the pod is gone: recorded as unused, kept through the grace period, then removed by an up", async () => {
            await env().kubectl(cluster, ["delete", "pod", "app", "-n", "shop", "--wait=true"]);
            const first = await stack.up({ onOutput: log });
            // Only the record of when it became unused changes.
            expect(changes(first.summary.resourceChanges)).to.deep.equal({ update: 1 });
            const state = JSON.parse(await env().kubectl(cluster, ["get", "configmap", "servicemesh-revisions", "-n", "istio-system", "-o", "json"]));
            const record = state.metadata.annotations ?? {};
            expect(Object.keys(record).filter((k) => k.startsWith("servicemesh.pulumi.com/unused-since-"))).to.deep.equal(["servicemesh.pulumi.com/unused-since-1-30-2"]);
            const since = Date.parse(record["servicemesh.pulumi.com/unused-since-1-30-2"]);
            await noOp(stack);
            expect(Object.keys(await helmReleases(cluster))).to.include("istiod-1-30-2");

            const wait = since + GRACE_SECONDS * 1000 - Date.now() + 2000;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            const removal = await stack.up({ onOutput: log });
            // The release goes (with the reads that followed it); the record of unused revisions empties.
            const removed = changes(removal.summary.resourceChanges);
            log(`[revisions] removal changes: ${JSON.stringify(removed)}\n`);
            // The release, its Deployment's read and the record, nothing else (the pre-flight reads the chart
            // credentials, not the engine).
            expect(removed).to.deep.equal({ delete: 1, discard: 1, update: 1 });
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-31-1"]);
            const deployments = await env().kubectl(cluster, ["get", "deployments", "-n", "istio-system", "-o", "name"]);
            expect(deployments.trim().split("\n")).to.deep.equal(["deployment.apps/istiod-1-31-1"]);
            expect((removal.outputs.revisions.value as any[]).map((r) => r.name)).to.deep.equal(["1-31-1"]);
            await noOp(stack);
        });

        after(async () => {
            await stack?.destroy().catch((e) => log(`destroy: ${e}\n`));
        });
    });

    describe("switching an InPlace install to RevisionBased and back", () => {
        let stack: Stack;
        const cluster = "solo";
        const grace = 60;
        const hookNames = async () =>
            (await env().kubectl(cluster, ["get", "mutatingwebhookconfigurations", "-o", "name"]))
                .trim()
                .split("\n")
                .map((n) => n.replace("mutatingwebhookconfiguration.admissionregistration.k8s.io/", ""))
                .sort();
        const waitGrace = async (revision: string) => {
            const state = JSON.parse(await env().kubectl(cluster, ["get", "configmap", "servicemesh-revisions", "-n", "istio-system", "-o", "json"]));
            const since = Date.parse(state.metadata.annotations[`servicemesh.pulumi.com/unused-since-${revision}`]);
            const wait = since + grace * 1000 - Date.now() + 2000;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        };

        before(async () => {
            stack = await singleClusterStack(env(), "e2e-revisions-switch", cluster);
            await stack.setAllConfig({ istioVersion: { value: "1.30.2" }, dataplaneMode: { value: "Sidecar" } });
        });

        it("InPlace first: one revision-less istiod", async () => {
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            expect(result.outputs.activeRevision.value).to.equal("default");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod"]);
            expect(await hookNames()).to.deep.equal(["istio-sidecar-injector"]);
        });

        it("RevisionBased adds revision 1-30-2 and the default tag; the revision-less istiod drops its injector only after the tag exists", async () => {
            await stack.setAllConfig({ upgradeStrategy: { value: "RevisionBased" }, revisionGracePeriodSeconds: { value: String(grace) } });
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            // Created: the revision's release, the default tag's webhook and Service, the record; updated: istio-base's
            // default validator and the revision-less istiod (global.operatorManageWebhooks: its webhook goes).
            expect(changes(result.summary.resourceChanges)).to.deep.equal({ create: 4, update: 2 });
            const releases = await helmReleases(cluster);
            expect(Object.keys(releases).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod", "istiod-1-30-2"]);
            const tag = JSON.parse(await env().kubectl(cluster, ["get", "mutatingwebhookconfiguration", "istio-revision-tag-default", "-o", "json"]));
            const tagCreated = Date.parse(tag.metadata.creationTimestamp);
            const at = (name: string) => Date.parse(releases[name].updated.replace(/ \+0000 UTC$/, "Z").replace(" ", "T"));
            expect(Math.floor(at("istiod") / 1000), "the revision-less istiod changes after the tag exists").to.be.at.least(Math.floor(tagCreated / 1000));
            // One webhook per namespace selector: never istio-sidecar-injector and the default tag together.
            expect(await hookNames()).to.deep.equal(["istio-revision-tag-default", "istio-sidecar-injector-1-30-2"]);
            const validator = JSON.parse(await env().kubectl(cluster, ["get", "validatingwebhookconfiguration", "istiod-default-validator", "-o", "json"]));
            expect(validator.webhooks[0].clientConfig.service.name).to.equal("istiod-1-30-2");
            expect((result.outputs.revisions.value as any[]).map((r) => [r.name, r.active, r.tags])).to.deep.equal([
                ["default", false, []],
                ["1-30-2", true, ["default"]],
            ]);
            await noOp(stack);
        });

        it("the revision-less istiod, unused, goes after the grace period", async () => {
            await waitGrace("default");
            await stack.up({ onOutput: log });
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2"]);
            expect(await hookNames()).to.deep.equal(["istio-revision-tag-default", "istio-sidecar-injector-1-30-2"]);
            await noOp(stack);
        });

        it("a pod injected through the default tag counts for the revision its sidecar reports (annotation only, no label)", async () => {
            const e = env();
            const node = (await e.kubectl(cluster, ["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"])).trim();
            await e.kubectl(cluster, ["apply", "-f", "-"], injectedPodManifest(node));
            // Labelled after the pod exists: the tag webhooks fail closed and no istiod serves them here.
            await e.kubectl(cluster, ["label", "namespace", "web", "istio-injection=enabled"]);
            const result = await stack.up({ onOutput: log });
            expect(changes(result.summary.resourceChanges)).to.deep.equal({});
            expect((result.outputs.revisions.value as any[]).map((r) => [r.name, r.pods, r.namespaces, r.labelledNamespaces])).to.deep.equal([
                ["1-30-2", 1, ["web=1"], ["web"]],
            ]);
        });

        it("back to InPlace at another version is refused at preview, naming the version to use, changing nothing", async () => {
            await stack.setAllConfig({ upgradeStrategy: { value: "InPlace" }, istioVersion: { value: "1.31.1" } });
            const message = await stack.preview().then(() => "", (e) => String((e as Error).message));
            expect(message).to.contain("upgradeStrategy: InPlace over istiod revisions 1-30-2 installs the revision-less istiod next to them");
            expect(message).to.contain("so version must be 1.30.2");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2"]);
        });

        it("InPlace at 1.30.2: the revision-less istiod next to 1-30-2, the default tag moved onto it in place; 1-30-2 kept for its pod", async () => {
            await stack.setConfig("istioVersion", { value: "1.30.2" });
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("upgradeStrategy InPlace: back from revisions 1-30-2");
            expect(preview.stdout + preview.stderr).to.contain("tag default moves from revision 1-30-2 to default: pods of namespaces web move at their next restart");
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            expect(result.outputs.activeRevision.value).to.equal("default");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod", "istiod-1-30-2"]);
            // The tag now sends the default namespaces to the revision-less istiod, which has no webhook of its own yet.
            expect(await tagTargets(cluster)).to.deep.equal({ default: "default → istiod" });
            expect(await hookNames()).to.deep.equal(["istio-revision-tag-default", "istio-sidecar-injector-1-30-2"]);
            const validator = JSON.parse(await env().kubectl(cluster, ["get", "validatingwebhookconfiguration", "istiod-default-validator", "-o", "json"]));
            expect(validator.webhooks[0].clientConfig.service.name).to.equal("istiod");
            expect((result.outputs.revisions.value as any[]).map((r) => [r.name, r.active, r.pods, r.tags])).to.deep.equal([
                ["1-30-2", false, 1, []],
                ["default", true, 0, ["default"]],
            ]);
            await noOp(stack);
        });

        it("once the pod is gone and past the grace period: plain InPlace, the revision-less istiod's webhook back, the tag and record gone", async () => {
            await env().kubectl(cluster, ["delete", "pod", "app", "-n", "web", "--wait=true"]);
            const first = await stack.up({ onOutput: log });
            expect(changes(first.summary.resourceChanges)).to.deep.equal({ update: 1 });
            await waitGrace("1-30-2");
            const last = await stack.up({ onOutput: log });
            log(`[revisions] way back, last step: ${JSON.stringify(changes(last.summary.resourceChanges))}\n`);
            expect(last.outputs.phase.value).to.equal("SUCCEEDED");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod"]);
            expect(await hookNames()).to.deep.equal(["istio-sidecar-injector"]);
            const record = await env().kubectl(cluster, ["get", "configmap", "-n", "istio-system", "-o", "name"]);
            expect(record).to.not.contain("servicemesh-revisions");
            expect(last.outputs.revisions.value).to.deep.equal([]);
            await noOp(stack);
        });

        after(async () => {
            await stack?.destroy().catch((e) => log(`destroy: ${e}\n`));
            await env().kubectl(cluster, ["delete", "namespace", "web", "--wait=false"]).catch(() => undefined);
        });
    });

    describe("the README's YAML walkthrough, run as written (examples/canary-yaml)", () => {
        let stack: Stack;
        let project: string;
        const cluster = "solo";

        before(async () => {
            const e = env();
            // A copy, so that "up 2" can delete the line the README says to delete; the plugin from this repository.
            const dir = path.join(e.stateDir, "canary-yaml");
            fs.rmSync(dir, { recursive: true, force: true });
            fs.mkdirSync(dir, { recursive: true });
            project = path.join(dir, "Pulumi.yaml");
            const example = fs.readFileSync(path.join(REPO, "examples", "canary-yaml", "Pulumi.yaml"), "utf8");
            fs.writeFileSync(project, example.replace("path: ../../bin", `path: ${path.join(REPO, "bin")}`));
            const ws = await LocalWorkspace.create({ workDir: dir, pulumiCommand: e.pulumi, envVars: e.env });
            stack = await Stack.createOrSelect("e2e-canary-yaml", ws);
            await stack.setAllConfig({
                istioVersion: { value: "1.30.2" },
                kubeconfig: { value: e.clusters[cluster].kubeconfig },
                context: { value: e.clusters[cluster].context },
            });
            await stack.setConfig("repository.url", { value: e.repo.url }, true);
            await stack.setConfig("repository.secrets[0]", { value: CREDENTIALS_SECRET }, true);
            await stack.setConfig("repository.insecureSkipVerify", { value: "true" }, true);
            await stack.setConfig("gatewayApi.manifest", { value: GATEWAY_API_CRDS }, true);
        });

        it("installs 1.30.2: revision 1-30-2 with default, prod-stable and prod-canary on it", async () => {
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.activeRevision.value).to.equal("1-30-2");
            expect(await tagTargets(cluster)).to.deep.equal({
                default: "1-30-2 → istiod-1-30-2",
                "prod-stable": "1-30-2 → istiod-1-30-2",
                "prod-canary": "1-30-2 → istiod-1-30-2",
            });
            await noOp(stack);
        });

        it("up 1 (istioVersion removed: the default, 1.31.1): revision 1-31-1 beside 1-30-2, prod-stable stays", async () => {
            await stack.removeConfig("istioVersion");
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("tag default moves from revision 1-30-2 to 1-31-1");
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.activeRevision.value).to.equal("1-31-1");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2", "istiod-1-31-1"]);
            expect(await tagTargets(cluster)).to.deep.equal({
                default: "1-31-1 → istiod-1-31-1",
                "prod-stable": "1-30-2 → istiod-1-30-2",
                "prod-canary": "1-31-1 → istiod-1-31-1",
            });
            await noOp(stack);
        });

        it("up 2 (the marked line deleted): prod-stable moves to 1-31-1, patched in place; 1-30-2, now unused, recorded", async () => {
            const text = fs.readFileSync(project, "utf8");
            const edited = text.replace(/^.*# up 2: remove this line\n/m, "");
            expect(edited).to.not.equal(text);
            fs.writeFileSync(project, edited);
            const preview = await stack.preview();
            expect(preview.stdout + preview.stderr).to.contain("tag prod-stable moves from revision 1-30-2 to 1-31-1");
            const result = await stack.up({ onOutput: log });
            // The tag's webhook and Service, and the record of when 1-30-2 became unused (kept for the 300s grace period).
            expect(changes(result.summary.resourceChanges)).to.deep.equal({ update: 3 });
            expect((await tagTargets(cluster))["prod-stable"]).to.equal("1-31-1 → istiod-1-31-1");
            expect(Object.keys(await helmReleases(cluster))).to.include("istiod-1-30-2");
            await noOp(stack);
        });

        after(async () => {
            await stack?.destroy().catch((e) => log(`destroy: ${e}\n`));
        });
    });

    describe("ambient: istiod canary, istio-cni and ztunnel in place after it", () => {
        let stack: Stack;
        const cluster = "east";

        before(async () => {
            stack = await singleClusterStack(env(), "e2e-revisions-ambient", cluster);
            // A grace period longer than the test, so the old revision stays through the no-op up that follows.
            await stack.setAllConfig({ istioVersion: { value: "1.30.2" }, upgradeStrategy: { value: "RevisionBased" }, revisionGracePeriodSeconds: { value: "3600" } });
        });

        it("1.30.2 as revision 1-30-2, ztunnel following it", async () => {
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            expect(Object.keys(await helmReleases(cluster)).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2", "ztunnel"]);
            await noOp(stack);
        });

        it("1.31.1: the new istiod revision first, then istio-cni and ztunnel upgraded in place and moved to it", async () => {
            await stack.setConfig("istioVersion", { value: "1.31.1" });
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            const releases = await helmReleases(cluster);
            expect(Object.keys(releases).sort()).to.deep.equal(["istio-base", "istio-cni", "istiod-1-30-2", "istiod-1-31-1", "ztunnel"]);
            expect([releases["istio-cni"].chart, releases.ztunnel.chart]).to.deep.equal(["cni-1.31.1-solo", "ztunnel-1.31.1-solo"]);
            const at = (name: string) => Date.parse(releases[name].updated.replace(/ \+0000 UTC$/, "Z").replace(" ", "T"));
            expect(at("istiod-1-31-1"), "istio-cni after the new istiod").to.be.below(at("istio-cni"));
            expect(at("istio-cni"), "ztunnel after istio-cni").to.be.below(at("ztunnel"));
            const ztunnel = JSON.parse(await env().kubectl(cluster, ["get", "daemonset", "ztunnel", "-n", "istio-system", "-o", "json"]));
            const env_ = Object.fromEntries((ztunnel.spec.template.spec.containers[0].env as any[]).map((v) => [v.name, v.value]));
            expect(env_.XDS_ADDRESS ?? env_.CA_ADDRESS).to.contain("istiod-1-31-1.istio-system.svc:15012");
            await noOp(stack);
        });

        after(async () => {
            await stack?.destroy().catch((e) => log(`destroy: ${e}\n`));
        });
    });
});

/** A pod as the default tag's injector (revision 1-30-2) leaves it: no istio.io/rev label, the revision in its status annotation. */
function injectedPodManifest(node: string): string {
    const status = { initContainers: ["istio-init"], containers: ["istio-proxy"], volumes: ["istio-envoy"], imagePullSecrets: null, revision: "1-30-2" };
    return JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "web" } },
            {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "app", namespace: "web", labels: { app: "web" }, annotations: { "sidecar.istio.io/status": JSON.stringify(status), "istio.io/rev": "1-30-2" } },
                spec: { nodeName: node, tolerations: [{ operator: "Exists" }], containers: [{ name: "app", image: "registry.example/web:1" }] },
            },
        ],
    });
}

function podManifest(node: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
            {
                apiVersion: "v1",
                kind: "Pod",
                // As the injector of revision 1-30-2 leaves a pod: labelled with the revision, not the tag.
                metadata: { name: "app", namespace: "shop", labels: { app: "shop", "istio.io/rev": "1-30-2" } },
                spec: {
                    nodeName: node,
                    tolerations: [{ operator: "Exists" }],
                    containers: [{ name: "app", image: "registry.example/shop:1" }],
                },
            },
        ],
    });
}
