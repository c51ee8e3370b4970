// The peer Gateway of one link, with its state: the one implementation of a link, shared by ClusterLink (under its
// own component) and MultiClusterMesh (directly under the mesh, without a component per link). The caller says what
// the Gateway waits for; its state is read from the Gateway itself, so only once it exists.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState } from "../controller/args";
import { GatewayStatus, conditionText, gatewayStatus } from "../readiness/gateways";
import { PeerCluster, remotePeerGatewayName, remotePeerMetadata, remotePeerSpec } from "../render/gateways";
import { SpecError } from "../spec/inputs";
import { LinkPeer } from "./args";
import { LinkSpec, checkPeerAddress } from "./validate";

/** A link's state: whether istiod accepted and programmed its Gateway, and the receiving gateway's readiness. */
export interface LinkState {
    /** The receiving address the Gateway points at. */
    address: string;
    accepted: boolean;
    programmed: boolean;
    peerReadyReplicas: number;
    ready: boolean;
    message: string;
}


/** What a link points at: the receiving gateway's address, and for a NodePort gateway its Service type and node ports. */
export type LinkTarget = Pick<PeerCluster, "address" | "serviceType" | "ports">;

/**
 * The receiving end of a link: its Service type when known now (the Gateway's metadata is then plain), what the
 * Gateway points at, and the receiving gateway's state (for the link's readiness only: the Gateway does not wait for it).
 */
export interface LinkEnd {
    serviceType: pulumi.Input<string | undefined>;
    target: pulumi.Output<LinkTarget>;
    peer: pulumi.Output<PeerGateway | undefined>;
}

/** The receiving end as a ClusterLink's or a remote peer's `to` gives it: values, a controller's outputs, or a published MeshPeer. */
export function linkEndOf(to: LinkPeer): LinkEnd {
    const published = publishedGateway(to);
    if (to.eastWest === undefined) {
        return {
            serviceType: published?.serviceType,
            target: pulumi.output(to.eastWestAddress).apply((address) => ({ address, ...(published ? { serviceType: published.serviceType, ports: published.ports } : {}) })),
            peer: pulumi.output(published),
        };
    }
    const eastWest = pulumi.output(to.eastWest) as pulumi.Output<EastWestGatewayState>;
    return {
        serviceType: eastWest.apply((g) => g.serviceType),
        target: pulumi.all([to.eastWestAddress, eastWest]).apply(([address, g]) => ({ address, serviceType: g.serviceType, ports: g.ports })),
        peer: eastWest,
    };
}

/**
 * Registers the peer Gateway `name` of the link `spec` in the sending cluster (on `opts.provider`, after
 * `opts.dependsOn`), pointing at `to`. The receiving address is checked once known; a bad one fails the update
 * naming `label`, before the Gateway is created; the Gateway's status once it is. One Output of its own (the spec):
 * a mesh has n(n-1) links (bench/notes.md).
 */
export function peerLinkGateway(name: string, label: string, spec: LinkSpec, to: LinkEnd, opts: pulumi.CustomResourceOptions): pulumi.Output<GatewayStatus | undefined> {
    const identity = { ...spec.to };
    const metadata = (serviceType: string | undefined) => {
        const m = remotePeerMetadata(spec.eastWestNamespace, { ...identity, serviceType });
        return { ...m, annotations: { ...m.annotations, "pulumi.com/waitFor": "condition=Accepted", "pulumi.com/timeoutSeconds": String(spec.timeoutSeconds) } };
    };
    const gateway = new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: pulumi.Output.isInstance(to.serviceType) ? to.serviceType.apply(metadata) : metadata(to.serviceType as string | undefined),
            spec: to.target.apply((t) => {
                const problems = checkPeerAddress(t.address, spec.to.cluster);
                if (problems.length) {
                    throw new SpecError(label, problems);
                }
                return remotePeerSpec(t);
            }),
            status: undefined,
        },
        opts,
    );
    return gatewayStatus(gateway);
}

/** A link's state as one Output: from its Gateway's status and the receiving end. */
export function linkStateOf(status: pulumi.Output<GatewayStatus | undefined>, to: LinkEnd): pulumi.Output<LinkState> {
    return pulumi.all([status, to.peer, to.target]).apply(([s, peer, target]) => linkState(s, peer, target.address));
}

/** Where a link's Gateway lives: `<east-west namespace>/istio-remote-peer-<to network>`. */
export function linkGatewayName(spec: LinkSpec): string {
    return `${spec.eastWestNamespace}/${remotePeerGatewayName(spec.to.network)}`;
}

/** What a link reads of the receiving gateway: its Service type, ports and replicas. */
export type PeerGateway = Pick<EastWestGatewayState, "serviceType" | "ports" | "replicas" | "readyReplicas" | "message">;

/** The receiving gateway as a published peer carries it (undefined for a hand-written `to`). */
function publishedGateway(to: LinkPeer): PeerGateway | undefined {
    return to.serviceType !== undefined && to.ports !== undefined
        ? { serviceType: to.serviceType, ports: to.ports, replicas: to.replicas ?? 0, readyReplicas: to.readyReplicas ?? 0, message: "" }
        : undefined;
}

/** The link's state from its Gateway's status and the receiving gateway's: which part is missing, in words. */
export function linkState(status: GatewayStatus | undefined, peer: PeerGateway | undefined, address = ""): LinkState {
    const condition = (type: string) => status?.conditions?.find((c) => c.type === type);
    const accepted = condition("Accepted");
    const programmed = condition("Programmed");
    const peerReadyReplicas = peer ? peer.readyReplicas : -1;
    const missing = [
        !accepted ? "no Accepted condition reported yet" : accepted.status !== "True" && `not Accepted (${conditionText(accepted)})`,
        !programmed ? "no Programmed condition reported yet" : programmed.status !== "True" && `not Programmed (${conditionText(programmed)})`,
        // Upstream reports every istio-remote Gateway Accepted and Programmed; Solo's peering adds its own conditions.
        ...(status?.conditions ?? [])
            .filter((c) => c.type?.startsWith("gloo.solo.io/") && c.status !== "True")
            .map((c) => `${c.type} ${c.status} (${conditionText(c)})`),
        peer && peer.readyReplicas === 0 && `the receiving east-west gateway has no ready replica (0/${peer.replicas}${peer.message ? `: ${peer.message}` : ""})`,
    ].filter((m): m is string => !!m);
    return {
        address,
        accepted: accepted?.status === "True",
        programmed: programmed?.status === "True",
        peerReadyReplicas,
        ready: missing.length === 0,
        message: missing.length ? missing.join("; ") : conditionText(accepted!),
    };
}
