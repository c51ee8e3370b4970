// The package from every Pulumi language: the committed SDKs are what the plugin's schema generates, the Python and
// YAML multicluster examples deploy and tear down a two-cluster mesh through the plugin with the real Pulumi CLI, and
// the Go example builds against the generated Go SDK.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { CREDENTIALS_SECRET, Environment, GATEWAY_API_CRDS } from "./harness/environment";
import { PythonEnv, installRequirements, pythonEnv } from "./harness/python";
import { run } from "./harness/run";
import { REPO } from "./harness/tools";
import { env } from "./hooks";
import { issueClusterCas } from "../support/pki";

const CLUSTERS = ["east", "west"];

/** Deploys a two-cluster example stack, checks what it reports and what the clusters hold, then destroys it. */
function meshExampleLifecycle(stackOf: () => Stack, caDirOf: () => string) {
    it("deploys: both clusters SUCCEEDED, both links accepted", async () => {
        const e = env();
        const result = await stackOf().up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const clusters = result.outputs.clusterStates.value as any[];
        expect(clusters.map((c) => [c.name, c.phase, c.eastWestAddress])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED", e.addresses[n]]));
        const links = result.outputs.meshLinks.value as any[];
        expect(links.map((l) => [l.from, l.to, l.accepted])).to.have.deep.members([
            ["east", "west", true],
            ["west", "east", true],
        ]);
        expect(result.outputs.rootCertPem.value).to.match(/^-----BEGIN CERTIFICATE-----/);
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

    it("kept the kubeconfigs and CA keys secret in the state", async () => {
        const state = await exportedState(stackOf());
        // JSON-escaped, as a value's text appears in the state
        const plain = (text: string) => JSON.stringify(text.trim()).slice(1, -1);
        for (const name of CLUSTERS) {
            expect(state, `${name} kubeconfig`).to.not.contain(plain(fs.readFileSync(env().clusters[name].kubeconfig, "utf8")));
            const keyLine = fs.readFileSync(path.join(caDirOf(), name, "ca-key.pem"), "utf8").split("\n")[1]; // 64 chars of key
            expect(state, `${name} CA key`).to.not.contain(keyLine);
        }
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

/** `pulumi stack export` as a user runs it (Automation API's exportStack adds --show-secrets). */
async function exportedState(stack: Stack): Promise<string> {
    const ws = stack.workspace as LocalWorkspace;
    return (await run(ws.pulumiCommand.command, ["stack", "export", "--stack", stack.name], { cwd: ws.workDir, env: { ...process.env, ...ws.envVars } })).stdout;
}

/** Sets the Istio version and issues the stack's per-cluster CA material (the tls plugin cannot be built here). */
async function commonConfig(e: Environment, stack: Stack, stackName: string): Promise<string> {
    const caDir = path.join(e.stateDir, `cas-${stackName}`);
    issueClusterCas(caDir, CLUSTERS);
    await stack.setAllConfig({ istioVersion: { value: "1.24.3" }, caDir: { value: caDir } });
    return caDir;
}

describe("every Pulumi language (real engine)", function () {
    it("the committed SDKs are what the plugin's schema generates (scripts/gen-sdk.sh --check)", async () => {
        const result = await run("bash", [path.join(REPO, "scripts", "gen-sdk.sh"), "--check"]);
        expect(result.stderr).to.contain("sdk/ matches the schema the plugin serves");
    });

    describe("Python multicluster example (examples/multicluster-python)", () => {
        let stack: Stack;
        let caDir: string;
        let py: PythonEnv;
        before(async () => {
            const e = env();
            py = await pythonEnv();
            const dir = path.join(REPO, "examples", "multicluster-python");
            await installRequirements(py, dir);
            stack = await e.stack("multicluster-python", "e2e-python", py.env(e.env.PATH));
            caDir = await commonConfig(e, stack, "python");
            await stack.setAllConfig({
                repositoryUrl: { value: e.repo.url },
                repositorySecret: { value: CREDENTIALS_SECRET },
                insecureSkipVerify: { value: "true" },
                gatewayApiManifest: { value: GATEWAY_API_CRDS },
            });
            for (const [i, name] of CLUSTERS.entries()) {
                await stack.setConfig(`clusters[${i}].name`, { value: name }, true);
                await stack.setConfig(`clusters[${i}].kubeconfig`, { value: e.clusters[name].kubeconfig }, true);
                await stack.setConfig(`clusters[${i}].context`, { value: e.clusters[name].context }, true);
            }
        });
        meshExampleLifecycle(() => stack, () => caDir);
    });

    describe("YAML multicluster example (examples/multicluster-yaml)", () => {
        let stack: Stack;
        let caDir: string;
        before(async () => {
            const e = env();
            stack = await e.stack("multicluster-yaml", "e2e-yaml");
            caDir = await commonConfig(e, stack, "yaml");
            await stack.setConfig("repository.url", { value: e.repo.url }, true);
            await stack.setConfig("repository.secrets[0]", { value: CREDENTIALS_SECRET }, true);
            await stack.setConfig("repository.insecureSkipVerify", { value: "true" }, true);
            await stack.setConfig("gatewayApi.manifest", { value: GATEWAY_API_CRDS }, true);
            for (const [i, name] of CLUSTERS.entries()) {
                await stack.setConfig(`cluster${i + 1}.name`, { value: name }, true);
                await stack.setConfig(`cluster${i + 1}.kubeconfig`, { value: e.clusters[name].kubeconfig }, true);
                await stack.setConfig(`cluster${i + 1}.context`, { value: e.clusters[name].context }, true);
            }
        });
        meshExampleLifecycle(() => stack, () => caDir);
    });

    it("the Go example builds and vets against the generated Go SDK (examples/single-cluster-go)", async () => {
        const cacheRoot = (await run("bash", [path.join(REPO, "scripts", "tools.sh"), "--print-cache-root"])).stdout.trim();
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
