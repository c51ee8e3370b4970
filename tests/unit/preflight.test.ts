// The pre-flight's pure decisions (support range, version step, platform, conflicts) and its wiring under mocks:
// a refused pre-flight registers no child, Force hands same-named releases over, unknown access skips cleanly.
import { expect } from "chai";
import { emptySnapshot, mocks, registered, resetMocks, settle } from "./mocks";
import { ServiceMeshController } from "../../provider";
import { conflictProblem, scanConflicts } from "../../provider/preflight/conflicts";
import { detectPlatform, platformValues } from "../../provider/preflight/platform";
import { kubernetesSupport, versionStep } from "../../provider/preflight/support";
import * as zlib from "zlib";
import { HELM_RELEASES_PATH, HelmRelease, readSnapshot } from "../../provider/preflight/snapshot";
import { KubeReadError } from "../../provider/preflight/kube";
import { planReleases } from "../../provider/render/releases";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { parseVersion } from "../../provider/spec/versions";

const v = (text: string) => parseVersion(text)!;
const own = { installNamespace: "istio-system", owner: "p/s/mesh", releases: { "istio-base": "base", istiod: "istiod", "istio-cni": "cni", ztunnel: "ztunnel" } };
const release = (over: Partial<HelmRelease>): HelmRelease => ({ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.24.3-solo", status: "deployed", revision: 1, ...over });

describe("pre-flight: cluster reads", () => {
    // Helm's storage encoding: base64(gzip(JSON)) inside the Secret's base64 data.
    const helmSecret = (name: string, revision: number, status: string, version: string) => ({
        metadata: { namespace: "istio-system", labels: { owner: "helm", name, version: String(revision), status } },
        data: {
            release: Buffer.from(
                zlib.gzipSync(JSON.stringify({ name, namespace: "istio-system", version: revision, info: { status }, chart: { metadata: { name, version } } })).toString("base64"),
            ).toString("base64"),
        },
    });
    const cluster: Record<string, unknown> = {
        "/version": { gitVersion: "v1.31.2" },
        "/apis": { groups: [{ name: "install.istio.io", preferredVersion: { version: "v1alpha1" } }, { name: "apps" }] },
        "/api/v1/nodes?limit=5": { items: [{ metadata: { name: "n1", labels: { a: "b" } }, spec: { providerID: "aws:///x" } }] },
        "/apis/apps/v1/deployments?labelSelector=app%3Distiod": { items: [] },
        "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations": { items: [{ metadata: { name: "istio-sidecar-injector" } }, { metadata: { name: "other" } }] },
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations": { items: [] },
        "/apis/install.istio.io/v1alpha1/istiooperators": { items: [{ metadata: { name: "installed", namespace: "istio-system" } }] },
        "/api/v1/namespaces/istio-system": { metadata: { annotations: { k: "v" } } },
        "/api/v1/namespaces/istio-system/secrets/cacerts": { data: {} },
        [HELM_RELEASES_PATH]: { items: [helmSecret("istiod", 2, "deployed", "1.24.3-solo"), helmSecret("istiod", 3, "failed", "1.25.0-solo")] },
    };

    it("reads each path once, the independent reads all at once, operator resources only of served groups", async () => {
        const asked: string[] = [];
        let inFlight = 0;
        let peak = 0;
        const get = async (p: string) => {
            asked.push(p);
            peak = Math.max(peak, ++inFlight);
            await new Promise((r) => setTimeout(r, 20));
            inFlight--;
            if (!(p in cluster)) throw new Error(`unexpected read ${p}`);
            return cluster[p];
        };
        const snap = await readSnapshot(get, "istio-system");
        expect([...asked].sort()).to.deep.equal(Object.keys(cluster).sort());
        expect(peak).to.equal(Object.keys(cluster).length - 1); // all but the operator resources, which need /apis
        expect(snap.serverVersion).to.equal("v1.31.2");
        expect(snap.objects.map((o) => `${o.kind}/${o.name}`)).to.deep.equal(["MutatingWebhookConfiguration/istio-sidecar-injector", "IstioOperator/installed"]);
        expect(snap.installNamespace).to.deep.equal({ annotations: { k: "v" } });
        expect(snap.nodes).to.deep.equal([{ name: "n1", labels: { a: "b" }, providerID: "aws:///x" }]);
    });

    it("reads the Gateway API objects and the repository Secrets at once with the rest; a forbidden Secret leaves them to the engine", async () => {
        const objects = {
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io": { metadata: { labels: { l: "1" } } },
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io": undefined,
            "/api/v1/namespaces/creds/secrets/pull": { type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "e30=" } },
            "/api/v1/namespaces/creds/secrets/gone": undefined,
        };
        const served: Record<string, any> = { ...cluster, ...objects };
        let inFlight = 0;
        let peak = 0;
        const get = async (p: string) => {
            peak = Math.max(peak, ++inFlight);
            await new Promise((r) => setTimeout(r, 20));
            inFlight--;
            if (p === "/api/v1/namespaces/creds/secrets/forbidden") throw new KubeReadError(`${p}: HTTP 403`, 403);
            return served[p];
        };
        const crd = (name: string) => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name });
        const refs = [crd("gateways.gateway.networking.k8s.io"), crd("httproutes.gateway.networking.k8s.io")];
        const secrets = [{ namespace: "creds", name: "pull" }, { namespace: "creds", name: "gone" }];
        const snap = await readSnapshot(get, "istio-system", refs, false, secrets);
        expect(peak).to.equal(Object.keys(served).length - 1);
        expect(snap.gatewayApi?.map((o) => o.name)).to.deep.equal(["gateways.gateway.networking.k8s.io"]);
        expect(snap.repositorySecrets).to.deep.equal([
            { namespace: "creds", name: "pull", type: "kubernetes.io/dockerconfigjson", dockerConfigJson: "e30=" },
            { namespace: "creds", name: "gone", type: undefined, dockerConfigJson: undefined },
        ]);
        const forbidden = await readSnapshot(get, "istio-system", [], false, [...secrets, { namespace: "creds", name: "forbidden" }]);
        expect(forbidden.repositorySecrets).to.equal(undefined);
        expect((await readSnapshot(get, "istio-system")).repositorySecrets).to.equal(undefined);
    });

    it("asks for Helm records without the superseded ones and keeps each release's newest", async () => {
        expect(decodeURIComponent(HELM_RELEASES_PATH)).to.equal("/api/v1/secrets?labelSelector=owner=helm,status!=superseded");
        const snap = await readSnapshot(async (p) => cluster[p], "istio-system");
        expect(snap.helmReleases).to.deep.equal([{ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.25.0-solo", status: "failed", revision: 3 }]);
    });
});

describe("pre-flight: Kubernetes support range", () => {
    it("is an error below the range, naming server version and range", () => {
        expect(kubernetesSupport(v("1.25.2"), "v1.28.9")).to.deep.equal({
            level: "error",
            message: 'kubernetes: the cluster runs v1.28.9, older than Istio 1.25 supports (got server version "v1.28.9"); allowed: Kubernetes 1.29–1.32, or an Istio version that supports 1.28',
        });
    });
    it("is a warning above the range and nothing inside it", () => {
        expect(kubernetesSupport(v("1.24.3"), "v1.33.13")).to.deep.equal({ level: "warning", message: "the cluster runs Kubernetes v1.33.13, newer than Istio 1.24 is tested with (1.28–1.31)" });
        expect(kubernetesSupport(v("1.24.3"), "v1.31.2-eks-7f9249a")).to.equal(undefined);
        expect(kubernetesSupport(v("1.26.0"), "v1.29.0+k3s1")).to.equal(undefined);
    });
    it("only informs for a minor without a known range", () => {
        expect(kubernetesSupport(v("1.32.0"), "v1.33.1")?.level).to.equal("info");
    });
});

describe("pre-flight: version step", () => {
    it("allows the same version, patch changes up and one minor up", () => {
        for (const [from, to] of [["1.24.3", "1.24.3"], ["1.24.3", "1.24.5"], ["1.24.3", "1.25.0"], ["1.24.3", "1.25.2"]]) {
            expect(versionStep(v(from), v(to), false, "x"), `${from} -> ${to}`).to.equal(undefined);
        }
    });
    it("refuses skipping a minor, naming deployed and requested versions", () => {
        expect(versionStep(v("1.24.3"), v("1.26.1"), false, "Helm release istio-system/istiod")?.message).to.equal(
            'version: an upgrade from 1.24.3 (deployed, read from Helm release istio-system/istiod) to 1.26.1 that skips 1.25 is refused (got "1.26.1"); allowed: 1.24.x or 1.25.x, one minor at a time, or allowVersionSkew: true',
        );
    });
    it("refuses downgrades, minor and patch", () => {
        expect(versionStep(v("1.25.2"), v("1.24.3"), false, "s")?.level).to.equal("error");
        expect(versionStep(v("1.25.2"), v("1.25.1"), false, "s")?.message).to.contain("a downgrade from 1.25.2 (deployed, read from s) to 1.25.1 is refused");
    });
    it("only warns with allowVersionSkew", () => {
        expect(versionStep(v("1.25.2"), v("1.24.3"), true, "s")).to.deep.equal({
            level: "warning",
            message: "version: a downgrade from 1.25.2 (deployed, read from s) to 1.24.3; going ahead because allowVersionSkew is true",
        });
    });
});

describe("pre-flight: platform detection", () => {
    const node = (labels: Record<string, string> = {}, providerID = "", name = "n1") => ({ name, labels, providerID });
    const cases: [string, Parameters<typeof detectPlatform>[0], string][] = [
        ["OpenShift by API group", { serverVersion: "v1.30.4", nodes: [], apiGroups: ["apps", "config.openshift.io"] }, "OpenShift"],
        ["GKE by server version", { serverVersion: "v1.30.5-gke.1014001", nodes: [], apiGroups: [] }, "GKE"],
        ["GKE by providerID", { serverVersion: "v1.30.5", nodes: [node({}, "gce://proj/zone/n1")], apiGroups: [] }, "GKE"],
        ["EKS by server version", { serverVersion: "v1.31.2-eks-7f9249a", nodes: [], apiGroups: [] }, "EKS"],
        ["EKS by node label", { serverVersion: "v1.31.2", nodes: [node({ "eks.amazonaws.com/nodegroup": "ng" })], apiGroups: [] }, "EKS"],
        ["AKS by providerID", { serverVersion: "v1.31.2", nodes: [node({}, "azure:///subscriptions/s/resourceGroups/rg/providers/x/n1")], apiGroups: [] }, "AKS"],
        ["AKS by node label", { serverVersion: "v1.31.2", nodes: [node({ "kubernetes.azure.com/cluster": "MC_rg" })], apiGroups: [] }, "AKS"],
        ["k3s by server version", { serverVersion: "v1.31.2+k3s1", nodes: [], apiGroups: [] }, "K3s"],
        ["k3d by node name and providerID", { serverVersion: "v1.31.2+k3s1", nodes: [node({}, "k3s://k3d-dev-server-0", "k3d-dev-server-0")], apiGroups: [] }, "K3d"],
        ["minikube by node label", { serverVersion: "v1.31.0", nodes: [node({ "minikube.k8s.io/name": "minikube" })], apiGroups: [] }, "Minikube"],
        ["MicroK8s by node label", { serverVersion: "v1.31.0", nodes: [node({ "microk8s.io/cluster": "true" })], apiGroups: [] }, "MicroK8s"],
        ["a plain cluster (kwok)", { serverVersion: "v1.33.13", nodes: [node({ type: "kwok" }, "kwok://n1")], apiGroups: ["apps"] }, "Generic"],
    ];
    for (const [what, snapshot, platform] of cases) {
        it(`detects ${what}`, () => expect(detectPlatform(snapshot).platform).to.equal(platform));
    }
    it("sets global.platform only where the version's charts ship the overlay", () => {
        expect(platformValues("OpenShift", v("1.24.3"))).to.deep.equal({ global: { platform: "openshift" } });
        expect(platformValues("GKE", v("1.24.3"))).to.deep.equal({});
        expect(platformValues("GKE", v("1.25.2"))).to.deep.equal({ global: { platform: "gke" } });
        expect(platformValues("K3s", v("1.23.4"))).to.deep.equal({});
        expect(platformValues("EKS", v("1.26.0"))).to.deep.equal({});
    });
    it("puts the platform into every chart's global values, beside what the spec sets", () => {
        const plan = planReleases({ ...resolveControllerSpec({ version: "1.25.2" }), platform: "OpenShift" });
        for (const entry of plan) {
            expect((entry.values.global as any).platform, entry.name).to.equal("openshift");
        }
        expect((plan.find((p) => p.name === "istiod")!.values.global as any).hub).to.equal("us-docker.pkg.dev/gloo-mesh/istio-e038d180f90a");
    });
});

describe("pre-flight: conflicts", () => {
    const snapshot = (over: Partial<ReturnType<typeof emptySnapshot>>) => ({ ...emptySnapshot(), ...over });
    const owned = { annotations: { "servicemesh.pulumi.com/owner": "p/s/mesh" } };

    it("treats this component's releases in its own marked namespace as its own", () => {
        const scan = scanConflicts(snapshot({ helmReleases: [release({})], installNamespace: owned }), own);
        expect(scan.conflicts).to.deep.equal([]);
        expect(scan.deployed?.source).to.equal("Helm release istio-system/istiod, chart istiod 1.24.3-solo");
    });
    it("reports a same-named release in an unmarked namespace as adoptable", () => {
        const scan = scanConflicts(snapshot({ helmReleases: [release({ name: "istio-base", chart: "base" })], installNamespace: { annotations: {} } }), own);
        expect(scan.conflicts).to.deep.equal([
            { what: "Helm release istio-system/istio-base (chart base 1.24.3-solo, deployed)", adopt: { namespace: "istio-system", name: "istio-base" }, remedy: "helm uninstall -n istio-system istio-base" },
        ]);
        expect(scan.deployed?.version).to.deep.equal(v("1.24.3"));
    });
    it("reports another owner's mark, other names and namespaces, bare istiod, webhooks and operator resources", () => {
        const scan = scanConflicts(
            snapshot({
                installNamespace: { annotations: { "servicemesh.pulumi.com/owner": "p/other/mesh" } },
                helmReleases: [release({}), release({ name: "istiod-canary", namespace: "istio-canary" }), release({ name: "nginx", chart: "nginx" })],
                objects: [
                    { kind: "Deployment", namespace: "istio-canary", name: "istiod-canary", labels: {}, annotations: { "meta.helm.sh/release-name": "istiod-canary", "meta.helm.sh/release-namespace": "istio-canary" } },
                    { kind: "Deployment", namespace: "istio-old", name: "istiod", labels: {}, annotations: {} },
                    { kind: "MutatingWebhookConfiguration", name: "istio-sidecar-injector-old", labels: {}, annotations: {} },
                    { kind: "ServiceMeshController (Gloo operator)", namespace: "gloo-mesh", name: "managed-istio", labels: {}, annotations: {} },
                ],
            }),
            own,
        );
        expect(scan.conflicts.map((c) => [c.what, !!c.adopt])).to.deep.equal([
            ["Helm release istio-system/istiod (chart istiod 1.24.3-solo, deployed)", true],
            ["Helm release istio-canary/istiod-canary (chart istiod 1.24.3-solo, deployed)", false],
            ["Deployment istio-old/istiod", false],
            ["MutatingWebhookConfiguration istio-sidecar-injector-old", false],
            ["ServiceMeshController (Gloo operator) gloo-mesh/managed-istio", false],
        ]);
    });
    it("Abort refuses every conflict; Force refuses only what it cannot take over", () => {
        const adoptable = { what: "A", adopt: { namespace: "istio-system", name: "istiod" }, remedy: "ra" };
        const other = { what: "B", remedy: "rb" };
        expect(conflictProblem([adoptable], "Abort", "istio-system")).to.equal(
            "onConflict: Abort found Istio installed by something other than this component: A [remove: ra]; allowed: remove them, or onConflict: Force to take them over",
        );
        expect(conflictProblem([adoptable], "Force", "istio-system")).to.equal(undefined);
        expect(conflictProblem([adoptable, other], "Force", "istio-system")).to.equal(
            "onConflict: Force found Istio installed by something other than this component: B [remove: rb]; allowed: remove them; onConflict: Force takes over only Helm releases of this component's names and charts in istio-system",
        );
    });
});

describe("pre-flight: wiring (mocks)", () => {
    beforeEach(resetMocks);
    const children = () => registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController");
    const rejection = (mesh: ServiceMeshController) => (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);

    it("a refused pre-flight registers no child and names every problem", async () => {
        mocks.options.preflight = { ...emptySnapshot("v1.27.3"), helmReleases: [release({ name: "istio-base", chart: "base" })] };
        const message = await rejection(new ServiceMeshController("mesh", { version: "1.24.3" }));
        await settle();
        expect(message).to.contain('pre-flight checks of ServiceMeshController "mesh" refused the update; nothing was changed');
        expect(message).to.contain("kubernetes: the cluster runs v1.27.3, older than Istio 1.24 supports");
        expect(message).to.contain("onConflict: Abort found Istio installed by something other than this component: Helm release istio-system/istio-base");
        expect(children()).to.deep.equal([]);
        expect(mocks.takenOver).to.deep.equal([]);
    });
    it("refuses a downgrade from the version read from the cluster", async () => {
        mocks.options.preflight = { helmReleases: [release({ version: "1.25.2-solo" })], installNamespace: { annotations: { "servicemesh.pulumi.com/owner": "servicemesh/test/mesh" } } };
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.24.3" }))).to.contain("version: a downgrade from 1.25.2");
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.24.3", allowVersionSkew: true }))).to.equal("");
    });
    it("Force hands same-named releases over, then installs", async () => {
        mocks.options.preflight = { helmReleases: [release({ name: "istio-base", chart: "base" })] };
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.24.3", onConflict: "Force" } as any))).to.equal("");
        await settle();
        expect(mocks.takenOver).to.deep.equal(["istio-system/istio-base"]);
        const releases = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(releases.map((r) => r.inputs.replace)).to.deep.equal([true, true, true, true]);
    });
    it("skips cleanly when no kubeconfig is found, using the platform input", async () => {
        mocks.options.preflight = false;
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.25.2", platform: "GKE" } as any))).to.equal("");
        await settle();
        const istiod = registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istiod")!;
        expect(istiod.inputs.values.global.platform).to.equal("gke");
    });
    it("uses the detected platform and passes kubeconfig/context to the reader", async () => {
        mocks.options.kubernetesVersion = "v1.31.2+k3s1";
        await rejection(new ServiceMeshController("mesh", { version: "1.24.3", kubeconfig: "/tmp/kc", context: "dev" }));
        await settle();
        expect(mocks.preflights).to.deep.equal([{ kubeconfig: "/tmp/kc", context: "dev" }]);
        const cni = registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istio-cni")!;
        expect(cni.inputs.values.global.platform).to.equal("k3s");
    });
    it("removeCrdsOnDelete adds the post-renderer to istio-base only", async () => {
        await rejection(new ServiceMeshController("mesh", { version: "1.24.3", removeCrdsOnDelete: true }));
        await settle();
        const releases = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(releases.filter((r) => r.inputs.postrender).map((r) => r.inputs.name)).to.deep.equal(["istio-base"]);
        expect(releases.find((r) => r.inputs.postrender)!.inputs.postrender).to.match(/render\/drop-crd-keep\.js$/);
    });
});
