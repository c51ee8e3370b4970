// upgradeStrategy RevisionBased: the pure revision plan (values per revision, tag placement, removal guarded by use and
// grace, refusals) and the component under mocks (what it registers for two revisions side by side, outputs, refusals).
import { expect } from "chai";
import * as path from "path";
import { MultiClusterMesh, ServiceMeshController } from "../../provider";
import { HelmRelease, RevisionUse, podRevision, readSnapshot } from "../../provider/preflight/snapshot";
import { planReleases } from "../../provider/render/releases";
import { deployedRevisions, deployedTags, planRevisions, planWayBack, tagService, tagWebhook, ztunnelSkew } from "../../provider/render/revisions";
import { revisionConditions, revisionsPhase } from "../../provider/readiness/revisions";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { emptySnapshot, expectRejected, mocks, registered, resetMocks, settle, valueOf } from "./mocks";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const NOW = new Date("2026-12-06T22:00:00Z");
const OWNER = "servicemesh/test/mesh";

function release(name: string, version: string, namespace = "istio-system"): HelmRelease {
    return { name, namespace, chart: "istiod", version: `${version}-solo`, status: "deployed", revision: 1 };
}
function use(pods: [string, string][], inactiveSince: Record<string, string> = {}, namespaces: RevisionUse["namespaces"] = []): RevisionUse {
    return { pods: pods.map(([namespace, revision]) => ({ namespace, revision })), namespaces, inactiveSince };
}
const spec = (extra: object = {}) => resolveControllerSpec({ version: "1.31.1", dataplaneMode: "Sidecar", upgradeStrategy: "RevisionBased", ...extra });
const old = deployedRevisions([release("istiod-1-30-2", "1.30.2")], "istio-system");

