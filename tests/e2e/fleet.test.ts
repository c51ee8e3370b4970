// A mesh across stacks on the real engine (README "Many clusters: one stack per region"): examples/fleet-ts as a
// trust stack and one member stack per region on the local clusters, joined by stack references; a fourth region
// joins; the fleet driver rolls a version upgrade canary-first; a removed region's peer is refused; destroy in
// reverse leaves nothing.
import * as path from "path";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { runFleet } from "../../provider/fleet/driver";
import { issueClusterCas } from "../support/pki";
import { CREDENTIALS_SECRET, GATEWAY_API_CRDS } from "./harness/environment";
import { REPO } from "./harness/tools";
import { changes, exportedState, upError } from "./harness/stacks";
import { env } from "./hooks";

const REGIONS = ["east", "west", "north"];
const WORKDIR = path.join(REPO, "examples", "fleet-ts");
const show = (l: string) => process.stderr.write(l);

describe("a mesh across stacks: trust, east, west, then north (real engine)", function () {
    const stacks: Record<string, Stack> = {};
    const peersOf = (s: string, peers: string[]) => stacks[s].setConfig("peerStacks", { value: JSON.stringify(peers) });
    const remoteGateways = async (cluster: string) =>
        JSON.parse(await env().kubectl(cluster, ["get", "gateways.gateway.networking.k8s.io", "-n", "istio-eastwest", "-o", "json"])).items
            .filter((g: any) => g.spec.gatewayClassName === "istio-remote")
            .map((g: any) => [g.metadata.labels["topology.istio.io/cluster"], g.spec.addresses[0].value])
            .sort();
    const fleet = (command: "up" | "preview" | "destroy", list: string[], config?: Record<string, string>) =>
        runFleet({ command, stacks: list, workDir: WORKDIR, parallel: 2, config, envVars: env().env, pulumiCommand: env().pulumi, log: (l) => process.stderr.write(`${l}\n`) });

    before(async () => {
        const e = env();
        const caDir = path.join(e.stateDir, "cas-fleet");
        issueClusterCas(caDir, REGIONS);
        stacks.trust = await e.stack("fleet-ts", "trust");
        await stacks.trust.setAllConfig({ role: { value: "trust" }, clusterNames: { value: JSON.stringify(REGIONS) }, caDir: { value: caDir } });
        for (const region of REGIONS) {
            stacks[region] = await e.stack("fleet-ts", region);
            await stacks[region].setAllConfig({
                trustStack: { value: "trust" },
                istioVersion: { value: "1.30.2" },
                repositoryUrl: { value: e.repo.url },
                repositorySecret: { value: CREDENTIALS_SECRET },
                insecureSkipVerify: { value: "true" },
                gatewayApiManifest: { value: GATEWAY_API_CRDS },
                clusters: { value: JSON.stringify([{ name: region, kubeconfig: e.clusters[region].kubeconfig, context: e.clusters[region].context }]), secret: true },
            });
        }
    });

    it("trust, east, then west form one mesh; east's second up links back: links up both ways, cacerts secret end to end", async () => {
        const trust = await stacks.trust.up({ onOutput: show });
        expect(trust.outputs.cacerts.secret).to.equal(true);
        await peersOf("east", []);
        await stacks.east.up({ onOutput: show });
        await peersOf("west", ["east"]);
        const west = await stacks.west.up({ onOutput: show });
        expect(west.outputs.phase.value, JSON.stringify(west.outputs.links.value)).to.equal("SUCCEEDED");
        await peersOf("east", ["west"]);
        const east = await stacks.east.up({ onOutput: show });
        expect(east.outputs.phase.value, JSON.stringify(east.outputs.links.value)).to.equal("SUCCEEDED");
        expect(east.outputs.links.value.map((l: any) => [l.from, l.to, l.ready])).to.deep.equal([["east", "west", true]]);
        expect(west.outputs.links.value.map((l: any) => [l.from, l.to, l.ready])).to.deep.equal([["west", "east", true]]);
        const peer = east.outputs.peers.value.east;
        expect(peer).to.include({ cluster: "east", network: "east", trustDomain: "east", eastWestAddress: env().addresses.east, serviceType: "LoadBalancer" });
        expect(peer.ports).to.deep.equal({ crossNetwork: 15008, xds: 15012 });
        expect(peer.trustedRoots).to.have.length(1);
        expect(await remoteGateways("east")).to.deep.equal([["west", env().addresses.west]]);
        expect(await remoteGateways("west")).to.deep.equal([["east", env().addresses.east]]);
        // The member's cacerts came from the trust stack as a secret and stayed one.
        const state = await exportedState(stacks.east);
        expect(state).to.not.contain("BEGIN PRIVATE KEY");
    });

    it("north joins by stack reference: its up, then one up of each existing stack (the driver, east first) to link back", async () => {
        await peersOf("north", ["east", "west"]);
        const north = await stacks.north.up({ onOutput: show });
        expect(north.outputs.phase.value, JSON.stringify(north.outputs.links.value)).to.equal("SUCCEEDED");
        await peersOf("east", ["west", "north"]);
        await peersOf("west", ["east", "north"]);
        const result = await fleet("up", ["east", "west"]);
        expect(result.ok).to.equal(true);
        expect(result.outcomes.map((o) => [o.stack, o.wave, o.status, o.changes.create > 0, o.phase])).to.deep.equal([
            ["east", 0, "succeeded", true, "SUCCEEDED"],
            ["west", 1, "succeeded", true, "SUCCEEDED"],
        ]);
        for (const region of REGIONS) {
            expect((await remoteGateways(region)).map(([c]: string[]) => c), region).to.deep.equal(REGIONS.filter((r) => r !== region).sort());
        }
    });

    it("the driver rolls 1.30.2 -> 1.31.1 canary-first: east alone, then west and north; every stack SUCCEEDED on 1.31.1", async () => {
        const started = Date.now();
        const result = await fleet("up", ["east", "west", "north"], { istioVersion: "1.31.1" });
        process.stderr.write(`[fleet] upgrade of three stacks: ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
        expect(result.ok).to.equal(true);
        expect(result.outcomes.map((o) => [o.stack, o.wave, o.status, o.phase])).to.deep.equal([
            ["east", 0, "succeeded", "SUCCEEDED"],
            ["west", 1, "succeeded", "SUCCEEDED"],
            ["north", 1, "succeeded", "SUCCEEDED"],
        ]);
        for (const region of REGIONS) {
            const releases = JSON.parse(await env().helm(region, ["list", "-n", "istio-system", "-o", "json"]));
            expect(releases.map((r: any) => r.chart.replace(/^[a-z]+-/, "")), region).to.deep.equal(Array(releases.length).fill("1.31.1-solo"));
        }
    });

    it("a root rotation across stacks, stage by stage (trust stack, then every member): a member refuses a stage its peers cannot accept yet", async () => {
        const e = env();
        const nextDir = path.join(e.stateDir, "cas-fleet-next");
        issueClusterCas(nextDir, REGIONS, { org: "Next Root" });
        const stage = async (name: string) => {
            await stacks.trust.setAllConfig({ rotationStage: { value: name }, nextCaDir: { value: nextDir } });
            await stacks.trust.up({ onOutput: show });
        };
        const roots = async (cluster: string) => {
            const secret = JSON.parse(await e.kubectl(cluster, ["get", "secret", "cacerts", "-n", "istio-system", "-o", "json"]));
            return (Buffer.from(secret.data["root-cert.pem"], "base64").toString("utf8").match(/BEGIN CERTIFICATE/g) ?? []).length;
        };
        await stage("TrustBoth");
        expect((await fleet("up", ["east"])).ok).to.equal(true); // only east takes TrustBoth: west and north still trust the old root only
        await stage("IssueFromNext");
        const refused = await fleet("up", ["east"]);
        expect(refused.ok).to.equal(false);
        expect(refused.outcomes[0].error).to.contain('cacerts: the requested stage IssueFromNext of cluster "east" issues from "O=Next Root, CN=Root CA"');
        expect(refused.outcomes[0].error).to.contain('which peer cluster "west" does not trust yet');
        expect(await roots("east")).to.equal(2); // still TrustBoth
        // The README's order: the trust stack, then every member, per stage.
        await stage("TrustBoth");
        expect((await fleet("up", ["west", "north"])).ok).to.equal(true);
        await stage("IssueFromNext");
        const result = await fleet("up", ["east", "west", "north"]);
        expect(result.outcomes.map((o) => [o.stack, o.status, o.phase])).to.deep.equal([["east", "succeeded", "SUCCEEDED"], ["west", "succeeded", "SUCCEEDED"], ["north", "succeeded", "SUCCEEDED"]]);
        for (const region of REGIONS) {
            expect(await roots(region), region).to.equal(2);
        }
    });

    it("removing north is the reverse; a link to its peer afterwards is refused naming the stack, nothing changed", async () => {
        await peersOf("east", ["west"]);
        await peersOf("west", ["east"]);
        expect((await fleet("up", ["east", "west"])).ok).to.equal(true);
        await stacks.north.destroy({ onOutput: show });
        expect(await remoteGateways("east")).to.deep.equal([["west", env().addresses.west]]);
        await peersOf("east", ["west", "north"]);
        const message = await upError(stacks.east);
        expect(message).to.contain(`peerStacks[1]: stack "north" exports no peers output`);
        expect(await remoteGateways("east")).to.deep.equal([["west", env().addresses.west]]);
        await peersOf("east", ["west"]);
        // Nothing in the clusters changes; only the StackReference the refused update read is dropped from the state.
        expect(changes((await stacks.east.up()).summary.resourceChanges)).to.deep.equal({ discard: 1 });
    });

    it("destroy in reverse (the driver: members, then the trust stack) leaves nothing", async () => {
        const result = await fleet("destroy", ["trust", "east", "west"]);
        expect(result.outcomes.map((o) => [o.stack, o.status])).to.deep.equal([["west", "succeeded"], ["east", "succeeded"], ["trust", "succeeded"]]);
        for (const region of REGIONS) {
            expect(JSON.parse(await env().helm(region, ["list", "-A", "-o", "json"])), region).to.deep.equal([]);
            const namespaces = await env().kubectl(region, ["get", "namespaces", "-o", "name"]);
            expect(namespaces).to.not.contain("namespace/istio-system");
            expect(namespaces).to.not.contain("namespace/istio-eastwest");
        }
    });
});
