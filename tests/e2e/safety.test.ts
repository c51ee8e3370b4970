// The pre-flight on the real engine, on a cluster where Istio's base chart was installed with the helm CLI: Abort
// refuses before any change, Force takes the release over and upgrades it, a downgrade is refused at preview, and
// removeCrdsOnDelete makes destroy take the Istio CRDs along. The cluster's Gateway API CRDs were applied beforehand
// with kubectl at a newer bundle (v1.6.0-like, with its safe-upgrades policy) than the stack's v1.5.1: they are left
// alone, after up and after destroy.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { CREDENTIALS_SECRET, GATEWAY_API_V15 } from "./harness/environment";
import { env } from "./hooks";

async function failure(run: () => Promise<unknown>): Promise<string> {
    try {
        await run();
    } catch (err) {
        return String((err as Error).message);
    }
    throw new Error("expected the operation to fail");
}

describe("pre-flight and teardown safety (real engine)", function () {
    // north is free once the multicluster file destroyed its mesh.
    const cluster = "north";
    let stack: Stack;
    const helmList = async () => JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as { name: string; chart: string; revision: string; status: string }[];

    let newer = "";
    const gatewayCrd = async () => JSON.parse(await env().kubectl(cluster, ["get", "crd", "gateways.gateway.networking.k8s.io", "-o", "json"]));

    before(async () => {
        const e = env();
        newer = path.join(e.stateDir, "gateway-api-v1.6.0.yaml");
        fs.writeFileSync(newer, fs.readFileSync(GATEWAY_API_V15, "utf8").replace(/v1\.5\.1/g, "v1.6.0"));
        await e.kubectl(cluster, ["apply", "-f", newer]);
        await e.helm(cluster, ["install", "istio-base", path.join(e.stateDir, "charts", "base-1.24.3-solo.tgz"), "-n", "istio-system", "--create-namespace", "--wait"]);
        stack = await e.stack("single-cluster-ts", "e2e-safety", { NODE_EXTRA_CA_CERTS: e.repo.caFile });
        await stack.setAllConfig({
            kubeconfig: { value: e.clusters[cluster].kubeconfig, secret: true },
            istioVersion: { value: "1.25.2" },
            repositoryUrl: { value: e.repo.url },
            repositorySecret: { value: CREDENTIALS_SECRET },
            gatewayApiManifest: { value: GATEWAY_API_V15 },
        });
    });

    after(async () => {
        await stack?.workspace.removeStack("e2e-safety", { force: true }).catch(() => undefined);
        await env().kubectl(cluster, ["delete", "-f", newer, "--ignore-not-found"]).catch(() => undefined);
    });

    it("onConflict Abort: up fails naming the helm-installed release, and nothing is changed", async () => {
        const message = await failure(() => stack.up());
        expect(message).to.contain("onConflict: Abort found Istio installed by something other than this component: Helm release istio-system/istio-base (chart base 1.24.3-solo, deployed) [remove: helm uninstall -n istio-system istio-base]");
        expect(message).to.contain("or onConflict: Force to take them over");
        expect((await helmList()).map((r) => [r.name, r.chart, String(r.revision)])).to.deep.equal([["istio-base", "base-1.24.3-solo", "1"]]);
        const ns = JSON.parse(await env().kubectl(cluster, ["get", "namespace", "istio-system", "-o", "json"]));
        expect(ns.metadata.annotations ?? {}).to.not.have.property("servicemesh.pulumi.com/owner");
    });

    it("onConflict Force: takes the release over, upgrades it to the spec (1.24.3 → 1.25.2) and reaches SUCCEEDED", async () => {
        await stack.setConfig("onConflict", { value: "Force" });
        let output = "";
        const result = await stack.up({ onOutput: (l) => (output += l) });
        expect(result.outputs.phase.value).to.equal("SUCCEEDED");
        expect(output).to.contain("onConflict Force: took over Helm release istio-system/istio-base (chart base 1.24.3-solo, deployed)");
        // kwok runs Kubernetes v1.33, newer than Istio 1.25's tested range: a warning, not an error.
        expect(output).to.contain("newer than Istio 1.25 is tested with (1.29–1.32)");
        const releases = await helmList();
        expect(releases.map((r) => [r.name, r.chart, r.status]).sort()).to.deep.equal([
            ["istio-base", "base-1.25.2-solo", "deployed"],
            ["istio-cni", "cni-1.25.2-solo", "deployed"],
            ["istiod", "istiod-1.25.2-solo", "deployed"],
            ["ztunnel", "ztunnel-1.25.2-solo", "deployed"],
        ]);
        expect(String(releases.find((r) => r.name === "istio-base")!.revision)).to.equal("2");
        // The newer Gateway API bundle applied beforehand is left alone: not downgraded, not taken over.
        expect(output).to.contain("leaving the Gateway API CRDs in the cluster alone (v1.6.0, channel standard): a newer bundle is already installed");
        expect(result.outputs.gatewayApi.value).to.deep.equal({ version: "v1.6.0", channel: "standard", managed: false, action: "leave" });
        const crd = await gatewayCrd();
        expect(crd.metadata.annotations["gateway.networking.k8s.io/bundle-version"]).to.equal("v1.6.0");
        expect(crd.metadata.annotations).to.not.have.property("servicemesh.pulumi.com/owner");
        const again = await stack.preview();
        expect(Object.entries(again.changeSummary).filter(([op, n]) => op !== "same" && op !== "read" && n > 0)).to.deep.equal([]);
    });

    it("a downgrade (1.25.2 → 1.24.3) is refused at preview, naming both versions, with nothing changed", async () => {
        await stack.setConfig("istioVersion", { value: "1.24.3" });
        const message = await failure(() => stack.preview());
        expect(message).to.contain(
            'version: a downgrade from 1.25.2 (deployed, read from Helm release istio-system/istiod, chart istiod 1.25.2-solo) to 1.24.3 is refused (got "1.24.3"); allowed: 1.25.2 or later, one minor at a time, or allowVersionSkew: true',
        );
        expect((await helmList()).every((r) => r.chart.endsWith("1.25.2-solo"))).to.equal(true);
        await stack.setConfig("istioVersion", { value: "1.25.2" });
    });

    it("removeCrdsOnDelete: destroy removes the Istio CRDs too, and leaves no webhooks or namespace", async () => {
        const e = env();
        await stack.setConfig("removeCrdsOnDelete", { value: "true" });
        await stack.up();
        await stack.destroy();
        expect(await helmList()).to.deep.equal([]);
        expect(await e.kubectl(cluster, ["get", "crds", "-o", "name"])).to.not.match(/istio\.io/);
        expect(await e.kubectl(cluster, ["get", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "-o", "name"])).to.not.match(/istio/);
        expect(await e.kubectl(cluster, ["get", "namespaces", "-o", "name"])).to.not.contain("namespace/istio-system");
        // The Gateway API CRDs the component did not create are still there, untouched.
        expect((await gatewayCrd()).metadata.annotations["gateway.networking.k8s.io/bundle-version"]).to.equal("v1.6.0");
        expect(await e.kubectl(cluster, ["get", "validatingadmissionpolicies", "-o", "name"])).to.contain("safe-upgrades.gateway.networking.k8s.io");
    });
});