describe("revisions: the plan (pure)", () => {
    it("names the active revision after the version and reads installed revisions from their releases", () => {
        expect(spec().upgrade.activeRevision).to.equal("1-31-1");
        expect(resolveControllerSpec({ version: "1.31.1" }).upgrade.activeRevision).to.equal("default");
        expect(deployedRevisions([release("istiod", "1.29.3"), release("istiod-1-30-2", "1.30.2"), release("istiod-canary", "1.30.2"), release("istiod-1-28-0", "1.28.0", "other")], "istio-system"))
            .to.deep.equal([
                { name: "default", release: "istiod", version: { major: 1, minor: 29, patch: 3 } },
                { name: "1-30-2", release: "istiod-1-30-2", version: { major: 1, minor: 30, patch: 2 } },
            ]);
    });

    it("renders each revision's istiod from its own version, the base default validator and ztunnel after the active one", () => {
        const s = spec({ dataplaneMode: "Ambient" });
        const decision = planRevisions(s, old, use([["shop", "1-30-2"]]), {}, NOW);
        const plan = planReleases(s, decision);
        expect(plan.map((p) => [p.name, p.chartVersion, p.after])).to.deep.equal([
            ["istio-base", "1.31.1-solo", []],
            ["istiod-1-30-2", "1.30.2-solo", ["istio-base"]],
            ["istiod-1-31-1", "1.31.1-solo", ["istio-base"]],
            ["istio-cni", "1.31.1-solo", ["istio-base", "istiod-1-31-1"]],
            ["ztunnel", "1.31.1-solo", ["istiod-1-31-1", "istio-cni"]],
        ]);
        const values = Object.fromEntries(plan.map((p) => [p.name, p.values as any]));
        expect(values["istiod-1-30-2"].revision).to.equal("1-30-2");
        expect(values["istiod-1-30-2"].global.tag).to.equal("1.30.2-solo");
        expect(values["istiod-1-31-1"].revision).to.equal("1-31-1");
        expect(values["istiod-1-31-1"].global.tag).to.equal("1.31.1-solo");
        expect(values["istio-base"].defaultRevision).to.equal("1-31-1");
        expect(values.ztunnel.revision).to.equal("1-31-1");
        // InPlace: exactly today's plan.
        expect(planReleases(resolveControllerSpec({ version: "1.31.1" })).map((p) => p.name)).to.deep.equal(["istio-base", "istiod", "istio-cni", "ztunnel"]);
    });

    it("a revision of another minor keeps its own registry (1.28's keyed repositories, 1.29+ public)", () => {
        const s = resolveControllerSpec({ version: "1.29.3", dataplaneMode: "Sidecar", upgradeStrategy: "RevisionBased" });
        const decision = planRevisions(s, deployedRevisions([release("istiod-1-28-2", "1.28.2")], "istio-system"), use([["a", "1-28-2"]]), {}, NOW);
        const old = planReleases(s, decision).find((p) => p.name === "istiod-1-28-2")!.values as any;
        expect(old.global.hub).to.equal("us-docker.pkg.dev/gloo-mesh/istio-594e990587b9");
        expect(old.global.tag).to.equal("1.28.2-solo");
    });

    it("places tags where the user says; default follows the active revision unless placed; a move names the namespaces it moves", () => {
        const s = spec({ revisionTags: [{ name: "prod-stable", revision: "1.30.2" }, { name: "prod-canary" }] });
        const namespaces = [{ name: "shop", rev: "prod-stable" }, { name: "web", injection: "enabled" }, { name: "beta", rev: "prod-canary" }];
        const d = planRevisions(s, old, use([], {}, namespaces), { default: "1-30-2", "prod-stable": "1-30-2" }, NOW);
        expect(d.problems).to.deep.equal([]);
        expect(d.tags.map((t) => [t.name, t.revision, t.from])).to.deep.equal([
            ["default", "1-31-1", "1-30-2"],
            ["prod-stable", "1-30-2", undefined],
            ["prod-canary", "1-31-1", undefined],
        ]);
        expect(d.notes).to.include("tag default moves from revision 1-30-2 to 1-31-1: pods of namespaces web move at their next restart");
        expect(d.revisions.map((r) => [r.name, r.active, r.tags])).to.deep.equal([
            ["1-30-2", false, ["prod-stable"]],
            ["1-31-1", true, ["default", "prod-canary"]],
        ]);
        expect(d.removed).to.deep.equal([]);
    });

    it("keeps an old revision while pods use it, records when it became unused, removes it after the grace period", () => {
        const s = spec({ inactiveRevisionDeletionGracePeriodSeconds: 60 });
        const inUse = planRevisions(s, old, use([["shop", "1-30-2"], ["shop", "1-30-2"], ["web", "1-30-2"]], { "1-30-2": "2026-12-06T20:00:00Z" }), {}, NOW);
        expect(inUse.revisions.find((r) => r.name === "1-30-2")).to.include({ pods: 3 });
        expect(inUse.revisions.find((r) => r.name === "1-30-2")!.namespaces).to.deep.equal(["shop=2", "web=1"]);
        expect(inUse.inactiveSince).to.deep.equal({}); // in use again: the old record is dropped
        expect(inUse.notes[0]).to.contain("revision 1-30-2 (1.30.2) is kept: 3 pods still use it (shop=2, web=1)");

        const justIdle = planRevisions(s, old, use([]), {}, NOW);
        expect(justIdle.revisions.map((r) => r.name)).to.deep.equal(["1-30-2", "1-31-1"]);
        expect(justIdle.inactiveSince).to.deep.equal({ "1-30-2": NOW.toISOString() });

        const inGrace = planRevisions(s, old, use([], { "1-30-2": new Date(NOW.getTime() - 59_000).toISOString() }), {}, NOW);
        expect(inGrace.removed).to.deep.equal([]);
        const past = planRevisions(s, old, use([], { "1-30-2": new Date(NOW.getTime() - 60_000).toISOString() }), {}, NOW);
        expect(past.revisions.map((r) => r.name)).to.deep.equal(["1-31-1"]);
        expect(past.removed).to.deep.equal([{ name: "1-30-2", release: "istiod-1-30-2", why: "no pod has used it for 60s (grace period 60s)" }]);
        expect(past.inactiveSince).to.deep.equal({});

        // A namespace labelled with the revision itself keeps it too, as Sail's InUse counts it.
        const labelled = planRevisions(s, old, use([], { "1-30-2": "2026-01-01T00:00:00Z" }, [{ name: "legacy", rev: "1-30-2" }]), {}, NOW);
        expect(labelled.removed).to.deep.equal([]);
        expect(labelled.notes[0]).to.contain("namespaces legacy are labelled istio.io/rev=1-30-2");
        // Grace 0: removed by the first update that finds it unused; a tag keeps it whatever the pods.
        expect(planRevisions(spec({ inactiveRevisionDeletionGracePeriodSeconds: 0 }), old, use([]), {}, NOW).removed).to.have.length(1);
        expect(planRevisions(spec({ revisionTags: [{ name: "prod", revision: "1-30-2" }] }), old, use([]), {}, NOW).removed).to.deep.equal([]);
    });

    it("removes a revision in use only when forced, saying what the pods lose", () => {
        const d = planRevisions(spec({ forceRemoveRevisions: ["1-30-2"] }), old, use([["shop", "1-30-2"]]), {}, NOW);
        expect(d.removed[0].why).to.contain("forceRemoveRevisions names it; 1 pods (shop=1) lose their control plane until restarted");
    });

    it("refuses tags on revisions that are not installed and forcing the active or a tagged revision, naming the field", () => {
        const d = planRevisions(spec({ revisionTags: [{ name: "prod", revision: "1.29.0" }], forceRemoveRevisions: ["1-31-1"] }), old, use([]), {}, NOW);
        expect(d.problems).to.deep.equal([
            'revisionTags: tag "prod" points at revision "1-29-0", which is not installed (got "1-29-0"); allowed: 1-30-2, 1-31-1',
            'forceRemoveRevisions: "1-31-1" is the active revision (got "1-31-1"); allowed: an installed revision other than 1-31-1: 1-30-2',
            'forceRemoveRevisions: "1-31-1" is the revision of tag "default"; allowed: move the tag first (revisionTags)',
        ]);
    });

    it("reads where tags point from the tag webhooks in the snapshot", () => {
        const hook = (tag: string, rev: string, name = `istio-revision-tag-${tag}`) => ({ kind: "MutatingWebhookConfiguration", name, labels: { "istio.io/tag": tag, "istio.io/rev": rev }, annotations: {} });
        const snap = { ...emptySnapshot(), objects: [hook("default", "1-30-2"), hook("prod", "1-31-1"), hook("x", "1-1-1", "someone-else")] };
        expect(deployedTags(snap, "istio-system")).to.deep.equal({ default: "1-30-2", prod: "1-31-1" });
    });

    it("shapes the tag objects as the istiod chart's revision-tags templates", () => {
        const hook = tagWebhook("prod", "1-31-1", "istio-system", OWNER);
        expect(hook.metadata.name).to.equal("istio-revision-tag-prod");
        expect(hook.metadata.labels).to.include({ "istio.io/tag": "prod", "istio.io/rev": "1-31-1" });
        expect(hook.webhooks.map((w) => w.name)).to.deep.equal(["rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io"]);
        expect(hook.webhooks[0].clientConfig.service).to.deep.equal({ name: "istiod-1-31-1", namespace: "istio-system", path: "/inject", port: 443 });
        expect(hook.webhooks[0].namespaceSelector.matchExpressions[0]).to.deep.equal({ key: "istio.io/rev", operator: "In", values: ["prod"] });
        const def = tagWebhook("default", "1-31-1", "mesh", OWNER);
        expect(def.metadata.name).to.equal("istio-revision-tag-default-mesh");
        expect(def.webhooks.map((w) => w.name)).to.deep.equal([
            "rev.namespace.sidecar-injector.istio.io",
            "rev.object.sidecar-injector.istio.io",
            "namespace.sidecar-injector.istio.io",
            "object.sidecar-injector.istio.io",
        ]);
        expect(tagService("prod", "1-31-1", "istio-system", OWNER).spec.selector).to.deep.equal({ app: "istiod", "istio.io/rev": "1-31-1" });
    });

    it("reports Ready and InUse per revision; SUCCEEDED waits for every tagged revision", () => {
        const r = { name: "1-30-2", pods: 2, namespaces: ["shop=2"], tags: [], labelledNamespaces: [] };
        expect(revisionConditions(r, true, "2/2").map((c) => [c.type, c.status, c.reason])).to.deep.equal([["Ready", "True", "Healthy"], ["InUse", "True", "ReferencedByWorkloads"]]);
        expect(revisionConditions({ ...r, pods: 0, namespaces: [] }, false, "0/2").map((c) => [c.type, c.status, c.reason])).to.deep.equal([
            ["Ready", "False", "IstiodNotReady"],
            ["InUse", "False", "NotReferenced"],
        ]);
        // A namespace labelled for it (its name, or a tag on it) keeps it in use without pods, as the removal decides.
        const labelled = revisionConditions({ ...r, pods: 0, namespaces: [], labelledNamespaces: ["legacy"] }, true, "1/1")[1];
        expect([labelled.status, labelled.message]).to.deep.equal(["True", "referenced by namespaces legacy"]);
        const state = (ready: boolean, tags: string[]) => ({ name: "x", version: "1.31.1", active: false, ready, pods: 0, namespaces: [], labelledNamespaces: [], tags, conditions: [] });
        expect(revisionsPhase("SUCCEEDED", [state(true, ["default"]), state(false, [])])).to.equal("SUCCEEDED");
        expect(revisionsPhase("SUCCEEDED", [state(false, ["prod"])])).to.equal("PENDING");
        expect(revisionsPhase("FAILED", [state(true, ["prod"])])).to.equal("FAILED");
    });
});

