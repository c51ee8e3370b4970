// How users hold it, with the real engine: a TypeScript program that builds a three-cluster mesh from its own
// k8s.Providers (one per context of one kubeconfig) and grows it by a fourth cluster with ClusterLink; the
// repository's root project against the same clusters by context; the plugin still served from the root.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { issueClusterCas } from "../support/pki";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS } from "./harness/environment";
import { run } from "./harness/run";
import { changes } from "./harness/stacks";
import { REPO } from "./harness/tools";
import { env } from "./hooks";

const MESH = ["east", "west", "north"];
const JOINER = "solo";
const log = (l: string) => process.stderr.write(l);

/** One kubeconfig holding every cluster's context (kwok-<name>), as a user's ~/.kube/config would. */
async function mergedKubeconfig(): Promise<string> {
    const e = env();
    const file = path.join(e.stateDir, "merged-kubeconfig.yaml");
    const list = [...MESH, JOINER].map((n) => e.clusters[n].kubeconfig).join(path.delimiter);
    const { stdout } = await run(path.join(e.bin, "kubectl"), ["config", "view", "--flatten"], { env: { ...process.env, KUBECONFIG: list } });
    fs.writeFileSync(file, stdout, { mode: 0o600 });
    return file;
}

async function peerGateways(cluster: string): Promise<string[]> {
    const gws = JSON.parse(await env().kubectl(cluster, ["get", "gateways.gateway.networking.k8s.io", "-n", "istio-eastwest", "-o", "json"])).items;
    return gws.filter((g: any) => g.spec.gatewayClassName === "istio-remote").map((g: any) => g.metadata.labels["topology.istio.io/cluster"]).sort();
}

async function expectClean(clusters: string[]) {
    for (const name of clusters) {
        expect(JSON.parse(await env().helm(name, ["list", "-A", "-o", "json"])), name).to.deep.equal([]);
        expect(await env().kubectl(name, ["get", "namespaces", "-o", "name"]), name).to.not.match(/istio-system|istio-eastwest/);
    }
}

