// MultiClusterMesh as a member of a mesh across stacks, under mocks: `remotePeers` (another stack's `peers` output,
// given as an Output the way a StackReference hands it over) linked from every local cluster, the mesh's own `peers`
// output taken by another mesh as is, the trust stack's cacerts through rootOfTrust.clusterCas as Outputs (secret),
// and the refusals naming the field with nothing installed: a peer missing a field, a peer named like a local
// cluster, a link to a removed region, cacerts a peer's cluster cannot accept.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { expectRejected, mockClusters, registered, settle, valueOf } from "./mocks";
import { MultiClusterMesh } from "../../provider";
import { MeshPeer } from "../../provider/controller/args";
import { trustState } from "../../provider/trust/stages";
import { IssuedCa, issueClusterCas } from "../support/pki";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "remote-peers-"));
// The trust stack's material: one root, an intermediate per cluster of the fleet; another root for the trust refusal.
const FLEET = issueClusterCas(path.join(tmp, "fleet"), ["east", "west", "north"]);
const OTHER = issueClusterCas(path.join(tmp, "other"), ["west"], { org: "Other Root" });

/** A peer as another stack's mesh publishes it, trusting the material given. */
function peerOf(cluster: string, files: IssuedCa, extra: Partial<MeshPeer> = {}): MeshPeer {
    const t = trustState(files);
    return {
        cluster, network: cluster, trustDomain: cluster, eastWestAddress: `eastwest.${cluster}.example`, serviceType: "NodePort",
        ports: { crossNetwork: 31008, xds: 31012 }, replicas: 1, readyReplicas: 1, trustedRoots: t.roots, issuingRoot: t.issuer!, ...extra,
    };
}

/** rootOfTrust.clusterCas from the trust stack's `cacerts` output (cluster -> files), as a StackReference reads it: a secret Output. */
function clusterCasFrom(cacerts: pulumi.Output<Record<string, IssuedCa>>, clusters: string[]) {
    return clusters.map((cluster) => ({
        cluster,
        caCertPem: cacerts.apply((all) => all[cluster].caCertPem),
        caKeyPem: cacerts.apply((all) => all[cluster].caKeyPem),
        rootCertPem: cacerts.apply((all) => all[cluster].rootCertPem),
        certChainPem: cacerts.apply((all) => all[cluster].certChainPem),
    }));
}

const trustOutput = () => pulumi.secret(FLEET);
const member = (clusters: string[], extra: Record<string, unknown> = {}) => ({
    version: "1.24.3",
    gatewayApi: { manifest: CRDS },
    clusters: clusters.map((c) => ({ cluster: c, context: `ctx-${c}` })),
    rootOfTrust: { clusterCas: clusterCasFrom(trustOutput(), clusters) },
    ...extra,
});
const gateways = () => registered.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && !r.id);
/** What a refused member must not have created: no release, no Secret, no Gateway, no namespace. */
const installed = () => registered.filter((r) => /helm.sh|core\/v1:Secret|core\/v1:Namespace|gateway.networking/.test(r.type) && !r.id);
const rejection = (o: pulumi.Output<unknown>) => (o as any).promise().then(() => "", (e: Error) => e.message);