describe("revisions: what the pre-flight reads (RevisionBased only)", () => {
    it("reads pods by the revision their sidecar reports (else their istio.io/rev label), labelled namespaces and the record of unused revisions", async () => {
        const asked: string[] = [];
        const status = (revision: string) => JSON.stringify({ initContainers: ["istio-init"], containers: ["istio-proxy"], volumes: [], imagePullSecrets: null, revision });
        const labelledPod = { metadata: { name: "a", namespace: "shop", labels: { "istio.io/rev": "1-30-2" } } };
        const answers: Record<string, unknown> = {
            "/api/v1/pods?labelSelector=istio.io%2Frev%2Capp%21%3Distiod": {
                // Labelled with a tag (object-selector injection): the sidecar says which revision injected it.
                items: [labelledPod, { metadata: { name: "t", namespace: "beta", labels: { "istio.io/rev": "prod" }, annotations: { "sidecar.istio.io/status": status("1-31-1") } } }],
            },
            // Injected through its namespace's label: no label on the pod, only the injector's annotations.
            "/api/v1/namespaces/web/pods?labelSelector=app%21%3Distiod": {
                items: [
                    { metadata: { name: "w", namespace: "web", annotations: { "sidecar.istio.io/status": status("default"), "istio.io/rev": "default" } } },
                    { metadata: { name: "plain", namespace: "web" } },
                ],
            },
            "/api/v1/namespaces/shop/pods?labelSelector=app%21%3Distiod": { items: [labelledPod] },
            "/api/v1/namespaces?labelSelector=istio.io%2Frev": { items: [{ metadata: { name: "shop", labels: { "istio.io/rev": "prod" } } }] },
            "/api/v1/namespaces?labelSelector=istio-injection": { items: [{ metadata: { name: "web", labels: { "istio-injection": "enabled" } } }] },
            "/api/v1/namespaces/istio-system/configmaps/servicemesh-revisions": {
                metadata: { annotations: { "servicemesh.pulumi.com/unused-since-1-29-0": "2026-12-06T21:00:00.000Z", other: "x" } },
            },
        };
        const get = async (p: string) => {
            asked.push(p);
            return answers[p] ?? (p.endsWith("s") || p.includes("?") ? { items: [] } : undefined);
        };
        const without = await readSnapshot(get, "istio-system");
        expect(without.revisions).to.equal(undefined);
        expect(asked.filter((p) => p in answers)).to.deep.equal([]);
        const snap = await readSnapshot(get, "istio-system", [], true);
        expect(snap.revisions).to.deep.equal({
            pods: [
                { namespace: "shop", revision: "1-30-2" },
                { namespace: "beta", revision: "1-31-1" },
                { namespace: "web", revision: "default" },
            ],
            namespaces: [{ name: "shop", rev: "prod", injection: undefined }, { name: "web", rev: undefined, injection: "enabled" }],
            inactiveSince: { "1-29-0": "2026-12-06T21:00:00.000Z" },
        });
    });

    it("lists the pods of each labelled namespace once, a namespace in both namespace lists too", async () => {
        const both = { metadata: { name: "shop", labels: { "istio.io/rev": "prod", "istio-injection": "enabled" } } };
        const pod = { metadata: { name: "a", namespace: "shop", labels: { "istio.io/rev": "1-30-2" } } };
        const answers: Record<string, unknown> = {
            // Labelled itself: in the cluster-wide list and in its namespace's, and counted once.
            "/api/v1/pods?labelSelector=istio.io%2Frev%2Capp%21%3Distiod": { items: [pod] },
            "/api/v1/namespaces?labelSelector=istio.io%2Frev": { items: [both] },
            "/api/v1/namespaces?labelSelector=istio-injection": { items: [both] },
            "/api/v1/namespaces/shop/pods?labelSelector=app%21%3Distiod": { items: [pod] },
        };
        const asked: string[] = [];
        const get = async (p: string) => {
            asked.push(p);
            return answers[p] ?? (p.endsWith("s") || p.includes("?") ? { items: [] } : undefined);
        };
        const snap = await readSnapshot(get, "istio-system", [], true);
        expect(asked.filter((p) => p.includes("/pods"))).to.have.members(["/api/v1/pods?labelSelector=istio.io%2Frev%2Capp%21%3Distiod", "/api/v1/namespaces/shop/pods?labelSelector=app%21%3Distiod"]);
        expect(asked.length).to.equal(new Set(asked).size);
        expect(snap.revisions?.pods).to.deep.equal([{ namespace: "shop", revision: "1-30-2" }]);
    });
});

