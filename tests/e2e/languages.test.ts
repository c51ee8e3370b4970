// The package from every Pulumi language: the committed SDKs are what the plugin's schema generates, the Python and
// YAML multicluster examples deploy and tear down a two-cluster mesh through the plugin with the real Pulumi CLI, and
// the Go example builds against the generated Go SDK.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS } from "./harness/environment";
import { installRequirements, pythonEnv } from "./harness/python";
import { run } from "./harness/run";
import { findIn, needles } from "./harness/scan";
import { exportedState, multiclusterStack } from "./harness/stacks";
import { REPO, toolsCacheRoot } from "./harness/tools";
import { env } from "./hooks";
import { issueClusterCas } from "../support/pki";

const CLUSTERS = ["east", "west"];

/**
 * Deploys a two-cluster example stack, checks what it reports and what the clusters hold (and `deployed`, when
 * given), then destroys it.
 */
function meshExampleLifecycle(stackOf: () => Stack, caDirOf: () => string, deployed?: [string, () => Promise<void>]) {
    it("deploys: both clusters SUCCEEDED, both links accepted", async () => {
        const e = env();
        const result = await stackOf().up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const clusters = result.outputs.clusterStates.value as any[];
        expect(clusters.map((c) => [c.cluster, c.phase, c.eastWestAddress])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED", e.addresses[n]]));
        const links = result.outputs.meshLinks.value as any[];
        expect(links.map((l) => [l.from, l.to, l.accepted])).to.have.deep.members([
            ["east", "west", true],
            ["west", "east", true],
        ]);
        expect(result.outputs.rootCertPem.value).to.match(/^-----BEGIN CERTIFICATE-----/);
        // The example's internal east-west gateway: the pool's annotation reaches the Service istiod generates.
        expect(clusters.map((c) => c.eastWest.exposure)).to.deep.equal(CLUSTERS.map(() => "Internal"));
        for (const name of CLUSTERS) {
            const svc = JSON.parse(await e.kubectl(name, ["get", "service", "istio-eastwest", "-n", "istio-eastwest", "-o", "json"]));
            expect(svc.metadata.annotations["metallb.universe.tf/address-pool"], name).to.equal("internal");
        }
        for (const name of CLUSTERS) {
            const releases = JSON.parse(await e.helm(name, ["list", "-n", "istio-system", "-o", "json"]));
            expect(releases.map((r: any) => [r.name, r.status]).sort()).to.deep.equal([
                ["istio-base", "deployed"],
                ["istio-cni", "deployed"],
                ["istiod", "deployed"],
                ["ztunnel", "deployed"],
            ]);
        }
    });

    if (deployed) {
        it(deployed[0], deployed[1]);
    }

    it("kept the kubeconfigs and CA keys secret in the state", async () => {
        const state = await exportedState(stackOf());
        const secrets = CLUSTERS.flatMap((name) => [
            ...needles(`${name} kubeconfig`, fs.readFileSync(env().clusters[name].kubeconfig, "utf8")),
            ...needles(`${name} CA key`, fs.readFileSync(path.join(caDirOf(), name, "ca-key.pem"), "utf8")),
        ]);
        expect(findIn(state, "stack export", secrets)).to.deep.equal([]);
        expect(state).to.contain("4dabf18193072939515e22adb298388d"); // Pulumi's secret marker: the values are there, encrypted
    });

    it("destroy leaves no releases or namespaces of ours", async () => {
        const e = env();
        await stackOf().destroy();
        for (const name of CLUSTERS) {
            expect(JSON.parse(await e.helm(name, ["list", "-A", "-o", "json"]))).to.deep.equal([]);
            expect(await e.kubectl(name, ["get", "namespaces", "-o", "name"])).to.not.match(/istio-system|istio-eastwest/);
        }
    });
}

// The local clusters have no cloud load balancer mapping: the examples' internal east-west gateway names a MetalLB pool.
const INTERNAL_POOL = 'eastWestAnnotations["metallb.universe.tf/address-pool"]';

describe("every Pulumi language (real engine)", function () {
    it("the committed SDKs are what the plugin's schema generates (scripts/gen-sdk.sh --check)", async () => {
        const result = await run("bash", [path.join(REPO, "scripts", "gen-sdk.sh"), "--check"]);
        expect(result.stderr).to.contain("sdk/ matches the schema the plugin serves");
    });

    describe("Python multicluster example (examples/multicluster-python)", () => {
        let stack: Stack;
        let caDir: string;
        before(async () => {
            const e = env();
            const py = await pythonEnv();
            await installRequirements(py, path.join(REPO, "examples", "multicluster-python"));
            // The Python example reads the same config as examples/multicluster-ts.
            ({ stack, caDir } = await multiclusterStack(e, "e2e-python", CLUSTERS, py.env(e.env.PATH), "multicluster-python"));
            await stack.setConfig(INTERNAL_POOL, { value: "internal" }, true);
            // Tuning from Python: values for every cluster, and one cluster's own merged over them.
            await stack.setConfig("values.istiod.meshConfig.accessLogFile", { value: "/dev/stdout" }, true);
            await stack.setConfig("clusters[1].values.ztunnel.resources.requests.cpu", { value: "150m" }, true);
        });
        meshExampleLifecycle(() => stack, () => caDir, [
            "reached each cluster through the program's provider (clusters[].provider), and passed its values overrides: the shared ones to every cluster, west's own to west only",
            async () => {
                const e = env();
                // The Python program's providers (one per cluster, named after it) hold every Kubernetes resource of
                // their cluster's controller and of the links it sends; the mesh made no provider of its own.
                const resources = (await stack.exportStack()).deployment.resources as any[];
                const providers = resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.urn.split("::").pop());
                expect(providers.filter((p: string) => !p.startsWith("default"))).to.have.members(CLUSTERS);
                for (const name of CLUSTERS) {
                    const own = resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && (r.urn.endsWith(`::mesh-${name}`) || r.urn.includes(`::mesh-${name}-`) || r.urn.includes(`::mesh-link-${name}-to-`)));
                    expect(own.length, name).to.be.greaterThan(10);
                    for (const r of own) {
                        expect(r.provider, r.urn).to.match(new RegExp(`::pulumi:providers:kubernetes::${name}::`));
                    }
                }
                for (const name of CLUSTERS) {
                    const configMap = JSON.parse(await e.kubectl(name, ["get", "configmap", "istio", "-n", "istio-system", "-o", "json"]));
                    expect(configMap.data.mesh, name).to.match(/^accessLogFile: \/dev\/stdout$/m);
                    expect(configMap.data.mesh, name).to.match(new RegExp(`^trustDomain: ${name}$`, "m"));
                    const ztunnel = JSON.parse(await e.kubectl(name, ["get", "daemonset", "ztunnel", "-n", "istio-system", "-o", "json"]));
                    expect(ztunnel.spec.template.spec.containers[0].resources?.requests?.cpu, name).to.equal(name === "west" ? "150m" : "200m"); // the chart default elsewhere
                }
            },
        ]);
    });

    describe("YAML multicluster example (examples/multicluster-yaml)", () => {
        let stack: Stack;
        let caDir: string;
        before(async () => {
            const e = env();
            stack = await e.stack("multicluster-yaml", "e2e-yaml");
            caDir = path.join(e.stateDir, "cas-e2e-yaml");
            issueClusterCas(caDir, CLUSTERS);
            await stack.setAllConfig({ istioVersion: { value: "1.24.3" }, caDir: { value: caDir } });
            await stack.setConfig("repository.url", { value: e.repo.url }, true);
            await stack.setConfig("repository.secrets[0]", { value: CREDENTIALS_SECRET }, true);
            await stack.setConfig("repository.insecureSkipVerify", { value: "true" }, true);
            await stack.setConfig("gatewayApi.manifest", { value: GATEWAY_API_CRDS }, true);
            await stack.setConfig("values.istiod.meshConfig.accessLogFile", { value: "/dev/stdout" }, true);
            await stack.setConfig(INTERNAL_POOL, { value: "internal" }, true);
            for (const [i, name] of CLUSTERS.entries()) {
                await stack.setConfig(`cluster${i + 1}.name`, { value: name }, true);
                await stack.setConfig(`cluster${i + 1}.kubeconfig`, { value: e.clusters[name].kubeconfig }, true);
                await stack.setConfig(`cluster${i + 1}.context`, { value: e.clusters[name].context }, true);
            }
        });
        meshExampleLifecycle(() => stack, () => caDir, [
            "passed its values overrides to every cluster (istiod meshConfig.accessLogFile)",
            async () => {
                for (const name of CLUSTERS) {
                    const configMap = JSON.parse(await env().kubectl(name, ["get", "configmap", "istio", "-n", "istio-system", "-o", "json"]));
                    expect(configMap.data.mesh, name).to.match(/^accessLogFile: \/dev\/stdout$/m);
                    expect(configMap.data.mesh, name).to.match(new RegExp(`^trustDomain: ${name}$`, "m"));
                }
            },
        ]);
    });

    it("the Go example builds and vets against the generated Go SDK (examples/single-cluster-go)", async () => {
        const cacheRoot = await toolsCacheRoot();
        const goEnv = {
            ...process.env,
            GOMODCACHE: path.join(cacheRoot, "gomod"), // the toolchain's module cache already holds the Pulumi Go SDK
            GOCACHE: path.join(cacheRoot, "gocache"),
            GOFLAGS: "-modcacherw -mod=readonly",
            GOWORK: "off",
            GOTOOLCHAIN: "local",
            CGO_ENABLED: "0",
        };
        const cwd = path.join(REPO, "examples", "single-cluster-go");
        await run("go", ["build", "-o", path.join(env().stateDir, "single-cluster-go"), "."], { cwd, env: goEnv });
        await run("go", ["vet", "."], { cwd, env: goEnv });
    });
});
