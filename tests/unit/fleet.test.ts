// A mesh across stacks under mocks: a controller's peer output as one typed object, ClusterLink taking it as is
// (also as an output, the way a StackReference hands it over), refusals of a peer missing a field or gone with its
// stack (naming the field, no Gateway created), the cross-stack trust check, and the driver's waves and report.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expectRejected, mockClusters, registered, resetMocks, settle, valueOf } from "./mocks";
import { ClusterLink, ServiceMeshController } from "../../provider";
import { MeshPeer } from "../../provider/controller/args";
import { SpecError } from "../../provider/spec/inputs";
import { checkPeersTrust, remotePeers } from "../../provider/fleet";
import { fleetReport, fleetWaves } from "../../provider/fleet/driver";
import { stageCacerts, trustState } from "../../provider/trust/stages";
import { issueClusterCas } from "../support/pki";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const gateways = () => registered.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && r.name.includes("-to-"));
const PEER: MeshPeer = {
    cluster: "west", network: "west-net", trustDomain: "west.example", eastWestAddress: "192.0.2.20", serviceType: "NodePort",
    ports: { crossNetwork: 31008, xds: 31012 }, replicas: 2, readyReplicas: 2, trustedRoots: ["AA:BB"], issuingRoot: "AA:BB",
};
/** What the link's outputs reject with (empty when they resolve). */
const rejection = (o: pulumi.Output<unknown>) => (o as any).promise().then(() => "", (e: Error) => e.message);