describe("revisions: the revision a pod runs", () => {
    it("takes the sidecar.istio.io/status revision over the istio.io/rev label, which may name a tag", () => {
        const status = JSON.stringify({ containers: ["istio-proxy"], revision: "1-30-2" });
        expect(podRevision({ labels: { "istio.io/rev": "prod-stable" }, annotations: { "sidecar.istio.io/status": status } })).to.equal("1-30-2");
        expect(podRevision({ annotations: { "sidecar.istio.io/status": status } })).to.equal("1-30-2");
        expect(podRevision({ labels: { "istio.io/rev": "1-31-1" } })).to.equal("1-31-1");
        expect(podRevision({ labels: { "istio.io/rev": "1-31-1" }, annotations: { "sidecar.istio.io/status": "not json" } })).to.equal("1-31-1");
        expect(podRevision({ labels: { app: "x" } })).to.equal(undefined);
    });
});

describe("revisions: back to InPlace (pure)", () => {
    const inPlace = (extra: object = {}) => resolveControllerSpec({ version: "1.31.1", dataplaneMode: "Sidecar", ...extra });
    const current = deployedRevisions([release("istiod-1-31-1", "1.31.1")], "istio-system");

    it("installs the revision-less istiod at the default tag's version, moves the tag to it, keeps the revision while pods run it", () => {
        const back = planWayBack(inPlace(), current, use([["shop", "1-31-1"]], {}, [{ name: "web", injection: "enabled" }]), { default: "1-31-1" }, NOW);
        expect(back.problems).to.deep.equal([]);
        const d = back.decision!;
        expect(d.tags.map((t) => [t.name, t.revision, t.from])).to.deep.equal([["default", "default", "1-31-1"]]);
        expect(d.revisions.map((r) => [r.name, r.release, r.active, r.pods, r.tags, r.labelledNamespaces])).to.deep.equal([
            ["1-31-1", "istiod-1-31-1", false, 1, [], []],
            ["default", "istiod", true, 0, ["default"], ["web"]],
        ]);
        expect(back.notes[0]).to.contain("upgradeStrategy InPlace: back from revisions 1-31-1; the revision-less istiod takes tag default");
        expect(back.notes).to.include("tag default moves from revision 1-31-1 to default: pods of namespaces web move at their next restart");

        // Its releases: the revision-less istiod without its own injector (the tag injects for it), the revision as it was.
        const plan = planReleases(inPlace(), d);
        expect(plan.map((p) => [p.name, p.chartVersion, p.afterDefaultTag])).to.deep.equal([
            ["istio-base", "1.31.1-solo", undefined],
            ["istiod-1-31-1", "1.31.1-solo", undefined],
            ["istiod", "1.31.1-solo", undefined],
            ["istio-cni", "1.31.1-solo", undefined],
        ]);
        const values = Object.fromEntries(plan.map((p) => [p.name, p.values as any]));
        expect(values.istiod.revision).to.equal(undefined);
        expect(values.istiod.global.operatorManageWebhooks).to.equal(true);
        expect(values["istiod-1-31-1"].revision).to.equal("1-31-1");
        // The default validator back on the revision-less istiod, as in any InPlace install.
        expect(values["istio-base"].defaultRevision).to.equal("default");
    });

    it("once the revision is gone and the tag is on the revision-less istiod: plain InPlace again; while the tag is elsewhere, it moves first", () => {
        const idle = use([], { "1-31-1": "2026-01-01T00:00:00Z" });
        const moving = planWayBack(inPlace(), current, idle, { default: "1-31-1" }, NOW);
        expect(moving.decision!.removed.map((r) => r.name)).to.deep.equal(["1-31-1"]);
        expect(moving.decision!.tags.map((t) => t.revision)).to.deep.equal(["default"]);
        const both = deployedRevisions([release("istiod", "1.31.1"), release("istiod-1-31-1", "1.31.1")], "istio-system");
        const done = planWayBack(inPlace(), both, idle, { default: "default" }, NOW);
        expect(done.decision).to.equal(undefined);
        expect(done.problems).to.deep.equal([]);
        expect(done.notes.join("\n")).to.contain("revision 1-31-1 (release istiod-1-31-1) is removed: no pod has used it for");
        // Nothing but the revision-less istiod: no way back at all.
        expect(planWayBack(inPlace(), deployedRevisions([release("istiod", "1.31.1")], "istio-system"), idle, {}, NOW)).to.deep.equal({ problems: [], notes: [] });
    });

    it("refuses a version change in the same update and namespaces on another tag, saying how to get there", () => {
        const changed = planWayBack(inPlace({ version: "1.30.2" }), current, use([]), { default: "1-31-1" }, NOW);
        expect(changed.problems).to.deep.equal([
            'upgradeStrategy: InPlace over istiod revisions 1-31-1 installs the revision-less istiod next to them at the version of revision 1-31-1 (where tag default points), so version must be 1.31.1 (got version "1.30.2"); allowed: version 1.31.1 with upgradeStrategy InPlace first, then version 1.30.2 in a later update; or keep upgradeStrategy RevisionBased for the version change',
        ]);
        const tagged = planWayBack(inPlace(), current, use([], {}, [{ name: "shop", rev: "prod-stable" }]), { default: "1-31-1", "prod-stable": "1-31-1" }, NOW);
        expect(tagged.problems).to.deep.equal([
            'upgradeStrategy: InPlace keeps no revision tag but default, and namespaces shop are labelled istio.io/rev=prod-stable (tag prod-stable on revision 1-31-1): their pods would no longer be injected (got "InPlace"); allowed: first relabel them (kubectl label namespace shop istio.io/rev=default --overwrite, or istio-injection=enabled) with upgradeStrategy RevisionBased, then switch to InPlace; or keep upgradeStrategy RevisionBased',
        ]);
        // An unlabelled tag just goes; RevisionBased refuses dropping a tag namespaces still use, too.
        expect(planWayBack(inPlace(), current, use([]), { default: "1-31-1", "prod-stable": "1-31-1" }, NOW).problems).to.deep.equal([]);
        const dropped = planRevisions(spec(), current, use([], {}, [{ name: "shop", rev: "prod-stable" }]), { default: "1-31-1", "prod-stable": "1-31-1" }, NOW);
        expect(dropped.problems[0]).to.contain('revisionTags: tag "prod-stable" (on revision 1-31-1) is no longer listed, but namespaces shop are labelled istio.io/rev=prod-stable');
    });

    it("the switch to RevisionBased hands the revision-less istiod's injection to the default tag before dropping its webhook", () => {
        const s = spec();
        const d = planRevisions(s, deployedRevisions([release("istiod", "1.31.1")], "istio-system"), use([["web", "default"]]), {}, NOW);
        const istiod = planReleases(s, d).find((p) => p.name === "istiod")!;
        expect(istiod.afterDefaultTag).to.equal(true);
        expect((istiod.values as any).global.operatorManageWebhooks).to.equal(true);
    });
});

