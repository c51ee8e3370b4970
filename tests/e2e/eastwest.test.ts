// East-west gateways shaped for real networks, on two simulated clusters with the real Pulumi CLI at Istio 1.31:
// an internal gateway of two replicas with a PodDisruptionBudget (the doubles render what istiod renders, and the
// scheduler places the pods), a load balancer re-created with a new address and re-pointed by one `up`, then a
// NodePort gateway whose links name the peer's node address and node ports. Read back from the API servers.
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { changes, multiclusterStack } from "./harness/stacks";
import { env } from "./hooks";

const CLUSTERS = ["east", "west"];
const METALLB = { "metallb.universe.tf/address-pool": "internal" };

describe("east-west gateways in production (real engine)", function () {
    let stack: Stack;
    const get = async (cluster: string, what: string) => JSON.parse(await env().kubectl(cluster, ["get", what, "-n", "istio-eastwest", "-o", "json"]));
    const linkTo = (result: any, to: string) => (result.outputs.meshLinks.value as any[]).find((l) => l.to === to);
    const peerGateway = (cluster: string, peer: string) => get(cluster, `gateways.gateway.networking.k8s.io/istio-remote-peer-${peer}`);

    // The example's clusters config as one JSON value, so nested settings keep their types (numbers, objects).
    const setClusters = (west: object) =>
        stack.setConfig("clusters", {
            value: JSON.stringify(CLUSTERS.map((name) => ({ name, kubeconfig: env().clusters[name].kubeconfig, context: env().clusters[name].context, ...(name === "west" ? west : {}) }))),
        });

    before(async () => {
        ({ stack } = await multiclusterStack(env(), "e2e-eastwest", CLUSTERS));
        await stack.setConfig("istioVersion", { value: "1.31.1" });
        // Internal on a platform without a cloud mapping: the user says how (here a MetalLB pool), and labels it.
        await stack.setConfig("eastWestGateway", { value: JSON.stringify({ exposure: "Internal", annotations: METALLB, labels: { team: "mesh" } }) });
        await setClusters({ eastWestGateway: { antiAffinity: "Required" } });
    });

    it("deploys two-replica internal gateways with a PodDisruptionBudget; links up both ways", async () => {
        // A preview of the first up, as `pulumi up` runs it: nothing exists yet, so nothing may be read.
        const preview = await stack.preview();
        expect(preview.changeSummary.create, "creates").to.be.greaterThan(0);
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const states = result.outputs.clusterStates.value as any[];
        expect(states.map((c) => [c.cluster, c.eastWest.exposure, c.eastWest.replicas, c.eastWest.readyReplicas, c.eastWest.programmed])).to.deep.equal(
            CLUSTERS.map((n) => [n, "Internal", 2, 2, true]),
        );
        expect((result.outputs.meshLinks.value as any[]).map((l) => [l.from, l.to, l.accepted, l.programmed, l.ready])).to.have.deep.members([
            ["east", "west", true, true, true],
            ["west", "east", true, true, true],
        ]);
    });

    it("the generated Deployment, Service and PodDisruptionBudget carry what the component asked istiod for", async () => {
        for (const cluster of CLUSTERS) {
            const dep = await get(cluster, "deployment/istio-eastwest");
            expect(dep.spec.replicas, cluster).to.equal(2);
            expect(dep.status.readyReplicas, cluster).to.equal(2);
            expect(dep.metadata.labels).to.include({ team: "mesh", "topology.istio.io/network": cluster });
            const affinity = dep.spec.template.spec.affinity.podAntiAffinity;
            expect(Object.keys(affinity), cluster).to.deep.equal([
                cluster === "west" ? "requiredDuringSchedulingIgnoredDuringExecution" : "preferredDuringSchedulingIgnoredDuringExecution",
            ]);
            const svc = await get(cluster, "service/istio-eastwest");
            expect(svc.spec.type).to.equal("LoadBalancer");
            expect(svc.metadata.annotations).to.include(METALLB);
            expect(svc.metadata.labels).to.include({ team: "mesh" });
            const pdb = await get(cluster, "poddisruptionbudget/istio-eastwest");
            expect(pdb.spec.minAvailable).to.equal(1);
            // The real scheduler honoured the anti-affinity: the two replicas run on two nodes.
            const pods = JSON.parse(await env().kubectl(cluster, ["get", "pods", "-n", "istio-eastwest", "-l", "gateway.networking.k8s.io/gateway-name=istio-eastwest", "-o", "json"])).items;
            expect(new Set(pods.map((p: any) => p.spec.nodeName)).size, cluster).to.equal(2);
        }
    });

    it("a load balancer re-created with a new address: preview shows the drift, one up re-points the link", async () => {
        const e = env();
        const before = e.addresses.west;
        e.addresses.west = "192.0.2.99"; // the doubles' cloud load balancer now hands out this address
        try {
            await waitFor(async () => (await get("west", "service/istio-eastwest")).status.loadBalancer.ingress?.[0]?.ip === "192.0.2.99");
            const preview = await stack.preview();
            expect(preview.changeSummary.update ?? 0, "the link east -> west is updated").to.be.greaterThan(0);
            const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
            expect(linkTo(result, "west")).to.deep.include({ address: "192.0.2.99", ready: true });
            expect((await peerGateway("east", "west")).spec.addresses).to.deep.equal([{ type: "IPAddress", value: "192.0.2.99" }]);
        } finally {
            e.addresses.west = before;
        }
        await waitFor(async () => (await get("west", "service/istio-eastwest")).status.loadBalancer.ingress?.[0]?.ip === before);
        const result = await stack.up();
        expect(linkTo(result, "west")).to.deep.include({ address: before, ready: true });
    });

    it("a NodePort gateway: the peer Gateway names a node address and the node ports; Solo's peering reaches it", async () => {
        const node = JSON.parse(await env().kubectl("west", ["get", "nodes", "-o", "json"])).items[0];
        const nodeIp = node.status.addresses.find((a: any) => a.type === "InternalIP").address;
        await setClusters({ eastWestGateway: { serviceType: "NodePort", nodePorts: { crossNetwork: 31008, xds: 31012 } }, eastWestAddress: nodeIp });
        // The shared Internal exposure is for load balancers: the NodePort cluster is not bound by it.
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const west = (result.outputs.clusterStates.value as any[]).find((c) => c.cluster === "west");
        expect(west.eastWest).to.deep.include({ serviceType: "NodePort", exposure: "NodePort", address: nodeIp });
        expect(west.eastWest.ports).to.deep.equal({ crossNetwork: 31008, xds: 31012 });
        const svc = await get("west", "service/istio-eastwest");
        expect(svc.spec.type).to.equal("NodePort");
        expect(svc.spec.ports.map((p: any) => [p.port, p.nodePort])).to.have.deep.members([[15008, 31008], [15012, 31012]]);
        const peer = await peerGateway("east", "west");
        expect(peer.spec.addresses).to.deep.equal([{ type: "IPAddress", value: nodeIp }]);
        expect(peer.spec.listeners.map((l: any) => [l.name, l.port])).to.deep.equal([["cross-network", 31008], ["xds-tls", 31012]]);
        expect(peer.metadata.annotations["peering.solo.io/preferred-data-plane-service-type"]).to.equal("nodeport");
        expect(peer.status.conditions.find((c: any) => c.type === "gloo.solo.io/PeerConnected").status).to.equal("True");
        expect(linkTo(result, "west")).to.deep.include({ address: nodeIp, ready: true });
    });

    it("a second up changes nothing", async () => {
        const result = await stack.up();
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
    });

    it("destroy leaves no east-west namespace, gateway objects or PodDisruptionBudgets", async () => {
        await stack.destroy();
        for (const cluster of CLUSTERS) {
            expect(await env().kubectl(cluster, ["get", "namespaces", "-o", "name"])).to.not.contain("namespace/istio-eastwest");
            expect(await env().kubectl(cluster, ["get", "poddisruptionbudgets,horizontalpodautoscalers", "-A", "-o", "name"])).to.not.contain("istio-eastwest");
        }
    });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) throw new Error("timed out waiting for the cluster");
        await new Promise((r) => setTimeout(r, 1000));
    }
}