describe("a mesh across stacks (mocks)", function () {
    this.timeout(60_000);
    beforeEach(resetMocks);

    it("a member publishes one typed peer: identity, east-west address, Service type, ports, replicas, trust", async () => {
        const cas = issueClusterCas(fs.mkdtempSync(path.join(os.tmpdir(), "fleet-")), ["east"]);
        mockClusters({ kubernetesVersion: "v1.34.2", clusters: { east: { eastWestAddress: "192.0.2.10" } } });
        const east = new ServiceMeshController(
            "east",
            { version: "1.30.2", gatewayApi: { manifest: CRDS }, cluster: "east", network: "east", eastWestGateway: {}, license: "key", cacerts: cas.east },
            { provider: new k8s.Provider("east", { context: "east" }) },
        );
        const peer = (await valueOf(east.peer))!;
        const trust = trustState(cas.east);
        expect(peer).to.deep.equal({
            cluster: "east", network: "east", trustDomain: "east", eastWestAddress: "192.0.2.10", serviceType: "LoadBalancer",
            ports: { crossNetwork: 15008, xds: 15012 }, replicas: peer.replicas, readyReplicas: peer.readyReplicas,
            trustedRoots: trust.roots, issuingRoot: trust.issuer,
        });
        expect(peer.readyReplicas).to.be.greaterThan(0);
    });

    it("ClusterLink takes another stack's peer output as is: a NodePort peer's node ports and network, created after it is known", async () => {
        const link = new ClusterLink("east-to-west", { from: "east", to: pulumi.output(PEER) }, { provider: new k8s.Provider("east", { context: "east" }) });
        expect(await valueOf(link.ready)).to.equal(true);
        expect([await valueOf(link.gateway), await valueOf(link.to), await valueOf(link.peerReadyReplicas)]).to.deep.equal(["istio-eastwest/istio-remote-peer-west-net", "west", 2]);
        await settle();
        const [g] = gateways();
        expect(g.inputs.metadata.labels).to.deep.equal({ "topology.istio.io/network": "west-net", "topology.istio.io/cluster": "west" });
        expect(g.inputs.metadata.annotations).to.include({ "gateway.istio.io/trust-domain": "west.example" });
        expect(JSON.stringify(g.inputs.spec)).to.contain("31008").and.to.contain("31012");
    });

    it("a peer whose gateway had no ready replica when its stack last updated: the link says so", async () => {
        const link = new ClusterLink("east-to-west", { from: "east", to: pulumi.output({ ...PEER, readyReplicas: 0 }) });
        expect(await valueOf(link.ready)).to.equal(false);
        expect(await valueOf(link.message)).to.contain("the receiving east-west gateway has no ready replica (0/2)");
    });

    for (const field of ["network", "trustDomain", "eastWestAddress", "serviceType", "ports", "readyReplicas"] as const) {
        it(`a peer from a stack reference without ${field}: refused naming to.${field}${field === "ports" ? ".crossNetwork" : ""}, no Gateway`, async () => {
            const { [field]: _, ...partial } = PEER;
            const link = new ClusterLink("east-to-west", { from: "east", to: pulumi.output(partial as any) });
            const message = await rejection(link.ready);
            expect(message).to.contain(`ClusterLink "east-to-west"`).and.to.contain(`to.${field}${field === "ports" ? ".crossNetwork" : ""}: missing from the published peer of cluster "west"`);
            await settle();
            expect(gateways()).to.deep.equal([]);
        });
    }

    it("a peer whose stack output is gone (a removed region): refused as missing, no Gateway", async () => {
        const link = new ClusterLink("east-to-north", { from: "east", to: pulumi.output(undefined as any) });
        expect(await rejection(link.ready)).to.contain("to: the peer is missing (got undefined): the stack that published it exports no such output (a removed region");
        await settle();
        expect(gateways()).to.deep.equal([]);
    });

    it("the same peer given as values (not an output) and missing a field: refused at once, nothing registered", () =>
        expectRejected(
            () => new ClusterLink("east-to-west", { from: "east", to: { ...PEER, ports: { crossNetwork: 31008 } as any } }),
            'to.ports.xds: missing from the published peer of cluster "west" (got {"crossNetwork":31008}); allowed: a port number, as the peer output of that cluster\'s ServiceMeshController carries it (re-run `up` of the stack that publishes it)',
            'ClusterLink "east-to-west"',
        ));

    it("a `to` not known at preview (a controller of this program still to be created): no Gateway, unknown outputs, no error", async () => {
        const unknown = new (pulumi.Output as any)(new Set(), Promise.resolve(undefined), Promise.resolve(false), Promise.resolve(false), Promise.resolve(new Set()));
        const link = new ClusterLink("east-to-west", { from: "east", to: unknown });
        const ready = link.ready as any;
        expect(await ready.isKnown).to.equal(false);
        expect(await rejection(link.ready)).to.equal("");
        await settle();
        expect(gateways()).to.deep.equal([]);
    });

    it("a hand-written `to` keeps working without the published fields", async () => {
        const link = new ClusterLink("east-to-west", { from: "east", to: { cluster: "west", eastWestAddress: "192.0.2.20" } });
        expect(await valueOf(link.ready)).to.equal(true);
    });

    it("remotePeers: a peer stack without a peers output is refused by its place in peerStacks; a peer missing a field and a cluster claimed twice too", () => {
        const error = (() => {
            try {
                remotePeers([
                    { stack: "west", peers: { west: PEER } },
                    { stack: "north", peers: undefined },
                    { stack: "south", peers: { south: { ...PEER, cluster: "south", network: undefined } } },
                    { stack: "copy", peers: { west: PEER } },
                ], "peerStacks", ["east"]);
            } catch (e) {
                return e as SpecError;
            }
        })()!;
        expect(error).to.be.instanceOf(SpecError);
        expect(error.problems).to.have.length(3);
        expect(error.problems[0]).to.match(/^peerStacks\[1\]: stack "north" exports no peers output \(got null\): it was destroyed or has not run its up yet/);
        expect(error.problems[1]).to.match(/^peerStacks\[2\] \("south"\)\.peers\.south\.network: missing from the published peer of cluster "south"/);
        expect(error.problems[2]).to.equal('peerStacks[3]: stack "copy" publishes cluster "west", which stack "west" has too; allowed: each cluster in one member stack');
        expect(Object.keys(remotePeers([{ stack: "west", peers: { west: PEER } }]))).to.deep.equal(["west"]);
    });

    it("cross-stack trust: a member refuses a stage its peers (as they last published their cacerts) cannot accept", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-trust-"));
        const A = issueClusterCas(path.join(tmp, "a"), ["east", "west"], { org: "Old Root" });
        const B = issueClusterCas(path.join(tmp, "b"), ["east", "west"], { org: "New Root" });
        const published = (files: { rootCertPem: string; caCertPem: string }): MeshPeer => {
            const t = trustState(files);
            return { ...PEER, trustedRoots: t.roots, issuingRoot: t.issuer! };
        };
        const westCurrent = published(A.west);
        const westBoth = published(stageCacerts("TrustBoth", A.west, B.west));
        // Trust stack moved to IssueFromNext while west still runs Current: east must not issue from the new root.
        expect(() => checkPeersTrust("east", stageCacerts("IssueFromNext", A.east, B.east), [westCurrent], "IssueFromNext")).to.throw(
            SpecError,
            /cacerts: the requested stage IssueFromNext of cluster "east" issues from "O=New Root, CN=Root CA" \([0-9A-F:]{11}\), which peer cluster "west" does not trust yet/,
        );
        // TrustBoth is fine against Current; IssueFromNext once west trusts both; NextOnly refused while west still issues from the old root.
        expect(checkPeersTrust("east", stageCacerts("TrustBoth", A.east, B.east), [westCurrent], "TrustBoth").rootCertPem).to.contain("BEGIN CERTIFICATE");
        expect(() => checkPeersTrust("east", stageCacerts("IssueFromNext", A.east, B.east), [westBoth])).to.not.throw();
        expect(() => checkPeersTrust("east", B.east, [westBoth], "NextOnly")).to.throw(SpecError, /stops trusting \([0-9A-F:]{11}\), which still issues peer cluster "west"'s certificates/);
        // A peer without cacerts constrains nothing.
        expect(() => checkPeersTrust("east", B.east, [{ ...PEER, trustedRoots: [], issuingRoot: "" }])).to.not.throw();
    });

    it("the driver's waves: the canary alone, then the rest by the parallelism; destroy in reverse, canary last", () => {
        expect(fleetWaves(["east", "west", "north", "south"], 2, "up")).to.deep.equal([["east"], ["west", "north"], ["south"]]);
        expect(fleetWaves(["trust", "east", "west"], 2, "destroy")).to.deep.equal([["west", "east"], ["trust"]]);
        expect(fleetWaves(["east"], 3, "preview")).to.deep.equal([["east"]]);
    });

    it("the driver's report says which stacks changed, which failed and which did not run", () => {
        const report = fleetReport("up", {
            ok: false,
            outcomes: [
                { stack: "east", wave: 0, status: "succeeded", changes: { update: 4 }, phase: "SUCCEEDED", seconds: 40 },
                { stack: "west", wave: 1, status: "failed", changes: { update: 1 }, phase: "-", seconds: 20, error: "error: invalid member stack inputs:\n  - peerStacks[0]: gone" },
                { stack: "north", wave: 2, status: "not run", changes: {}, phase: "-", seconds: 0 },
            ],
        });
        expect(report.split("\n")[0]).to.equal("fleet up: STOPPED after west failed; stacks changed: east, west; not run: north");
        expect(report).to.match(/east\s+0\s+succeeded\s+update=4\s+SUCCEEDED\s+40/);
        expect(report).to.contain("west: error: invalid member stack inputs:");
    });
});
