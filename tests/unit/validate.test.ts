// Every bad input is rejected with a message naming the field, the value and what is allowed, and nothing is
// registered; good inputs resolve to the Gloo operator's defaults.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { expectRejected, resetMocks } from "./mocks";
import { ServiceMeshController } from "../../provider";
import { resolveControllerSpec, SpecError } from "../../provider/spec/validate";

const ok = { version: "1.24.3" };

// [description, input, exact expected problem line]
const BAD_INPUTS: [string, any, string][] = [
    ["missing version", {}, "version: is required; allowed: an Istio patch version `1.x.y` with no tags, e.g. 1.31.1"],
    ["version with a tag", { version: "1.24.3-solo" }, 'version: is not an Istio patch version; allowed: `1.x.y` with no tags or prefix, e.g. 1.31.1 (got "1.24.3-solo")'],
    ["version with a v prefix", { version: "v1.24.3" }, 'version: is not an Istio patch version; allowed: `1.x.y` with no tags or prefix, e.g. 1.31.1 (got "v1.24.3")'],
    ["version as a number", { version: 1.24 }, "version: is not a string; allowed: an Istio patch version `1.x.y` with no tags, e.g. 1.31.1 (got 1.24)"],
    ["major/minor only", { version: "1.24" }, 'version: is not an Istio patch version; allowed: `1.x.y` with no tags or prefix, e.g. 1.31.1 (got "1.24")'],
    ["ambient below 1.22.3", { version: "1.22.2" }, 'version: ambient mode needs 1.22.3 or later (got "1.22.2"); allowed: 1.22.3 or later, or dataplaneMode: Sidecar'],
    ["below supported", { version: "1.21.5", dataplaneMode: "Sidecar" }, 'version: 1.21.5 is older than this component supports (got "1.21.5"); allowed: 1.22.0 or later'],
    ["unknown minor", { version: "1.21.0", dataplaneMode: "Sidecar", repository: { url: "oci://r.example/charts" } }, 'image.repository: no Solo repository is known for Istio 1.21 (got version "1.21.0"); allowed: set image.repository explicitly, or a version of 1.22 or later'],
    ["unknown minor, charts", { version: "1.21.0", dataplaneMode: "Sidecar", image: { repository: "r.example/istio" } }, 'repository.url: no Solo chart repository is known for Istio 1.21 (got version "1.21.0"); allowed: set repository.url explicitly, or a version of 1.22 or later'],
    ["dataplaneMode typo", { ...ok, dataplaneMode: "Ambiant" }, 'dataplaneMode: is not allowed; allowed values: Ambient, Sidecar (got "Ambiant")'],
    ["dataplaneMode lower case", { ...ok, dataplaneMode: "ambient" }, 'dataplaneMode: is not allowed; allowed values: Ambient, Sidecar (got "ambient")'],
    ["distribution", { ...ok, distribution: "fips" }, 'distribution: is not allowed; allowed values: Standard, FIPS (got "fips")'],
    ["onConflict", { ...ok, onConflict: "Replace" }, 'onConflict: is not allowed; allowed values: Force, Abort (got "Replace")'],
    ["scalingProfile", { ...ok, scalingProfile: "Huge" }, 'scalingProfile: is not allowed; allowed values: Default, Large (got "Huge")'],
    ["trafficCaptureMode", { ...ok, trafficCaptureMode: "Iptables" }, 'trafficCaptureMode: is not allowed; allowed values: Auto, InitContainer (got "Iptables")'],
    ["InitContainer with Ambient", { ...ok, trafficCaptureMode: "InitContainer" }, 'trafficCaptureMode: InitContainer requires dataplaneMode: Sidecar (got dataplaneMode "Ambient"); allowed with Ambient: Auto'],
    ["installNamespace upper case", { ...ok, installNamespace: "Istio-System" }, 'installNamespace: is not a DNS label; allowed: lower-case letters, digits and \'-\', starting and ending with a letter or digit (a namespace name) (got "Istio-System")'],
    ["installNamespace too long", { ...ok, installNamespace: "a".repeat(64) }, `installNamespace: must be at most 63 characters; allowed: a DNS label (a namespace name) (got "${"a".repeat(64)}")`],
    ["cluster with underscore", { ...ok, cluster: "east_1" }, 'cluster: is not a DNS label; allowed: lower-case letters, digits and \'-\', starting and ending with a letter or digit (the cluster name) (got "east_1")'],
    ["network ending in dash", { ...ok, network: "net-" }, 'network: is not a DNS label; allowed: lower-case letters, digits and \'-\', starting and ending with a letter or digit (the network name) (got "net-")'],
    ["trustDomain with scheme", { ...ok, trustDomain: "spiffe://x" }, 'trustDomain: is not a DNS name; allowed: lower-case letters, digits, \'-\' and \'.\' (a trust domain) (got "spiffe://x")'],
    ["image.repository with scheme", { ...ok, image: { repository: "https://r.example/istio" } }, 'image.repository: is not an image repository; allowed: `registry[:port]/path` in lower case, without scheme, image name or tag (got "https://r.example/istio")'],
    ["image.repository with tag", { ...ok, image: { repository: "r.example/istio/pilot:1.24" } }, 'image.repository: is not an image repository; allowed: `registry[:port]/path` in lower case, without scheme, image name or tag (got "r.example/istio/pilot:1.24")'],
    ["image.secrets bad name", { ...ok, image: { secrets: ["Pull_Secret"] } }, 'image.secrets.0: is not a DNS name; allowed: lower-case letters, digits, \'-\' and \'.\' (a Secret name) (got "Pull_Secret")'],
    ["image.secrets duplicate", { ...ok, image: { secrets: ["a", "a"] } }, 'image.secrets: lists a Secret twice (got ["a","a"])'],
    ["image unknown field", { ...ok, image: { repo: "x" } }, 'image: unknown field "repo"; check the spelling against the documented inputs'],
    ["repository.url scheme", { ...ok, repository: { url: "ftp://charts.example" } }, 'repository.url: is not a chart repository URL; allowed: oci://host/path, https://host/path or http://host/path (got "ftp://charts.example")'],
    ["repository.url not a URL", { ...ok, repository: { url: "charts.example/istio" } }, 'repository.url: is not a chart repository URL; allowed: oci://host/path, https://host/path or http://host/path (got "charts.example/istio")'],
    ["repository.secrets bad ref", { ...ok, repository: { secrets: ["a/b/c"] } }, 'repository.secrets.0: is not a Secret reference; allowed: `name` (in the install namespace) or `namespace/name` (got "a/b/c")'],
    ["repository secret in created namespace", { ...ok, repository: { secrets: ["creds"] } }, 'repository.secrets: Secret "creds" would be read from the install namespace "istio-system", which this component creates, so it cannot exist yet (got "creds"); allowed: "<namespace>/creds" in an existing namespace, or createNamespace: false'],
    ["insecureSkipVerify as string", { ...ok, repository: { insecureSkipVerify: "yes" } }, 'repository.insecureSkipVerify: is not a boolean; allowed: true or false (got "yes")'],
    ["gatewayApi.install as string", { ...ok, gatewayApi: { install: "false" } }, 'gatewayApi.install: is not a boolean; allowed: true or false (got "false")'],
    ["gatewayApi.manifest empty", { ...ok, gatewayApi: { manifest: "" } }, 'gatewayApi.manifest: is empty; allowed: a file path or an http(s) URL (got "")'],
    ["timeoutSeconds too short", { ...ok, timeoutSeconds: 5 }, "timeoutSeconds: is too short; allowed: whole seconds from 30 to 3600 (got 5)"],
    ["timeoutSeconds fractional", { ...ok, timeoutSeconds: 60.5 }, "timeoutSeconds: is not a whole number; allowed: whole seconds from 30 to 3600 (got 60.5)"],
    ["createNamespace as string", { ...ok, createNamespace: "no" }, 'createNamespace: is not a boolean; allowed: true or false (got "no")'],
    ["unknown top-level field", { ...ok, dataPlaneMode: "Sidecar" }, 'unknown field "dataPlaneMode"; check the spelling against the documented inputs'],
    ["onConflict lower case", { ...ok, onConflict: "force" }, 'onConflict: is not allowed; allowed values: Force, Abort (got "force")'],
    ["timeoutSeconds too long", { ...ok, timeoutSeconds: 7200 }, "timeoutSeconds: is too long; allowed: whole seconds from 30 to 3600 (got 7200)"],
    ["timeoutSeconds as string", { ...ok, timeoutSeconds: "600" }, 'timeoutSeconds: is not a number; allowed: whole seconds from 30 to 3600 (got "600")'],
    ["platform lower case", { ...ok, platform: "gke" }, 'platform: is not allowed; allowed values: GKE, EKS, AKS, OpenShift, K3s, K3d, MicroK8s, Minikube, Generic (got "gke")'],
    ["platform unknown", { ...ok, platform: "Kind" }, 'platform: is not allowed; allowed values: GKE, EKS, AKS, OpenShift, K3s, K3d, MicroK8s, Minikube, Generic (got "Kind")'],
    ["allowVersionSkew as string", { ...ok, allowVersionSkew: "yes" }, 'allowVersionSkew: is not a boolean; allowed: true or false (got "yes")'],
    ["removeCrdsOnDelete as string", { ...ok, removeCrdsOnDelete: "true" }, 'removeCrdsOnDelete: is not a boolean; allowed: true or false (got "true")'],
    ["removeCrdsOnDelete before 1.24", { version: "1.23.5", removeCrdsOnDelete: true }, 'removeCrdsOnDelete: needs Istio 1.24 or later, whose base chart renders the CRDs as templates (got version "1.23.5"); before 1.24 they sit in the chart\'s crds/ directory, which Helm never deletes; allowed: false, or version 1.24.0 or later'],
    ["eastWestGateway in the install namespace", { ...ok, cluster: "c", network: "n", eastWestGateway: { namespace: "istio-system" } }, 'eastWestGateway.namespace: must differ from installNamespace (got "istio-system"); allowed: its own namespace, default istio-eastwest'],
    ["eastWestGateway without cluster", { ...ok, network: "n", eastWestGateway: {} }, "cluster: is required for a multicluster member (eastWestGateway set); allowed: a DNS label, e.g. the cluster name"],
];