describe("the program's own providers, ClusterLink and the root project (real engine)", function () {
    let kubeconfig: string;
    let caDir: string;
    before(async () => {
        kubeconfig = await mergedKubeconfig();
        caDir = path.join(env().stateDir, "cas-own-providers");
        issueClusterCas(caDir, [...MESH, JOINER]);
    });

    describe("examples/own-providers-ts: three k8s.Providers by context, then a fourth cluster by hand", () => {
        let stack: Stack;
        before(async () => {
            const e = env();
            stack = await e.stack("own-providers-ts", "e2e-own", { KUBECONFIG: kubeconfig });
            await stack.setAllConfig({
                istioVersion: { value: "1.24.3" },
                clusters: { value: JSON.stringify(MESH.map((n) => ({ name: n, context: e.clusters[n].context }))) },
                caDir: { value: caDir },
                license: { value: "e2e-license", secret: true },
                repositoryUrl: { value: e.repo.url },
                repositorySecret: { value: CREDENTIALS_SECRET },
                insecureSkipVerify: { value: "true" },
                gatewayApiManifest: { value: GATEWAY_API_CRDS },
            });
        });

        it("deploys through the program's providers: every cluster SUCCEEDED, six links accepted, pre-flight through each provider", async () => {
            const e = env();
            let output = "";
            const result = await stack.up({ onOutput: (l) => ((output += l), log(l)) });
            expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
            const clusters = result.outputs.clusterStates.value as any[];
            expect(clusters.map((c) => [c.cluster, c.phase, c.eastWestAddress])).to.deep.equal(MESH.map((n) => [n, "SUCCEEDED", e.addresses[n]]));
            const links = result.outputs.meshLinks.value as any[];
            expect(links).to.have.length(6);
            expect(links.every((l) => l.accepted)).to.equal(true);
            // The pre-flight read each cluster through the kubeconfig and context its provider carries.
            for (const n of MESH) {
                expect(output).to.contain(`ServiceMeshController "mesh-${n}": pre-flight passed on context "${e.clusters[n].context}"`);
            }
            // The mesh made no provider of its own: the program's three (and the default one, unused) hold everything.
            const state = await stack.exportStack();
            const providers = state.deployment.resources.filter((r: any) => r.type === "pulumi:providers:kubernetes").map((r: any) => r.urn.split("::").pop());
            expect(providers.filter((p: string) => !p.startsWith("default"))).to.have.members(MESH);
        });

        it("grows by a fourth cluster with ClusterLink in one up that only creates; all nine clusters' links accepted", async () => {
            const e = env();
            await stack.setConfig("joiner", { value: JSON.stringify({ name: JOINER, context: e.clusters[JOINER].context }) });
            const result = await stack.up({ onOutput: log });
            expect(Object.keys(changes(result.summary.resourceChanges))).to.deep.equal(["create"]);
            expect(result.outputs.joinerPhase.value).to.equal("SUCCEEDED");
            expect(result.outputs.phase.value).to.equal("SUCCEEDED");
            const links = result.outputs.joinerLinks.value as any[];
            expect(links.map((l) => [l.from, l.to, l.accepted, l.eastWestAddress])).to.have.deep.members(
                MESH.flatMap((n) => [
                    [JOINER, n, true, e.addresses[n]],
                    [n, JOINER, true, e.addresses[JOINER]],
                ]),
            );
            expect(await peerGateways(JOINER)).to.deep.equal([...MESH].sort());
            for (const n of MESH) {
                expect(await peerGateways(n), n).to.deep.equal([...MESH, JOINER].filter((c) => c !== n).sort());
            }
            // The joiner's intermediate chains to the mesh's root.
            const secret = JSON.parse(await e.kubectl(JOINER, ["get", "secret", "cacerts", "-n", "istio-system", "-o", "json"]));
            expect(Buffer.from(secret.data["root-cert.pem"], "base64").toString()).to.equal(fs.readFileSync(path.join(caDir, "east", "root-cert.pem"), "utf8"));
        });

        it("destroy leaves no releases or namespaces of ours on the four clusters", async () => {
            await stack.destroy({ onOutput: log });
            await expectClean([...MESH, JOINER]);
        });
    });

    describe("the root project (Pulumi.yaml at the repository root), clusters by context", () => {
        let stack: Stack;
        before(async () => {
            const e = env();
            fs.rmSync(path.join(REPO, "Pulumi.e2e-root.yaml"), { force: true });
            const ws = await LocalWorkspace.create({ workDir: REPO, pulumiCommand: e.pulumi, envVars: { ...e.env, KUBECONFIG: kubeconfig } });
            stack = await Stack.createOrSelect("e2e-root", ws);
            await stack.setAllConfig({
                version: { value: "1.24.3" },
                clusters: { value: JSON.stringify(["east", "west"].map((n) => ({ name: n, context: e.clusters[n].context }))) },
                caDir: { value: caDir },
                license: { value: "e2e-license", secret: true },
                settings: { value: JSON.stringify({ repository: { url: e.repo.url, secrets: [CREDENTIALS_SECRET], insecureSkipVerify: true }, gatewayApi: { manifest: GATEWAY_API_CRDS } }) },
            });
        });
        after(() => fs.rmSync(path.join(REPO, "Pulumi.e2e-root.yaml"), { force: true }));

        it("pulumi up converges: both clusters SUCCEEDED, both links accepted", async () => {
            const result = await stack.up({ onOutput: log });
            expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
            expect((result.outputs.links.value as any[]).map((l) => [l.from, l.to, l.accepted])).to.have.deep.members([
                ["east", "west", true],
                ["west", "east", true],
            ]);
        });

        it("destroy leaves the clusters clean", async () => {
            await stack.destroy({ onOutput: log });
            await expectClean(["east", "west"]);
        });
    });

    it("the plugin still loads from the repository: pulumi package get-schema serves ClusterLink; inside the tree the CLI says why not", async () => {
        const e = env();
        const getSchema = (cwd: string, plugin: string) => run(path.join(e.bin, "pulumi"), ["package", "get-schema", plugin], { cwd, env: { ...process.env, ...e.env } });
        const { stdout } = await getSchema(e.stateDir, path.join(REPO, "bin", "pulumi-resource-servicemesh"));
        expect(Object.keys(JSON.parse(stdout).resources)).to.include.members(["servicemesh:index:MultiClusterMesh", "servicemesh:index:ClusterLink"]);
        // The CLI's own rule (workspace.LoadBaseProjectFrom): a plugin and a project side by side are ambiguous as a
        // working directory, so package commands run from elsewhere (README, Install).
        const inside = await getSchema(REPO, "./bin/pulumi-resource-servicemesh").then(() => "", (err: Error) => err.message);
        expect(inside).to.contain("detected both PulumiPlugin.yaml and Pulumi.yaml");
    });
});
