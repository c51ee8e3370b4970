// A mesh across stacks and languages on the real engine: the TypeScript trust stack (examples/fleet-ts, role=trust),
// east as a TypeScript member (fleet-ts) and west as a Python member (examples/fleet-python: one MultiClusterMesh
// with remotePeers and the trust stack's cacerts, both read by StackReference, through the plugin and sdk/python).
// They form one mesh with links accepted both ways; the Python member refuses a link to a region no stack publishes
// and cacerts its peer's cluster cannot accept, changing nothing; destroy in reverse leaves nothing. Needs only the east and west clusters (SERVICEMESH_E2E_CLUSTERS=east,west).
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { issueClusterCas } from "../support/pki";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS } from "./harness/environment";
import { installRequirements, pythonEnv } from "./harness/python";
import { REPO } from "./harness/tools";
import { changes, exportedState, upError } from "./harness/stacks";
import { env } from "./hooks";

const REGIONS = ["east", "west"];
const show = (l: string) => process.stderr.write(l);
// This backend's stacks by their full names: the two programs are different projects.
const full = (project: string, stack: string) => `organization/${project}/${stack}`;

describe("a mesh across stacks and languages: TS trust, TS east, Python west (real engine)", function () {
    let trust: Stack;
    let east: Stack;
    let west: Stack;
    const remoteGateways = async (cluster: string) =>
        JSON.parse(await env().kubectl(cluster, ["get", "gateways.gateway.networking.k8s.io", "-n", "istio-eastwest", "-o", "json"])).items
            .filter((g: any) => g.spec.gatewayClassName === "istio-remote")
            .map((g: any) => [g.metadata.labels["topology.istio.io/cluster"], g.spec.addresses[0].value])
            .sort();
    const common = () => {
        const e = env();
        return {
            istioVersion: { value: "1.30.2" },
            repositoryUrl: { value: e.repo.url },
            repositorySecret: { value: CREDENTIALS_SECRET },
            insecureSkipVerify: { value: "true" },
            gatewayApiManifest: { value: GATEWAY_API_CRDS },
        };
    };
    const clusterConfig = (region: string) => {
        const c = env().clusters[region];
        return { value: JSON.stringify([{ name: region, kubeconfig: c.kubeconfig, context: c.context }]), secret: true };
    };

    before(async () => {
        const e = env();
        const caDir = path.join(e.stateDir, "cas-fleet-python");
        issueClusterCas(caDir, REGIONS);
        trust = await e.stack("fleet-ts", "trust-py");
        await trust.setAllConfig({ role: { value: "trust" }, clusterNames: { value: JSON.stringify(REGIONS) }, caDir: { value: caDir } });
        east = await e.stack("fleet-ts", "east-py");
        await east.setAllConfig({ ...common(), trustStack: { value: "trust-py" }, clusters: clusterConfig("east"), peerStacks: { value: "[]" } });
        const py = await pythonEnv();
        await installRequirements(py, path.join(REPO, "examples", "fleet-python"));
        west = await e.stack("fleet-python", "west-py", py.env(e.env.PATH));
        await west.setAllConfig({
            ...common(),
            trustStack: { value: "fleet-ts/trust-py" },
            clusters: clusterConfig("west"),
            peerStacks: { value: JSON.stringify(["fleet-ts/east-py"]) },
        });
    });

    it("trust (TS), east (TS member), west (Python MultiClusterMesh: refused while the trust stack is on a root east does not trust, nothing installed), then east again: one mesh, links accepted both ways, cacerts secret end to end", async () => {
        expect((await trust.up({ onOutput: show })).outputs.cacerts.secret).to.equal(true);
        await east.up({ onOutput: show });
        // The trust stack moved to another root after east took its cacerts: west's first up (nothing deployed in
        // west, so its own pre-flight has nothing against it) is refused by the cross-stack check, and installs nothing.
        const e0 = env();
        issueClusterCas(path.join(e0.stateDir, "cas-fleet-python-other"), REGIONS, { org: "Other Root" });
        await trust.setConfig("caDir", { value: path.join(e0.stateDir, "cas-fleet-python-other") });
        await trust.up({ onOutput: show });
        const refused = await upError(west);
        expect(refused).to.contain('cacerts: the requested stage Current of cluster "west" issues from "O=Other Root, CN=Root CA"');
        expect(refused).to.contain('which peer cluster "east" does not trust yet');
        expect(JSON.parse(await e0.helm("west", ["list", "-A", "-o", "json"]))).to.deep.equal([]);
        expect(await e0.kubectl("west", ["get", "namespaces", "-o", "name"])).to.not.contain("namespace/istio-system");
        await trust.setConfig("caDir", { value: path.join(e0.stateDir, "cas-fleet-python") });
        await trust.up({ onOutput: show });
        const w = await west.up({ onOutput: show });
        expect(w.outputs.phase.value, w.outputs.summary?.value).to.equal("SUCCEEDED");
        expect(w.outputs.links.value.map((l: any) => [l.from, l.to, l.accepted, l.ready])).to.deep.equal([["west", "east", true, true]]);
        // West's peers, published by the mesh, are what east's ClusterLink takes as is.
        expect(w.outputs.peers.value.west).to.include({ cluster: "west", network: "west", eastWestAddress: env().addresses.west });
        await east.setConfig("peerStacks", { value: JSON.stringify([full("fleet-python", "west-py")]) });
        const e = await east.up({ onOutput: show });
        expect(e.outputs.phase.value, JSON.stringify(e.outputs.links.value)).to.equal("SUCCEEDED");
        expect(e.outputs.links.value.map((l: any) => [l.from, l.to, l.ready])).to.deep.equal([["east", "west", true]]);
        expect(await remoteGateways("east")).to.deep.equal([["west", env().addresses.west]]);
        expect(await remoteGateways("west")).to.deep.equal([["east", env().addresses.east]]);
        // The intermediate's key came from the trust stack as a secret and stayed one in the Python member's state.
        const key = JSON.parse(await env().kubectl("west", ["get", "secret", "cacerts", "-n", "istio-system", "-o", "json"])).data["ca-key.pem"];
        const state = await exportedState(west);
        expect(state).to.not.contain("BEGIN PRIVATE KEY");
        expect(state).to.not.contain(key);
    });

    it("the Python member refuses a link to a region no stack publishes (north), naming links[1].to; nothing changes", async () => {
        await west.setConfig("links", { value: JSON.stringify([{ from: "west", to: "east" }, { from: "west", to: "north" }]) });
        const message = await upError(west);
        expect(message).to.contain('links[1].to: "north" is neither a cluster of this mesh nor one of remotePeers (east): a removed region');
        expect(await remoteGateways("west")).to.deep.equal([["east", env().addresses.east]]);
        await west.removeConfig("links");
        expect(changes((await west.up({ onOutput: show })).summary.resourceChanges)).to.deep.equal({});
    });

    it("cacerts from a root neither west (deployed) nor east (published) trusts: both checks' problems in one refusal, west keeps its cacerts", async () => {
        const e = env();
        const caCert = async () => JSON.parse(await e.kubectl("west", ["get", "secret", "cacerts", "-n", "istio-system", "-o", "json"])).data["ca-cert.pem"];
        const before = await caCert();
        await trust.setConfig("caDir", { value: path.join(e.stateDir, "cas-fleet-python-other") });
        await trust.up({ onOutput: show });
        const message = await upError(west);
        expect(message).to.contain('cluster "west" trusts "O=Example PKI, CN=Root CA"');
        expect(message).to.contain('which peer cluster "east" does not trust yet');
        expect(await caCert()).to.equal(before);
        await trust.setConfig("caDir", { value: path.join(e.stateDir, "cas-fleet-python") });
        await trust.up({ onOutput: show });
        expect(changes((await west.up({ onOutput: show })).summary.resourceChanges)).to.deep.equal({});
    });

    after(() => {
        // The stacks' settings files: the next environment starts from a new backend, and docs checks read examples/.
        for (const [example, stack] of [["fleet-ts", "trust-py"], ["fleet-ts", "east-py"], ["fleet-python", "west-py"]]) {
            fs.rmSync(path.join(REPO, "examples", example, `Pulumi.${stack}.yaml`), { force: true });
        }
    });

    it("destroy in reverse (west, east, trust) leaves nothing", async () => {
        await west.destroy({ onOutput: show });
        await east.setConfig("peerStacks", { value: "[]" });
        await east.destroy({ onOutput: show });
        await trust.destroy({ onOutput: show });
        for (const region of REGIONS) {
            expect(JSON.parse(await env().helm(region, ["list", "-A", "-o", "json"])), region).to.deep.equal([]);
            const namespaces = await env().kubectl(region, ["get", "namespaces", "-o", "name"]);
            expect(namespaces).to.not.contain("namespace/istio-system");
            expect(namespaces).to.not.contain("namespace/istio-eastwest");
        }
    });
});
