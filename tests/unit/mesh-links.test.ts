// MultiClusterMesh's links under mocks: each peer Gateway directly under the mesh (no component per link), keeping the
// URN stacks made with ClusterLink components gave it (an alias), and waiting only for what it needs of the sending
// cluster (istiod, the east-west namespace, the Gateway API CRDs), never for that controller's readiness reads.
import { expect } from "chai";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { mockClusters, mocks, registered, settle, valueOf } from "./mocks";
import { MultiClusterMesh } from "../../provider";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const clusters = (names: string[]) => names.map((name) => ({ cluster: name, context: `ctx-${name}` }));
const shared = { version: "1.24.3", gatewayApi: { manifest: CRDS }, rootOfTrust: { rsaBits: 2048 } };
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const urn = (chain: string, name: string) => `urn:pulumi:test::servicemesh::${chain}::${name}`;

interface Seen {
    parent?: pulumi.Resource;
    aliases: pulumi.Input<pulumi.URN>[];
    dependsOn: Promise<string[]>;
}

/** A mesh of `names`, recording each registration's parent, aliases (as URNs) and dependsOn (as names). */
async function deploy(names: string[], args: object = {}) {
    const seen: Record<string, Seen> = {};
    const mesh = new MultiClusterMesh("mesh", { ...shared, clusters: clusters(names), ...args }, {
        transformations: [(a) => {
            const deps = Promise.resolve(a.opts.dependsOn ?? []).then((d) => Promise.all((Array.isArray(d) ? d : [d]).map((x) => Promise.resolve(x))));
            seen[a.name] = {
                parent: a.opts.parent,
                aliases: (a.opts.aliases ?? []).map((al: any) => (typeof al === "string" ? al : pulumi.createUrn(a.name, a.type, al.parent))),
                dependsOn: deps.then((list) => list.map((r: any) => r.__name as string)),
            };
            return undefined;
        }],
    });
    const [phase, links] = await Promise.all([valueOf(mesh.phase), valueOf(mesh.links)]);
    await settle();
    return { mesh, phase, links, seen };
}