describe("input validation", () => {
    beforeEach(resetMocks);

    for (const [what, input, expected] of BAD_INPUTS) {
        it(`rejects ${what}, creating nothing`, () =>
            expectRejected(() => new ServiceMeshController("mesh", input), expected, 'ServiceMeshController "mesh"'));
    }

    it("has at least 45 distinct bad inputs", () => {
        expect(new Set(BAD_INPUTS.map((b) => b[2])).size).to.be.at.least(45);
    });

    it("warns on the component when repository.insecureSkipVerify is set, and only then", async () => {
        const warnings: [string, unknown][] = [];
        const original = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string, resource?: unknown) => void warnings.push([message, resource]);
        try {
            const insecure = new ServiceMeshController("mesh", { ...ok, repository: { url: "https://charts.example/istio", insecureSkipVerify: true } });
            new ServiceMeshController("other", { ...ok, repository: { url: "https://charts.example/istio" } });
            const hits = warnings.filter(([m]) => m.includes("insecureSkipVerify"));
            expect(hits).to.deep.equal([
                ['ServiceMeshController "mesh": repository.insecureSkipVerify is true: the certificate of https://charts.example/istio is not verified', insecure],
            ]);
        } finally {
            (pulumi.log as any).warn = original;
        }
    });

    it("reports every problem at once", () => {
        expect(() => resolveControllerSpec({ version: "x", dataplaneMode: "y", scalingProfile: "z" }))
            .to.throw(SpecError)
            .with.property("problems")
            .that.has.length(3);
    });

    it("rejects a gatewayApi.manifest file that cannot be read", () => {
        expect(() => new ServiceMeshController("mesh", { ...ok, gatewayApi: { manifest: "/nonexistent/crds.yaml" } }))
            .to.throw('gatewayApi.manifest: cannot read "/nonexistent/crds.yaml" (ENOENT); allowed: a readable file path or an http(s) URL');
    });

    it("applies the operator's defaults", () => {
        const spec = resolveControllerSpec(ok);
        expect(spec).to.deep.include({
            versionText: "1.24.3",
            dataplaneMode: "Ambient",
            distribution: "Standard",
            installNamespace: "istio-system",
            onConflict: "Abort",
            scalingProfile: "Default",
            trafficCaptureMode: "Auto",
            trustDomain: "cluster.local",
            createNamespace: true,
            timeoutSeconds: 600,
            installCni: true,
            installZtunnel: true,
        });
        expect(spec.image).to.deep.equal({ repository: "us-docker.pkg.dev/gloo-mesh/istio-4d37697f9711", tag: "1.24.3-solo", secrets: [] });
        expect(spec.repository).to.deep.equal({
            url: "oci://us-docker.pkg.dev/gloo-mesh/istio-helm-4d37697f9711",
            kind: "oci",
            secrets: [],
            insecureSkipVerify: false,
        });
        expect(spec.gatewayApi).to.deep.equal({
            install: true,
            manifest: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml",
            defaultBundle: "v1.2.1",
            manifestGiven: false,
        });
    });

    it("defaults the trust domain to the cluster name", () => {
        expect(resolveControllerSpec({ ...ok, cluster: "east" }).trustDomain).to.equal("east");
        expect(resolveControllerSpec({ ...ok, cluster: "east", trustDomain: "corp.example" }).trustDomain).to.equal("corp.example");
    });

    it("uses FIPS tags and explicit repositories, and accepts any minor with both", () => {
        const spec = resolveControllerSpec({
            version: "1.40.1",
            distribution: "FIPS",
            image: { repository: "registry.example:5000/mirror/istio" },
            repository: { url: "https://charts.example/istio/" },
        });
        expect(spec.image.tag).to.equal("1.40.1-solo-fips");
        expect(spec.repository).to.include({ url: "https://charts.example/istio", kind: "http" });
    });

    it("derives which charts a mode needs", () => {
        const sidecarAuto = resolveControllerSpec({ ...ok, dataplaneMode: "Sidecar" });
        const sidecarInit = resolveControllerSpec({ ...ok, dataplaneMode: "Sidecar", trafficCaptureMode: "InitContainer" });
        expect([sidecarAuto.installCni, sidecarAuto.installZtunnel]).to.deep.equal([true, false]);
        expect([sidecarInit.installCni, sidecarInit.installZtunnel]).to.deep.equal([false, false]);
    });

    it("qualifies repository secrets with the install namespace when the namespace already exists", () => {
        const spec = resolveControllerSpec({ ...ok, createNamespace: false, repository: { secrets: ["creds", "other/creds"] } });
        expect(spec.repository.secrets).to.deep.equal([
            { namespace: "istio-system", name: "creds" },
            { namespace: "other", name: "creds" },
        ]);
    });
});
