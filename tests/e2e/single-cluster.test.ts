// The single-cluster example on a simulated cluster with the real Pulumi CLI: deploy at 1.28 (the last repo-key
// minor), no-op, refresh, targeted changes, upgrades one minor per up across the registry change to 1.31 (the
// Gateway API bundle moving with each minor to the one it is built against, v1.4.0 to v1.6.0), and teardown, checked
// against what the API server and Helm report.
import * as fs from "fs";
import * as yaml from "js-yaml";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS, gatewayApiStandIn } from "./harness/environment";
import { changes, singleClusterStack } from "./harness/stacks";
import { env } from "./hooks";

describe("single cluster (real engine)", function () {
    let stack: Stack;
    const cluster = "solo";

    before(async () => {
        const e = env();
        // TLS of the chart repository is verified: its CA is trusted by the program (not skipped).
        stack = await singleClusterStack(e, "e2e-single", cluster, "1.28.2");
        await stack.setConfig("imageRepository", { value: "registry.example/istio" });
    });
    const charts = async () => (JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as any[]).map((r) => r.chart).sort();

    it("deploys: every condition True, phase SUCCEEDED", async () => {
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value).to.equal("SUCCEEDED");
        const conditions = result.outputs.conditions.value as { type: string; status: string }[];
        expect(conditions.map((c) => c.type)).to.deep.equal(["Initialized", "CRDInstalled", "ControlPlaneDeployed", "CNIDeployed", "ZtunnelDeployed", "WebhookDeployed", "Ready"]);
        expect(conditions.every((c) => c.status === "True"), JSON.stringify(conditions)).to.equal(true);
    });

    it("left real Helm releases at the pinned version and ready workloads", async () => {
        const e = env();
        const releases = JSON.parse(await e.helm(cluster, ["list", "-n", "istio-system", "-o", "json"]));
        expect(releases.map((r: any) => [r.name, r.chart, r.status]).sort()).to.deep.equal([
            ["istio-base", "base-1.28.2-solo", "deployed"],
            ["istio-cni", "cni-1.28.2-solo", "deployed"],
            ["istiod", "istiod-1.28.2-solo", "deployed"],
            ["ztunnel", "ztunnel-1.28.2-solo", "deployed"],
        ]);
        const istiod = JSON.parse(await e.kubectl(cluster, ["get", "deployment", "istiod", "-n", "istio-system", "-o", "json"]));
        expect(istiod.status.readyReplicas).to.be.at.least(1);
        expect(istiod.spec.template.spec.containers[0].image).to.equal("registry.example/istio/pilot:1.28.2-solo-distroless");
        for (const ds of ["istio-cni-node", "ztunnel"]) {
            const d = JSON.parse(await e.kubectl(cluster, ["get", "daemonset", ds, "-n", "istio-system", "-o", "json"]));
            expect(d.status.numberReady, ds).to.equal(3);
        }
        const hpa = JSON.parse(await e.kubectl(cluster, ["get", "hpa", "istiod", "-n", "istio-system", "-o", "json"]));
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([2, 25]);
        // Every chart pull was authenticated.
        expect(e.repo.requests.filter((r) => r.path.endsWith(".tgz")).every((r) => r.authorized)).to.equal(true);
    });

    it("a second up changes nothing", async () => {
        const result = await stack.up();
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
    });

    it("refresh, then preview, changes nothing, even after istiod patched its validating webhooks", async () => {
        // The istiod double flips failurePolicy to Fail and fills caBundle, as istiod does once it serves.
        const hook = JSON.parse(await env().kubectl(cluster, ["get", "validatingwebhookconfiguration", "istio-validator-istio-system", "-o", "json"]));
        expect(hook.webhooks.map((w: any) => [w.failurePolicy, Boolean(w.clientConfig.caBundle)])).to.deep.include(["Fail", true]);
        await stack.refresh();
        const preview = await stack.preview();
        expect(changes(preview.changeSummary)).to.deep.equal({});
    });

    it("a scaling profile change updates only the istiod release", async () => {
        await stack.setConfig("scalingProfile", { value: "Large" });
        const preview = await stack.preview({ diff: true });
        expect(changes(preview.changeSummary)).to.deep.equal({ update: 1 });
        expect(preview.stdout).to.match(/istiod/);
        await stack.up();
        const hpa = JSON.parse(await env().kubectl(cluster, ["get", "hpa", "istiod", "-n", "istio-system", "-o", "json"]));
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([4, 50]);
    });

    /** The names of the objects of a Gateway API stand-in. */
    const bundleObjects = (file: string) => (yaml.loadAll(fs.readFileSync(file, "utf8")) as any[]).filter((d) => d).map((d) => `${d.kind}/${d.metadata.name}`);
    let from = "1.28.2";
    for (const version of ["1.29.3", "1.30.2", "1.31.1"]) {
        it(`upgrading to ${version} is one up (the four releases and the minor's Gateway API bundle, nothing else), then a no-op up`, async () => {
            const [before, after] = [bundleObjects(gatewayApiStandIn(from)), bundleObjects(gatewayApiStandIn(version))];
            await stack.setAllConfig({ istioVersion: { value: version }, gatewayApiManifest: { value: gatewayApiStandIn(version) } });
            const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
            from = version;
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            // Every object of the old bundle gets the new bundle-version annotation; the new bundle's own are created.
            const created = after.filter((o) => !before.includes(o)).length;
            const expected = { update: 4 + before.filter((o) => after.includes(o)).length, ...(created ? { create: created } : {}) };
            expect(changes(result.summary.resourceChanges), "one update per release and bundle object").to.deep.equal(expected);
            expect(await charts()).to.deep.equal(["base", "cni", "istiod", "ztunnel"].map((c) => `${c}-${version}-solo`));
            const istiod = JSON.parse(await env().kubectl(cluster, ["get", "deployment", "istiod", "-n", "istio-system", "-o", "json"]));
            expect(istiod.spec.template.spec.containers[0].image).to.equal(`registry.example/istio/pilot:${version}-solo-distroless`);
            expect(changes((await stack.up()).summary.resourceChanges)).to.deep.equal({});
        });
    }

    it("its own Gateway API CRDs moved to the v1.6.0 bundle 1.31 is built against, with the safe-upgrades policy and binding next to them", async () => {
        const e = env();
        const crd = JSON.parse(await e.kubectl(cluster, ["get", "crd", "gateways.gateway.networking.k8s.io", "-o", "json"]));
        expect(crd.metadata.annotations).to.include({ "gateway.networking.k8s.io/bundle-version": "v1.6.0", "servicemesh.pulumi.com/gateway-api": "created" });
        const out = await stack.outputs();
        expect(out.gatewayApi.value).to.deep.equal({ version: "v1.6.0", channel: "standard", managed: true, action: "manage" });
        const policy = await e.kubectl(cluster, ["get", "validatingadmissionpolicies,validatingadmissionpolicybindings", "-o", "name"]);
        expect(policy.trim().split("\n").sort()).to.deep.equal([
            "validatingadmissionpolicy.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io",
            "validatingadmissionpolicybinding.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io",
        ]);
    });

    it("destroy leaves no releases, webhooks or namespaces of ours, and keeps the Istio CRDs", async () => {
        const e = env();
        await stack.destroy();
        expect(JSON.parse(await e.helm(cluster, ["list", "-A", "-o", "json"]))).to.deep.equal([]);
        const hooks = await e.kubectl(cluster, ["get", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "-o", "name"]);
        expect(hooks).to.not.match(/istio/);
        const namespaces = await e.kubectl(cluster, ["get", "namespaces", "-o", "name"]);
        expect(namespaces).to.not.contain("namespace/istio-system");
        // Istio's CRDs carry helm.sh/resource-policy: keep, so users' Istio config survives by default
        // (removeCrdsOnDelete: see safety.test.ts); the Gateway API CRDs go with the component that applied them.
        const crds = await e.kubectl(cluster, ["get", "crds", "-o", "name"]);
        expect(crds).to.match(/virtualservices\.networking\.istio\.io/);
        expect(crds).to.match(/authorizationpolicies\.security\.istio\.io/);
        expect(crds).to.not.match(/gateway\.networking\.k8s\.io/);
        expect(await e.kubectl(cluster, ["get", "validatingadmissionpolicies", "-o", "name"])).to.not.contain("safe-upgrades");
    });

    it("a chart repository that refuses the credentials fails at preview, naming the repository", async () => {
        const e = env();
        await e.kubectl(cluster, ["create", "secret", "docker-registry", "wrong-creds", "-n", "mesh-credentials", `--docker-server=${e.repo.host}`, "--docker-username=chart-reader", "--docker-password=wrong"]);
        const bad = await e.stack("single-cluster-ts", "e2e-bad-credentials", { NODE_EXTRA_CA_CERTS: e.repo.caFile });
        await bad.setAllConfig({
            kubeconfig: { value: e.clusters[cluster].kubeconfig, secret: true },
            istioVersion: { value: "1.24.3" },
            repositoryUrl: { value: e.repo.url },
            repositorySecret: { value: "mesh-credentials/wrong-creds" },
            gatewayApiManifest: { value: GATEWAY_API_CRDS },
        });
        let message = "";
        try {
            await bad.preview({ onOutput: (l) => process.stderr.write(l) });
        } catch (err) {
            message = String((err as Error).message);
        }
        expect(message).to.match(new RegExp(`cannot pull chart (base|istiod|cni|ztunnel) 1\\.24\\.3-solo from ${e.repo.url.replace(/[.]/g, "\\.")}`));
        expect(message).to.contain("HTTP 401: the credentials from repository.secrets were refused");
        expect(JSON.parse(await e.helm(cluster, ["list", "-A", "-o", "json"]))).to.deep.equal([]);
        await bad.workspace.removeStack("e2e-bad-credentials", { force: true });
    });
});