describe("MultiClusterMesh links (mocks)", function () {
    this.timeout(120_000);
    const healthy = () => mockClusters({ clusters: { "ctx-east": { eastWestAddress: "172.18.0.10" }, "ctx-west": { eastWestAddress: "172.18.0.20" }, "ctx-north": { eastWestAddress: "172.18.0.30" } } });
    beforeEach(healthy);

    it("registers each link's Gateway under the mesh, aliased to the URN it had under a ClusterLink component", async () => {
        const { mesh, seen, links } = await deploy(["east", "west"]);
        expect(registered.filter((r) => r.type === "servicemesh:index:ClusterLink")).to.deep.equal([]);
        for (const link of ["mesh-link-east-to-west", "mesh-link-west-to-east"]) {
            expect(seen[link].parent, link).to.equal(mesh);
            // Its URN now is the one stacks made before ClusterLink had; stacks made with ClusterLink find it by the alias.
            expect(await valueOf(pulumi.createUrn(link, GATEWAY, mesh))).to.equal(urn(`servicemesh:index:MultiClusterMesh$${GATEWAY}`, link));
            expect(await Promise.all(seen[link].aliases.map((u) => valueOf(pulumi.output(u))))).to.deep.equal([
                urn(`servicemesh:index:MultiClusterMesh$servicemesh:index:ClusterLink$${GATEWAY}`, link),
            ]);
        }
        // The links output keeps its shape and meaning.
        expect(links).to.deep.equal([
            { from: "east", to: "west", gateway: "istio-eastwest/istio-remote-peer-west", eastWestAddress: "172.18.0.20", address: "172.18.0.20", accepted: true, programmed: true, peerReadyReplicas: 1, ready: true, message: links[0].message },
            { from: "west", to: "east", gateway: "istio-eastwest/istio-remote-peer-east", eastWestAddress: "172.18.0.10", address: "172.18.0.10", accepted: true, programmed: true, peerReadyReplicas: 1, ready: true, message: links[1].message },
        ]);
        expect(links[0].message).to.match(/^Accepted/);
    });

    it("makes a link wait for the sending cluster's istiod and east-west namespace only, the Gateway API CRDs through that istiod", async () => {
        const { seen } = await deploy(["east", "west", "north"]);
        for (const [from, to] of [["east", "west"], ["north", "east"]]) {
            const deps = (await seen[`mesh-link-${from}-to-${to}`].dependsOn).sort();
            // Not the controller, its other releases, its east-west gateway or readiness reads, nor anything of the
            // receiving cluster.
            expect(deps, `${from} -> ${to}`).to.deep.equal([`mesh-${from}-eastwest-namespace`, `mesh-${from}-istiod`]);
            // istiod waits for all the Gateway API objects its east-west gateway waits for: the Gateway kind exists first.
            const bundle = (await seen[`mesh-${from}-eastwest-gateway`].dependsOn).filter((d) => d.startsWith(`mesh-${from}-gateway-api-crds:`));
            expect(bundle.length).to.be.greaterThan(0);
            expect(await seen[`mesh-${from}-istiod`].dependsOn).to.include.members(bundle);
        }
    });

    it("points a link at the receiving east-west Gateway's status, without waiting for that gateway's Deployment", async () => {
        // The receiving gateways' Deployment reads are answered only once both links registered (or after 5 s): links
        // that waited for the whole east-west state would register only after the timeout.
        const linked: string[] = [];
        const answeredAfter: number[] = [];
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        const timer = setTimeout(release, 5000);
        pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    if (!args.id && args.type === GATEWAY && args.name.startsWith("mesh-link-") && linked.push(args.name) === 2) release();
                    if (args.id && args.name.endsWith("-eastwest-deployment-observed")) {
                        await released;
                        answeredAfter.push(linked.length);
                    }
                    return mocks.newResource(args);
                },
                call: (args) => mocks.call(args),
            },
            "servicemesh",
            "test",
        );
        try {
            const { links } = await deploy(["east", "west"]);
            expect(answeredAfter).to.deep.equal([2, 2]);
            // The links still report the receiving gateway's readiness, read afterwards.
            expect(links.map((l) => [l.address, l.peerReadyReplicas, l.ready])).to.deep.equal([["172.18.0.20", 1, true], ["172.18.0.10", 1, true]]);
        } finally {
            clearTimeout(timer);
            pulumi.runtime.setMocks(mocks, "servicemesh", "test");
        }
    });

    it("registers no component per link: the components grow with the clusters, not with the links", async () => {
        const components: number[] = [];
        for (const names of [["east", "west"], ["east", "west", "north"]]) {
            healthy();
            const { links } = await deploy(names);
            expect(links).to.have.length(names.length * (names.length - 1));
            components.push(registered.filter((r) => !r.custom).length);
            expect(registered.filter((r) => r.custom && r.type === GATEWAY && r.name.startsWith("mesh-link-"))).to.have.length(links.length);
        }
        // One more cluster adds its controller's components and 4 links, but no component for a link.
        const perCluster = registered.filter((r) => !r.custom && r.name.startsWith("mesh-north")).length;
        expect(components[1] - components[0]).to.equal(perCluster);
    });

    it("registers no link Gateway in a cluster whose controller refused", async () => {
        // A Kubernetes version Istio 1.24 does not support: east's pre-flight refuses, so east registers nothing.
        mockClusters({ clusters: { "ctx-east": { kubernetesVersion: "v1.20.0" }, "ctx-west": { eastWestAddress: "172.18.0.20" } } });
        const mesh = new MultiClusterMesh("mesh", { ...shared, clusters: clusters(["east", "west"]) });
        const error = await valueOf(mesh.phase).then(() => "", (e) => String(e));
        expect(error).to.contain("mesh-east");
        await new Promise((r) => setTimeout(r, 200));
        expect(registered.filter((r) => r.name.startsWith("mesh-east-") && r.custom && !r.type.startsWith("pulumi:providers"))).to.deep.equal([]);
        expect(registered.filter((r) => r.name === "mesh-link-east-to-west")).to.deep.equal([]);
    });
});