describe("revisions: ztunnel skew against kept revisions (ambient)", () => {
    it("refuses ztunnel more than one minor from a kept istiod revision, naming the limit, the revisions and what to do", () => {
        const v = (minor: number, patch: number) => ({ major: 1, minor, patch });
        expect(ztunnelSkew(v(31, 1), [{ name: "1-30-2", version: v(30, 2) }, { name: "1-31-1", version: v(31, 1) }])).to.deep.equal([]);
        const [problem] = ztunnelSkew(v(31, 1), [{ name: "1-29-5", version: v(29, 5) }, { name: "1-30-2", version: v(30, 2) }]);
        expect(problem).to.equal(
            'version: ztunnel and istio-cni upgrade in place to 1.31.1, more than 1 minor from istiod revisions 1-29-5 (1.29.5) still kept, beyond the skew Istio\'s ambient upgrade guide allows (ztunnel 1.x with istiod 1.x and 1.x+1) (got version "1.31.1"); allowed: first remove 1-29-5 (an update once unused and past inactiveRevisionDeletionGracePeriodSeconds, or forceRemoveRevisions: ["1-29-5"] after moving its tags), then this version; or a version within 1 minor of them',
        );
        // Through the plan: an ambient update keeping 1-29-5 for its pods is refused; sidecar-only installs have no ztunnel.
        const kept = deployedRevisions([release("istiod-1-29-5", "1.29.5"), release("istiod-1-30-2", "1.30.2")], "istio-system");
        const pods = use([["shop", "1-29-5"]]);
        expect(planRevisions(spec({ dataplaneMode: "Ambient" }), kept, pods, {}, NOW).problems).to.deep.equal([problem]);
        expect(planRevisions(spec(), kept, pods, {}, NOW).problems).to.deep.equal([]);
        // Removed in this update (forced): no longer kept, so no skew.
        expect(planRevisions(spec({ dataplaneMode: "Ambient", forceRemoveRevisions: ["1-29-5"] }), kept, pods, {}, NOW).problems).to.deep.equal([]);
    });
});