describe("MultiClusterMesh across stacks: remotePeers and peers (mocks)", function () {
    this.timeout(120_000);
    beforeEach(() => {
        mockClusters({ clusters: { "ctx-east": { eastWestAddress: "172.18.0.10" }, "ctx-west": { eastWestAddress: "172.18.0.20" } } });
    });

    it("links each local cluster to each remote peer (an Output, as a StackReference gives it), covers those links in its phase, and publishes its own peers", async () => {
        const mesh = new MultiClusterMesh("east", member(["east"], { remotePeers: pulumi.output({ north: peerOf("north", FLEET.north) }) }));
        const [phase, links, peers] = await Promise.all([valueOf(mesh.phase), valueOf(mesh.links), valueOf(mesh.peers)]);
        await settle();
        expect(links.map((l) => [l.from, l.to, l.ready, l.peerReadyReplicas])).to.deep.equal([["east", "north", true, 1]]);
        expect(phase).to.equal("SUCCEEDED");
        const [g] = gateways().filter((r) => r.inputs.metadata.name === "istio-remote-peer-north");
        expect(g.inputs.metadata.labels).to.deep.equal({ "topology.istio.io/network": "north", "topology.istio.io/cluster": "north" });
        expect(JSON.stringify(g.inputs.spec)).to.contain("eastwest.north.example").and.to.contain("31008").and.to.contain("31012");
        // Its peers: keyed by cluster, what another stack's remotePeers takes as is, trusting the trust stack's root.
        expect(Object.keys(peers)).to.deep.equal(["east"]);
        expect(peers.east).to.include({ cluster: "east", network: "east", eastWestAddress: "172.18.0.10", issuingRoot: trustState(FLEET.east).issuer });
        // The trust stack's material stays a secret in the member's cacerts Secret.
        const secret = registered.find((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata?.name === "cacerts")!;
        // Under mocks a secret input arrives wrapped ({<secret signature>, value}); a plain one would not be.
        expect(secret.inputs.stringData.value, "stringData is a secret").to.not.equal(undefined);
        expect(secret.inputs.stringData.value["ca-key.pem"]).to.equal(FLEET.east.caKeyPem);
        expect(await (mesh.peers as any).isSecret).to.equal(false);
    });

    it("one mesh's peers output is another's remotePeers as is: west links to east, east's links stay east's", async () => {
        const east = new MultiClusterMesh("east", member(["east"]));
        const west = new MultiClusterMesh("west", member(["west"], { remotePeers: east.peers }));
        const [eastLinks, westLinks, westPhase] = await Promise.all([valueOf(east.links), valueOf(west.links), valueOf(west.phase)]);
        await settle();
        expect(eastLinks).to.deep.equal([]);
        expect(westLinks.map((l) => [l.from, l.to, l.eastWestAddress, l.ready])).to.deep.equal([["west", "east", "172.18.0.10", true]]);
        expect(westPhase).to.equal("SUCCEEDED");
    });

    it("`links` may name a remote cluster in `to`: exactly those links, local and remote", async () => {
        const mesh = new MultiClusterMesh("m", member(["east", "west"], {
            remotePeers: pulumi.output({ north: peerOf("north", FLEET.north) }),
            links: [{ from: "east", to: "west" }, { from: "west", to: "north" }],
        }));
        const links = await valueOf(mesh.links);
        expect(links.map((l) => `${l.from}->${l.to}`)).to.deep.equal(["east->west", "west->north"]);
    });

    for (const field of ["network", "eastWestAddress", "ports"] as const) {
        it(`a remote peer without ${field} (from a StackReference): refused naming remotePeers.north.${field}${field === "ports" ? ".crossNetwork" : ""}, nothing installed`, async () => {
            const { [field]: _, ...partial } = peerOf("north", FLEET.north);
            const mesh = new MultiClusterMesh("east", member(["east"], { remotePeers: pulumi.output({ north: partial as MeshPeer }) }));
            const message = await rejection(mesh.phase);
            expect(message).to.contain('MultiClusterMesh "east"').and.to.contain(`remotePeers.north.${field}${field === "ports" ? ".crossNetwork" : ""}: missing from the published peer of cluster "north"`);
            await settle();
            expect(installed()).to.deep.equal([]);
        });
    }

    it("a remote peer named like a local cluster: refused naming remotePeers.east.cluster, nothing installed", async () => {
        const mesh = new MultiClusterMesh("m", member(["east"], { remotePeers: pulumi.output({ east: peerOf("east", FLEET.east) }) }));
        expect(await rejection(mesh.links)).to.contain('remotePeers.east.cluster: "east" is a cluster of this mesh too; allowed: clusters of other stacks only');
        await settle();
        expect(installed()).to.deep.equal([]);
    });

    it("a link to a region no peer provides any more (its stack removed): refused naming links[0].to, nothing installed", async () => {
        const mesh = new MultiClusterMesh("m", member(["east"], {
            remotePeers: pulumi.output({ west: peerOf("west", FLEET.west) }),
            links: [{ from: "east", to: "north" }],
        }));
        expect(await rejection(mesh.phase)).to.contain('links[0].to: "north" is neither a cluster of this mesh nor one of remotePeers (west): a removed region');
        await settle();
        expect(installed()).to.deep.equal([]);
    });

    it("plain remotePeers are checked with the other inputs: refused at once, nothing registered", () =>
        expectRejected(
            () => new MultiClusterMesh("m", member(["east"], { remotePeers: { west: { ...peerOf("west", FLEET.west), cluster: "north" } }, links: [{ from: "west", to: "east" }] }) as any),
            'remotePeers.west.cluster: "north" under the key "west"; allowed: each peer under its own cluster name, as a `peers` output holds it',
            'MultiClusterMesh "m"',
        ));

    it("a remote peer on a network of this mesh: refused naming remotePeers.west.network", () =>
        expectRejected(
            () => new MultiClusterMesh("m", member(["east"], { remotePeers: { west: peerOf("west", FLEET.west, { network: "east" }) } }) as any),
            'remotePeers.west.network: "east" is the network of cluster "east" of this mesh too; allowed: a network per cluster, unique across the stacks',
        ));

    it("a link from a remote cluster is that stack's: refused naming links[0].from", () =>
        expectRejected(
            () => new MultiClusterMesh("m", member(["east"], { remotePeers: { west: peerOf("west", FLEET.west) }, links: [{ from: "west", to: "east" }] }) as any),
            'links[0].from: "west" is not a cluster of this mesh (a link belongs to the stack of its sending cluster); allowed: east',
        ));

    it("cacerts a remote peer's cluster cannot accept (it trusts another root): refused naming the clusters, nothing installed", async () => {
        const mesh = new MultiClusterMesh("east", member(["east"], { remotePeers: pulumi.output({ west: peerOf("west", OTHER.west) }) }));
        const message = await rejection(mesh.phase);
        expect(message).to.match(/cacerts: the requested stage Current of cluster "east" issues from "O=Example PKI, CN=Root CA" \([0-9A-F:]{11}\), which peer cluster "west" does not trust yet/);
        await settle();
        expect(installed()).to.deep.equal([]);
    });
});
