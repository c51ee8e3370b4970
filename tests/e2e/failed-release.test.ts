// Releases that cannot succeed, with the real engine. (1) The chart repository publishes a version whose istiod chart
// rejects a value the component sets (its values.schema.json lacks `pilot.cni`, as a chart of another layout
// would). No input of the component can produce a rejected value itself (every value it sets is validated and
// matches the charts), so the fault is made on the repository's side. The error must name the release and the
// value, and after the input is corrected (a version whose charts accept the values) a second up converges.
// (2) An image pull Secret that does not exist: the simulated clusters pull no images, so the failure itself (pods in
// ImagePullBackOff, releases timing out) cannot happen here; what is tested is the component's check that stops the
// update before anything is installed, naming the Secret, when the install namespace exists already.
// The first stack also finds an older Gateway API bundle (v1.2.1) applied beforehand with kubectl: it upgrades it to its
// v1.5.1 bundle and keeps it on destroy.
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { publishSchemaVariant } from "./harness/chartRepo";
import { GATEWAY_API_CRDS, GATEWAY_API_V15 } from "./harness/environment";
import { singleClusterStack, upError } from "./harness/stacks";
import { env } from "./hooks";

const STACK = "e2e-failed-release";
const cluster = "solo";
const releasesOn = async () => JSON.parse(await env().helm(cluster, ["list", "-a", "-n", "istio-system", "-o", "json"])) as { name: string; status: string; chart: string }[];

describe("a release that fails: chart schema rejects a value (real engine)", function () {
    let stack: Stack;

    before(async () => {
        const e = env();
        await publishSchemaVariant(e.bin, e.chartDir, "1.24.2-solo", "istiod", (schema) => delete schema.properties.pilot.properties.cni);
        await e.kubectl(cluster, ["apply", "-f", GATEWAY_API_CRDS]);
        stack = await singleClusterStack(e, STACK, cluster);
        await stack.setAllConfig({ istioVersion: { value: "1.24.2" }, gatewayApiManifest: { value: GATEWAY_API_V15 } });
    });

    after(async () => {
        await stack?.destroy().catch((e) => process.stderr.write(`[failed-release] destroy: ${e}\n`));
        await stack?.workspace.removeStack(STACK, { force: true });
        // The upgraded bundle outlives the stack (see the last test); the next stacks on this cluster start without one.
        await env().kubectl(cluster, ["delete", "-f", GATEWAY_API_V15, "--ignore-not-found"]).catch(() => undefined);
    });

    it("up fails naming the release and the rejected value; Helm records no release for it", async () => {
        const message = await upError(stack);
        expect(message).to.match(/Release \(mesh-istiod\):\s*\n?\s*error:/);
        expect(message).to.contain("values don't meet the specifications of the schema");
        expect(message).to.match(/cni/);
        const releases = await releasesOn();
        // Helm validates values before it records a release, so nothing of istiod is left to block a retry.
        expect(releases.map((r) => r.name)).to.not.include("istiod");
        expect(releases.filter((r) => r.name === "istio-base").map((r) => r.status)).to.deep.equal(["deployed"]);
    });

    it("after correcting the input, a second up converges", async () => {
        await stack.setConfig("istioVersion", { value: "1.24.3" });
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value).to.equal("SUCCEEDED");
        expect((await releasesOn()).map((r) => [r.name, r.status, r.chart]).sort()).to.deep.equal([
            ["istio-base", "deployed", "base-1.24.3-solo"], ["istio-cni", "deployed", "cni-1.24.3-solo"],
            ["istiod", "deployed", "istiod-1.24.3-solo"], ["ztunnel", "deployed", "ztunnel-1.24.3-solo"],
        ]);
        // The older bundle found in the cluster was upgraded in place (forced server-side apply), the rest created.
        expect(result.outputs.gatewayApi.value).to.deep.include({ version: "v1.5.1", managed: true });
        const crd = JSON.parse(await env().kubectl(cluster, ["get", "crd", "gateways.gateway.networking.k8s.io", "-o", "json"]));
        expect(crd.metadata.annotations).to.include({ "gateway.networking.k8s.io/bundle-version": "v1.5.1", "servicemesh.pulumi.com/gateway-api": "upgraded" });
    });

    it("destroy keeps the Gateway API CRDs it upgraded (it did not create them)", async () => {
        await stack.destroy();
        const crds = JSON.parse(await env().kubectl(cluster, ["get", "crds", "-o", "json"])).items.filter((c: any) => c.spec.group === "gateway.networking.k8s.io");
        expect(crds.map((c: any) => [c.metadata.name, c.metadata.annotations["gateway.networking.k8s.io/bundle-version"]]).sort()).to.deep.include.members([
            ["gateways.gateway.networking.k8s.io", "v1.5.1"],
            ["httproutes.gateway.networking.k8s.io", "v1.5.1"],
        ]);
    });
});

describe("a release that cannot pull: image.secrets names a missing Secret (real engine)", function () {
    let stack: Stack;
    const STACK2 = "e2e-missing-pull-secret";

    before(async () => {
        const e = env();
        await e.kubectl(cluster, ["create", "namespace", "istio-system"]);
        stack = await singleClusterStack(e, STACK2, cluster);
        await stack.setAllConfig({ createNamespace: { value: "false" }, imagePullSecrets: { value: JSON.stringify(["registry-pull"]) } });
    });

    after(async () => {
        await stack?.destroy().catch((e) => process.stderr.write(`[missing-pull-secret] destroy: ${e}\n`));
        await stack?.workspace.removeStack(STACK2, { force: true });
        // The namespace was the test's, not the stack's (createNamespace: false).
        await env().kubectl(cluster, ["delete", "namespace", "istio-system", "--wait"]);
    });

    it("up stops before installing anything, naming the missing Secret", async () => {
        const message = await upError(stack);
        expect(message).to.match(/Secret \(mesh-image-pull-secret-registry-pull\):\s*error:.*istio-system\/registry-pull/);
        expect(await releasesOn()).to.deep.equal([]);
    });

    it("once the Secret exists, a second up converges, istiod's ServiceAccount referring to it", async () => {
        const e = env();
        await e.kubectl(cluster, ["create", "secret", "docker-registry", "registry-pull", "-n", "istio-system", "--docker-server=registry.example", "--docker-username=u", "--docker-password=p"]);
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value).to.equal("SUCCEEDED");
        // As in Istio's charts, istiod's pods get the pull Secrets through their ServiceAccount.
        const account = JSON.parse(await e.kubectl(cluster, ["get", "serviceaccount", "istiod", "-n", "istio-system", "-o", "json"]));
        expect(account.imagePullSecrets).to.deep.equal([{ name: "registry-pull" }]);
    });
});