describe("revisions: validation", () => {
    beforeEach(resetMocks);
    it("refuses revision tags without RevisionBased, creating nothing", async () => {
        await expectRejected(
            () => new ServiceMeshController("mesh", { version: "1.31.1", revisionTags: [{ name: "prod" }] } as any),
            'revisionTags: applies to upgradeStrategy RevisionBased only (got upgradeStrategy "InPlace"); allowed: unset it, or upgradeStrategy: RevisionBased',
        );
    });
    it("refuses ambient revisions before 1.23, naming the limit", async () => {
        await expectRejected(
            () => new ServiceMeshController("mesh", { version: "1.22.5", upgradeStrategy: "RevisionBased" } as any),
            'upgradeStrategy: RevisionBased with ambient needs Istio 1.23.0 or later, whose ztunnel chart follows an istiod revision (got version "1.22.5"); allowed: InPlace, or version 1.23.0 or later',
        );
    });
    it("refuses a tag named like a revision, a tag twice and a bad revision reference", async () => {
        const problems = (() => {
            try {
                resolveControllerSpec({ version: "1.31.1", upgradeStrategy: "RevisionBased", revisionTags: [{ name: "1-30-2" }, { name: "a", revision: "v1.30" }, { name: "a" }] });
            } catch (e) {
                return (e as any).problems as string[];
            }
            return [];
        })();
        expect(problems.join("\n")).to.contain("revisionTags.1.revision: is not a revision");
        expect(problems.join("\n")).to.contain("revisionTags: names a tag twice");
    });
});

