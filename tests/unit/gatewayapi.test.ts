// The Gateway API decisions of the pre-flight, one case per row of what the component does with the CRDs already in
// a cluster, and their wiring under mocks: which objects become resources, of which kind, kept or deleted on destroy.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { mockClusters, mocks, registered, resetMocks, settle, valueOf } from "./mocks";
import { gatewayApiBundle as bundleText } from "../../provider/testing";
import { ServiceMeshController } from "../../provider";
import { compareBundleVersions, parseBundle } from "../../provider/gatewayapi/bundle";
import { APPLIED_ANNOTATION, PresentObject, decideGatewayApi } from "../../provider/preflight/gatewayapi";

const OWNER = "p/s/mesh";
const CRD = "gateways.gateway.networking.k8s.io";
const VAP = "safe-upgrades.gateway.networking.k8s.io";

/** A v1.5-shaped bundle: one CRD, the safe-upgrades policy and its binding. */
function bundle15(version = "v1.5.1"): string {
    return `${bundleText(version)}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${VAP}}
spec: {matchConstraints: {resourceRules: [{apiGroups: [apiextensions.k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [customresourcedefinitions]}]}, validations: [{expression: "true"}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${VAP}}
spec: {policyName: ${VAP}, validationActions: [Deny]}
`;
}

const crd = (version: string | undefined, extra: { channel?: string; labels?: Record<string, string>; annotations?: Record<string, string>; managers?: string[] } = {}): PresentObject => ({
    kind: "CustomResourceDefinition",
    name: CRD,
    labels: extra.labels ?? {},
    managers: extra.managers ?? ["kubectl-client-side-apply"],
    annotations: {
        ...(version ? { "gateway.networking.k8s.io/bundle-version": version } : {}),
        "gateway.networking.k8s.io/channel": extra.channel ?? "standard",
        ...extra.annotations,
    },
});
const ours = (how: "created" | "upgraded") => ({ "servicemesh.pulumi.com/owner": OWNER, [APPLIED_ANNOTATION]: how });

describe("Gateway API bundles", () => {
    it("reads version and channel from the CRDs and keeps every object", () => {
        const b = parseBundle(bundle15(), "x.yaml");
        expect([b.version, b.channel, b.objects.map((o) => o.kind)]).to.deep.equal(["v1.5.1", "standard", ["CustomResourceDefinition", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]]);
        expect(() => parseBundle("kind: X\n", "bad.yaml")).to.throw('"bad.yaml" holds a document that is not a Kubernetes object');
    });
    it("orders bundle versions, pre-releases first", () => {
        expect(compareBundleVersions("v1.4.1", "v1.5.0")! < 0).to.equal(true);
        expect(compareBundleVersions("v1.6.0", "v1.5.1")! > 0).to.equal(true);
        expect(compareBundleVersions("v1.5.0-rc.1", "v1.5.0")! < 0).to.equal(true);
        expect(compareBundleVersions("v1.5.1", "v1.5.1")).to.equal(0);
        expect(compareBundleVersions("main", "v1.5.1")).to.equal(undefined);
    });
});

