// The peer Gateway of one link, with its state: the one implementation of a link, shared by ClusterLink (under its
// own component) and MultiClusterMesh (directly under the mesh, without a component per link). The caller says what
// the Gateway waits for; its state is read from the Gateway itself, so only once it exists.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState } from "../controller/args";
import { GatewayStatus, conditionText, gatewayStatus } from "../readiness/gateways";
import { remotePeerGateway, remotePeerGatewayName } from "../render/gateways";
import { SpecError } from "../spec/inputs";
import { LinkPeer } from "./args";
import { LinkSpec, checkPeerAddress } from "./validate";

/** A link's state: whether istiod accepted and programmed its Gateway, and the receiving gateway's readiness. */
export interface LinkState {
    accepted: boolean;
    programmed: boolean;
    peerReadyReplicas: number;
    ready: boolean;
    message: string;
}

/** A registered link: the receiving cluster, the Gateway (`namespace/name`), the address it points at, its state. */
export interface PeerLink {
    to: pulumi.Input<string>;
    gateway: pulumi.Input<string>;
    address: pulumi.Output<string>;
    state: pulumi.Output<LinkState>;
}

/**
 * Registers the peer Gateway `name` of the link `spec` in the sending cluster (on `opts.provider`, after
 * `opts.dependsOn`), pointing at `to` (a controller's values and outputs, or a published MeshPeer). The receiving
 * address is checked once known; a bad one fails the update naming `label`, before the Gateway is created.
 */
export function peerLinkGateway(name: string, label: string, spec: LinkSpec, to: LinkPeer, opts: pulumi.CustomResourceOptions): PeerLink {
    const address = pulumi.output(to.eastWestAddress).apply((a) => {
        const problems = checkPeerAddress(a, spec.to.cluster);
        if (problems.length) {
            throw new SpecError(label, problems);
        }
        return a;
    });
    const peerGateway: pulumi.Output<PeerGateway | undefined> = to.eastWest !== undefined
        ? (pulumi.output(to.eastWest) as pulumi.Output<EastWestGatewayState>)
        : pulumi.output(publishedGateway(to));
    const manifest = pulumi
        .all([address, peerGateway])
        .apply(([a, g]) => remotePeerGateway(spec.eastWestNamespace, { ...spec.to, address: a, ...(g ? { serviceType: g.serviceType, ports: g.ports } : {}) }));
    const gateway = new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: manifest.apply((m) => ({
                ...m.metadata,
                annotations: { ...m.metadata.annotations, "pulumi.com/waitFor": "condition=Accepted", "pulumi.com/timeoutSeconds": String(spec.timeoutSeconds) },
            })),
            spec: manifest.apply((m) => m.spec),
            status: undefined,
        },
        opts,
    );
    return {
        to: spec.to.cluster,
        gateway: linkGatewayName(spec),
        address,
        state: pulumi.all([gatewayStatus(gateway), peerGateway]).apply(([status, peer]) => linkState(status, peer)),
    };
}

/** Where a link's Gateway lives: `<east-west namespace>/istio-remote-peer-<to network>`. */
export function linkGatewayName(spec: LinkSpec): string {
    return `${spec.eastWestNamespace}/${remotePeerGatewayName(spec.to.network)}`;
}

/** What a link reads of the receiving gateway: its Service type, ports and replicas. */
type PeerGateway = Pick<EastWestGatewayState, "serviceType" | "ports" | "replicas" | "readyReplicas" | "message">;

/** The receiving gateway as a published peer carries it (undefined for a hand-written `to`). */
function publishedGateway(to: LinkPeer): PeerGateway | undefined {
    return to.serviceType !== undefined && to.ports !== undefined
        ? { serviceType: to.serviceType, ports: to.ports, replicas: to.replicas ?? 0, readyReplicas: to.readyReplicas ?? 0, message: "" }
        : undefined;
}

/** The link's state from its Gateway's status and the receiving gateway's: which part is missing, in words. */
export function linkState(status: GatewayStatus | undefined, peer: PeerGateway | undefined): LinkState {
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
        accepted: accepted?.status === "True",
        programmed: programmed?.status === "True",
        peerReadyReplicas,
        ready: missing.length === 0,
        message: missing.length ? missing.join("; ") : conditionText(accepted!),
    };
}