describe("revisions: the component (mocks)", () => {
    // Istio 1.31 needs Kubernetes 1.33 or later.
    beforeEach(() => {
        resetMocks();
        mocks.options.kubernetesVersion = "v1.33.2";
    });
    const releases = () => registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const children = () => registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController");
    const rejection = (mesh: ServiceMeshController) => (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);
    const owned = { annotations: { "servicemesh.pulumi.com/owner": OWNER } };
    const args = { version: "1.31.1", dataplaneMode: "Sidecar", upgradeStrategy: "RevisionBased", gatewayApi: { manifest: CRDS }, context: "solo" } as any;

    it("installs the new revision next to the one pods use, tags after their revision, and reports both", async () => {
        mocks.options.preflight = {
            helmReleases: [release("istiod-1-30-2", "1.30.2"), { ...release("istio-base", "1.30.2"), chart: "base" }],
            installNamespace: owned,
            revisions: use([["shop", "1-30-2"]], {}, [{ name: "shop", rev: "prod-stable" }]),
        };
        const deps: Record<string, string[]> = {};
        const mesh = new ServiceMeshController("mesh", { ...args, revisionTags: [{ name: "prod-stable", revision: "1.30.2" }] }, {
            transformations: [(a) => { deps[a.name] = ((a.opts.dependsOn as any[]) ?? []).map((d) => d.__name); return undefined; }],
        });
        const [phase, revisions, tags, active] = await Promise.all([valueOf(mesh.phase), valueOf(mesh.revisions), valueOf(mesh.revisionTags), valueOf(mesh.activeRevision)]);
        await settle();
        expect(phase).to.equal("SUCCEEDED");
        expect(active).to.equal("1-31-1");
        expect(releases().map((r) => [r.inputs.name, r.inputs.version, r.inputs.values.revision])).to.deep.equal([
            ["istio-base", "1.31.1-solo", undefined],
            ["istiod-1-30-2", "1.30.2-solo", "1-30-2"],
            ["istiod-1-31-1", "1.31.1-solo", "1-31-1"],
            ["istio-cni", "1.31.1-solo", undefined],
        ]);
        const hooks = registered.filter((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration" && !r.id);
        expect(hooks.map((h) => [h.inputs.metadata.name, h.inputs.metadata.labels["istio.io/rev"]]).sort()).to.deep.equal([
            ["istio-revision-tag-default", "1-31-1"],
            ["istio-revision-tag-prod-stable", "1-30-2"],
        ]);
        expect(deps["mesh-tag-default"]).to.deep.equal(["mesh-istiod-1-31-1"]);
        expect(deps["mesh-tag-prod-stable"]).to.deep.equal(["mesh-istiod-1-30-2"]);
        // 1.28+ charts also represent a tag as a Service.
        expect(registered.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => r.inputs.metadata.name).sort()).to.deep.equal([
            "istiod-revision-tag-default",
            "istiod-revision-tag-prod-stable",
        ]);
        expect(tags).to.deep.equal([{ name: "default", revision: "1-31-1" }, { name: "prod-stable", revision: "1-30-2" }]);
        expect(revisions.map((r) => [r.name, r.version, r.active, r.ready, r.pods, r.namespaces, r.tags])).to.deep.equal([
            ["1-30-2", "1.30.2", false, true, 1, ["shop=1"], ["prod-stable"]],
            ["1-31-1", "1.31.1", true, true, 0, [], ["default"]],
        ]);
        const state = registered.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
        expect(state.inputs.metadata.name).to.equal("servicemesh-revisions");
        expect(state.inputs.metadata.annotations).to.deep.equal({});
        expect(state.inputs.data).to.equal(undefined);
    });

    it("leaves out a revision nobody uses past its grace period (Pulumi then deletes its release)", async () => {
        mocks.options.preflight = {
            helmReleases: [release("istiod-1-30-2", "1.30.2")],
            installNamespace: owned,
            revisions: use([], { "1-30-2": "2026-01-01T00:00:00Z" }),
        };
        expect(await rejection(new ServiceMeshController("mesh", args))).to.equal("");
        await settle();
        expect(releases().map((r) => r.inputs.name)).to.deep.equal(["istio-base", "istiod-1-31-1", "istio-cni"]);
    });

    it("keeps the revision-less istiod of an InPlace install while its pods run (switch to RevisionBased)", async () => {
        mocks.options.preflight = {
            helmReleases: [release("istiod", "1.31.1")],
            installNamespace: owned,
            revisions: use([["shop", "default"]], {}, [{ name: "shop", injection: "enabled" }]),
        };
        expect(await rejection(new ServiceMeshController("mesh", args))).to.equal("");
        await settle();
        const istiods = releases().filter((r) => r.inputs.name.startsWith("istiod"));
        // The revision-less istiod is registered after the default tag, which it waits for.
        expect(istiods.map((r) => [r.name, r.inputs.name, r.inputs.values.revision])).to.deep.equal([
            ["mesh-istiod-1-31-1", "istiod-1-31-1", "1-31-1"],
            ["mesh-istiod", "istiod", undefined],
        ]);
        // istio-injection=enabled namespaces follow the default tag, so they do not hold the old istiod once its pods are gone.
        const d = planRevisions(resolveControllerSpec(args), deployedRevisions([release("istiod", "1.31.1")], "istio-system"), use([], { default: "2026-01-01T00:00:00Z" }, [{ name: "shop", injection: "enabled" }]), {}, NOW);
        expect(d.removed.map((r) => r.release)).to.deep.equal(["istiod"]);
    });

    it("refuses at preview, creating nothing: a tag on a missing revision, InPlace over revisions, an unreadable cluster", async () => {
        mocks.options.preflight = { helmReleases: [release("istiod-1-30-2", "1.30.2")], installNamespace: owned, revisions: use([]) };
        let message = await rejection(new ServiceMeshController("mesh", { ...args, revisionTags: [{ name: "prod", revision: "1.29.0" }] }));
        await settle();
        expect(message).to.contain('revisionTags: tag "prod" points at revision "1-29-0", which is not installed');
        expect(children()).to.deep.equal([]);

        resetMocks();
        mocks.options.kubernetesVersion = "v1.33.2";
        mocks.options.preflight = { helmReleases: [release("istiod-1-30-2", "1.30.2")], installNamespace: owned, revisions: use([]) };
        message = await rejection(new ServiceMeshController("mesh", { version: "1.31.1", dataplaneMode: "Sidecar" } as any));
        await settle();
        expect(message).to.contain("upgradeStrategy: InPlace over istiod revisions 1-30-2 installs the revision-less istiod next to them at the version of revision 1-30-2");
        expect(children()).to.deep.equal([]);

        resetMocks();
        mocks.options.kubernetesVersion = "v1.33.2";
        mocks.options.preflight = false;
        message = await rejection(new ServiceMeshController("mesh", args));
        await settle();
        expect(message).to.contain("upgradeStrategy: RevisionBased must read the cluster to know which istiod revisions pods use");
        expect(children()).to.deep.equal([]);
    });
});

describe("revisions: back to InPlace, the component (mocks)", () => {
    beforeEach(() => {
        resetMocks();
        mocks.options.kubernetesVersion = "v1.33.2";
    });
    const owned = { annotations: { "servicemesh.pulumi.com/owner": OWNER } };
    const tagHook = (tag: string, rev: string) => ({ kind: "MutatingWebhookConfiguration", name: `istio-revision-tag-${tag}`, labels: { "istio.io/tag": tag, "istio.io/rev": rev }, annotations: owned.annotations });

    it("installs the revision-less istiod first, then moves the default tag onto it; the revision stays while its pods run", async () => {
        mocks.options.preflight = {
            helmReleases: [release("istiod-1-31-1", "1.31.1"), { ...release("istio-base", "1.31.1"), chart: "base" }],
            installNamespace: owned,
            objects: [tagHook("default", "1-31-1")],
            revisions: use([["shop", "1-31-1"]], {}, [{ name: "shop", injection: "enabled" }]),
        };
        const deps: Record<string, string[]> = {};
        const mesh = new ServiceMeshController("mesh", { version: "1.31.1", dataplaneMode: "Sidecar", gatewayApi: { manifest: CRDS }, context: "solo", inactiveRevisionDeletionGracePeriodSeconds: 60 } as any, {
            transformations: [(a) => { deps[a.name] = ((a.opts.dependsOn as any[]) ?? []).map((d) => d.__name); return undefined; }],
        });
        const [phase, revisions, tags, active] = await Promise.all([valueOf(mesh.phase), valueOf(mesh.revisions), valueOf(mesh.revisionTags), valueOf(mesh.activeRevision)]);
        await settle();
        expect(phase).to.equal("SUCCEEDED");
        expect(active).to.equal("default");
        const istiods = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name.startsWith("istiod"));
        expect(istiods.map((r) => [r.inputs.name, r.inputs.values.revision, r.inputs.values.global.operatorManageWebhooks])).to.deep.equal([
            ["istiod-1-31-1", "1-31-1", undefined],
            ["istiod", undefined, true],
        ]);
        expect(deps["mesh-tag-default"]).to.deep.equal(["mesh-istiod"]);
        const hook = registered.find((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration" && !r.id)!;
        expect([hook.inputs.metadata.name, hook.inputs.metadata.labels["istio.io/rev"], hook.inputs.webhooks[0].clientConfig.service.name]).to.deep.equal([
            "istio-revision-tag-default",
            "default",
            "istiod",
        ]);
        expect(tags).to.deep.equal([{ name: "default", revision: "default" }]);
        expect(revisions.map((r) => [r.name, r.active, r.pods, r.namespaces, r.labelledNamespaces, r.tags])).to.deep.equal([
            ["1-31-1", false, 1, ["shop=1"], [], []],
            ["default", true, 0, [], ["shop"], ["default"]],
        ]);
    });

    it("the switch to RevisionBased: the revision-less istiod gives up its webhook only after the default tag exists", async () => {
        mocks.options.preflight = { helmReleases: [release("istiod", "1.31.1")], installNamespace: owned, revisions: use([["web", "default"]]) };
        const deps: Record<string, string[]> = {};
        new ServiceMeshController("mesh", { version: "1.31.1", dataplaneMode: "Sidecar", upgradeStrategy: "RevisionBased", gatewayApi: { manifest: CRDS }, context: "solo" } as any, {
            transformations: [(a) => { deps[a.name] = ((a.opts.dependsOn as any[]) ?? []).map((d) => d.__name); return undefined; }],
        });
        await settle();
        expect(deps["mesh-istiod"]).to.include("mesh-tag-default");
        expect(deps["mesh-tag-default"]).to.deep.equal(["mesh-istiod-1-31-1"]);
        const istiod = registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istiod")!;
        expect(istiod.inputs.values.global.operatorManageWebhooks).to.equal(true);
    });

    it("takes the grace period and forced removals with InPlace (they apply to the revisions it goes back from)", async () => {
        expect(resolveControllerSpec({ version: "1.31.1", inactiveRevisionDeletionGracePeriodSeconds: 5, forceRemoveRevisions: ["1-30-2"] }).upgrade).to.include({ graceSeconds: 5 });
    });
});

describe("revisions: MultiClusterMesh (mocks)", function () {
    this.timeout(120_000);
    beforeEach(() => {
        resetMocks();
        mocks.options.kubernetesVersion = "v1.33.2";
    });

    it("takes the strategy and tags from the mesh, a cluster's own replacing them, and reports each cluster's revisions", async () => {
        const mesh = new MultiClusterMesh("mesh", {
            version: "1.31.1",
            gatewayApi: { manifest: CRDS },
            rootOfTrust: { rsaBits: 2048 },
            upgradeStrategy: "RevisionBased",
            revisionTags: [{ name: "prod" }],
            clusters: [
                { cluster: "east", context: "ctx-east" },
                { cluster: "west", context: "ctx-west", upgradeStrategy: "InPlace" },
            ],
        } as any);
        const clusters = await valueOf(mesh.clusters);
        await settle();
        expect(clusters.map((c) => [c.name, c.phase, c.activeRevision, c.revisionTags.map((t) => `${t.name}→${t.revision}`)])).to.deep.equal([
            ["east", "SUCCEEDED", "1-31-1", ["default→1-31-1", "prod→1-31-1"]],
            ["west", "SUCCEEDED", "default", []],
        ]);
        const istiods = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart.endsWith("/istiod"));
        expect(istiods.map((r) => [r.name, r.inputs.name]).sort()).to.deep.equal([
            ["mesh-east-istiod-1-31-1", "istiod-1-31-1"],
            ["mesh-west-istiod", "istiod"],
        ]);
    });

    it("refuses revision tags on a cluster that stays InPlace, naming the field", async () => {
        await expectRejected(
            () =>
                new MultiClusterMesh("mesh", {
                    version: "1.31.1",
                    clusters: [{ cluster: "east", context: "ctx-east", revisionTags: [{ name: "prod" }] }],
                } as any),
            'revisionTags: applies to upgradeStrategy RevisionBased only (got upgradeStrategy "InPlace"); allowed: unset it, or upgradeStrategy: RevisionBased',
        );
    });
});