describe("pre-flight: Gateway API decisions", () => {
    const b = parseBundle(bundle15(), "bundle.yaml");
    const decide = (present: PresentObject[]) => decideGatewayApi(b, present, OWNER);

    it("absent → install every object as a resource of its own", () => {
        const plan = decide([]);
        expect([plan.action, plan.managed, plan.version, plan.error]).to.deep.equal(["install", true, "v1.5.1", undefined]);
        expect(plan.modes).to.deep.equal({ [`CustomResourceDefinition/${CRD}`]: "create", [`ValidatingAdmissionPolicy/${VAP}`]: "create", [`ValidatingAdmissionPolicyBinding/${VAP}`]: "create" });
    });
    it("an older standard bundle applied by someone else → upgrade it, patching what exists, logged", () => {
        const plan = decide([crd("v1.2.1")]);
        expect([plan.action, plan.managed, plan.version]).to.deep.equal(["upgrade", true, "v1.5.1"]);
        expect(plan.modes[`CustomResourceDefinition/${CRD}`]).to.equal("patch");
        expect(plan.modes[`ValidatingAdmissionPolicy/${VAP}`]).to.equal("create");
        expect(plan.message).to.contain("upgrading the Gateway API CRDs from v1.2.1 (standard, applied outside this component) to v1.5.1");
    });
    for (const [what, present, why] of [
        ["the same bundle", [crd("v1.5.1")], "the same bundle is already installed"],
        ["a newer bundle (never downgraded)", [crd("v1.6.1")], "a newer bundle is already installed; the component never downgrades it"],
        ["the experimental channel", [crd("v1.4.0", { channel: "experimental" })], "they are from the experimental channel"],
        ["a cloud add-on", [crd("v1.2.1", { labels: { "addonmanager.kubernetes.io/mode": "Reconcile" } })], "managed by the cluster's add-on manager (mode Reconcile)"],
        ["another tool", [crd("v1.2.1", { labels: { "app.kubernetes.io/managed-by": "Helm" } })], 'managed by "Helm" (app.kubernetes.io/managed-by)'],
        ["another servicemesh component", [crd("v1.2.1", { annotations: { "servicemesh.pulumi.com/owner": "other/stack/mesh" } })], "managed by the servicemesh component other/stack/mesh"],
        ["CRDs without a bundle version", [crd(undefined)], "their bundle version cannot be compared with v1.5.1"],
    ] as [string, PresentObject[], string][]) {
        it(`${what} → leave them alone, not managed`, () => {
            const plan = decide(present);
            expect([plan.action, plan.managed, plan.modes, plan.error]).to.deep.equal(["leave", false, {}, undefined]);
            expect(plan.message).to.contain(why);
        });
    }
    it("an older bundle another component only upgraded (kept on its destroy) → upgrade it, it is nobody's", () => {
        const plan = decide([crd("v1.2.1", { annotations: { "servicemesh.pulumi.com/owner": "other/stack/mesh", [APPLIED_ANNOTATION]: "upgraded" } })]);
        expect([plan.action, plan.managed]).to.deep.equal(["upgrade", true]);
    });
    it("its own bundle → keep managing it (created objects stay resources, upgraded ones stay patches)", () => {
        const created = decide([crd("v1.4.0", { annotations: ours("created") })]);
        expect([created.action, created.managed, created.modes[`CustomResourceDefinition/${CRD}`]]).to.deep.equal(["manage", true, "create"]);
        expect(created.message).to.contain("upgrading its Gateway API bundle from v1.4.0 to v1.5.1");
        const upgraded = decide([crd("v1.5.1", { annotations: ours("upgraded") })]);
        expect([upgraded.action, upgraded.modes[`CustomResourceDefinition/${CRD}`]]).to.deep.equal(["manage", "patch"]);
    });
    it("unmarked objects the Pulumi Kubernetes provider wrote (an earlier version of the component) → its own, never left to be deleted", () => {
        const plan = decide([crd("v1.2.1", { managers: ["pulumi-kubernetes-5c3a9e1f"] })]);
        expect([plan.action, plan.modes[`CustomResourceDefinition/${CRD}`]]).to.deep.equal(["manage", "create"]);
    });
    it("its own experimental bundle → still its own: applied again, not left (which would delete it)", () => {
        const plan = decide([crd("v1.4.0", { channel: "experimental", annotations: ours("created") })]);
        expect(plan.action).to.equal("manage");
    });
    it("its own objects next to ones another tool manages → refused, neither taken over nor deleted", () => {
        const other: PresentObject = { kind: "ValidatingAdmissionPolicy", name: VAP, labels: { "app.kubernetes.io/managed-by": "Helm" }, annotations: {}, managers: ["helm"] };
        expect(decide([crd("v1.4.0", { annotations: ours("created") }), other]).error).to.contain('ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io is managed by "Helm" (app.kubernetes.io/managed-by), next to Gateway API objects this component applied');
    });
    it("its own bundle upgraded past it by someone else → refused, never downgraded", () => {
        const plan = decide([crd("v1.6.0", { annotations: ours("created") })]);
        expect(plan.error).to.contain('the Gateway API CRDs this component applied were upgraded outside it to v1.6.0 (its bundle is v1.5.1); it does not downgrade them (got manifest "bundle.yaml")');
        expect(plan.error).to.contain("allowed: a gatewayApi.manifest of v1.6.0 or newer");
    });
});

describe("Gateway API wiring (mocks)", () => {
    beforeEach(resetMocks);
    const gatewayObjects = () => registered.filter((r) => !r.id && /(CustomResourceDefinition|ValidatingAdmissionPolicy)/.test(r.type));
    let manifest = "https://example.com/v1.5.1/bundle.yaml";
    let retained: Record<string, boolean | undefined>;
    const deploy = async (present: PresentObject[]) => {
        mockClusters({ kubernetesVersion: "v1.33.1", preflight: { gatewayApi: present }, gatewayApiManifest: mocks.options.gatewayApiManifest ?? bundle15() });
        retained = {};
        const mesh = new ServiceMeshController("mesh", { version: "1.30.1", gatewayApi: { manifest } }, {
            transformations: [(a) => void (retained[a.name] = a.opts.retainOnDelete)],
        });
        const phase: string = await (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);
        const state = phase ? undefined : await valueOf(mesh.gatewayApi);
        await settle();
        return { state, phase };
    };
    it("installs the CRDs, the policy and its binding, each its own resource marked as created", async () => {
        const { state } = await deploy([]);
        expect(state).to.deep.equal({ version: "v1.5.1", channel: "standard", managed: true, action: "install" });
        expect(gatewayObjects().map((r) => [r.type, r.name]).sort()).to.deep.equal([
            ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", `mesh-gateway-api-crds:ValidatingAdmissionPolicy:${VAP}`],
            ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", `mesh-gateway-api-crds:ValidatingAdmissionPolicyBinding:${VAP}`],
            ["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", `mesh-gateway-api-crds:${CRD}`],
        ]);
        for (const r of gatewayObjects()) {
            expect(r.inputs.metadata.annotations).to.include({ "servicemesh.pulumi.com/owner": `${pulumi.getProject()}/${pulumi.getStack()}/mesh`, [APPLIED_ANNOTATION]: "created" });
            expect(retained[r.name], r.name).to.not.equal(true);
        }
    });

    it("upgrades an older bundle with forced patches kept on destroy, and creates what it lacked", async () => {
        const { state } = await deploy([crd("v1.2.1")]);
        expect(state).to.deep.equal({ version: "v1.5.1", channel: "standard", managed: true, action: "upgrade" });
        const objects = gatewayObjects().sort((x, y) => x.type.localeCompare(y.type));
        const [patch, rest] = [objects.find((r) => r.type.endsWith("Patch"))!, objects.filter((r) => !r.type.endsWith("Patch"))];
        expect([patch.type, retained[patch.name]]).to.deep.equal(["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch", true]);
        expect(patch.inputs.metadata.annotations).to.include({ "pulumi.com/patchForce": "true", [APPLIED_ANNOTATION]: "upgraded" });
        expect(rest.map((r) => r.type)).to.deep.equal(["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"]);
    });

    it("leaves a newer bundle alone: no resource, the output names the bundle in force, istiod still installs", async () => {
        const { state } = await deploy([crd("v1.6.0")]);
        expect(state).to.deep.equal({ version: "v1.6.0", channel: "standard", managed: false, action: "leave" });
        expect(gatewayObjects()).to.deep.equal([]);
        expect(registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).to.have.length(4);
    });

    it("refuses, registering nothing, when its own CRDs were upgraded past its bundle", async () => {
        const { phase } = await deploy([crd("v1.6.0", { annotations: { "servicemesh.pulumi.com/owner": `${pulumi.getProject()}/${pulumi.getStack()}/mesh`, [APPLIED_ANNOTATION]: "created" } })]);
        expect(phase).to.contain("were upgraded outside it to v1.6.0");
        expect(registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController")).to.deep.equal([]);
    });

    it("an unreachable manifest URL fails naming the field and the URL, creating nothing", async () => {
        // Fetched URLs are kept per process; a fresh one is fetched again.
        manifest = "https://example.com/missing/bundle.yaml";
        mockClusters({ gatewayApiManifest: new Error("HTTP 404") });
        const { phase } = await deploy([]);
        expect(phase).to.contain(`gatewayApi.manifest: cannot fetch "${manifest}" (HTTP 404)`);
        expect(registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController")).to.deep.equal([]);
    });
});
