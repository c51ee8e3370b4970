// The mesh's links: one peer Gateway per link, directly under the mesh (no component per link), and their statuses
// computed together. A mesh of n clusters has n(n-1) links: every Output per link holds pending promises until the
// program ends (bench/notes.md, mock tier memory), so a link registers its Gateway and nothing else of its own.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState, MeshPeer } from "../controller/args";
import { ServiceMeshController, linkNeedsOf, linkTargetOf } from "../controller/controller";
import { CLUSTER_LINK_TYPE } from "../link/clusterLink";
import { LinkEnd, LinkTarget, PeerGateway, linkEndOf, linkGatewayName, linkState, peerLinkGateway } from "../link/gateway";
import { GatewayStatus } from "../readiness/gateways";
import { ControllerSpec } from "../spec/validate";
import { MeshLinkStatus } from "./args";
import { ResolvedCluster } from "./validate";

/** One cluster of the mesh as the component wires it. */
export interface Member {
    provider: k8s.Provider;
    controller: ServiceMeshController;
    cluster: ResolvedCluster;
    spec: ControllerSpec;
}

/** The receiving end of a mesh link: a member, or another stack's published peer. */
export interface MeshLinkPeer {
    cluster: string;
    network: string;
    trustDomain: string;
    end: LinkEnd;
}

/** A member as the receiving end of links (one per member, shared by its links): what its east-west Gateway says, its gateway's state. */
export function memberPeer(to: Member): MeshLinkPeer {
    const { name, network, trustDomain } = to.cluster;
    return {
        cluster: name,
        network,
        trustDomain,
        end: {
            serviceType: to.spec.eastWest!.serviceType,
            target: linkTargetOf(to.controller).apply((t) => t ?? { address: "" }),
            peer: to.controller.eastWest as pulumi.Output<EastWestGatewayState | undefined>,
        },
    };
}

/** Another stack's published peer as the receiving end of a link. */
export function remotePeer(peer: MeshPeer): MeshLinkPeer {
    return { cluster: peer.cluster, network: peer.network, trustDomain: peer.trustDomain, end: linkEndOf(peer) };
}

/** A mesh link: where it goes, and once registered its Gateway's status (undefined: its sending controller refused). */
export interface WiredLink {
    from: string;
    to: MeshLinkPeer;
    gateway: string;
    registered: Promise<pulumi.Output<GatewayStatus | undefined> | undefined>;
}

/**
 * The link from member `from` to `to`: its peer Gateway, on `from`'s provider, under `mesh`, registered once `from`'s
 * controller registered what a peer Gateway needs (istiod, the east-west namespace, the Gateway API CRDs) and waiting
 * for nothing else of it; of `to`, it waits for what its east-west Gateway says (address; node ports). Nothing is
 * registered when `from`'s controller refused.
 */
export function meshLink(mesh: pulumi.ComponentResource, meshUrn: Promise<string>, name: string, label: string, from: Member, to: MeshLinkPeer): WiredLink {
    const gatewayName = `${name}-link-${from.cluster.name}-to-${to.cluster}`;
    const spec = {
        from: from.cluster.name,
        to: { cluster: to.cluster, network: to.network, trustDomain: to.trustDomain },
        eastWestNamespace: from.spec.eastWest!.namespace,
        timeoutSeconds: from.spec.timeoutSeconds,
    };
    const registered = Promise.all([linkNeedsOf(from.controller), meshUrn]).then(([needs, urn]) =>
        needs
            ? peerLinkGateway(gatewayName, `${label} link ${spec.from} -> ${spec.to.cluster}`, spec, to.end, {
                  parent: mesh,
                  provider: from.provider,
                  dependsOn: needs,
                  // Stacks made before this had each link as a ClusterLink component under the mesh: the Gateway keeps its
                  // URN (its URN now is the one of the stacks made before ClusterLink existed). The alias is the whole
                  // URN as text: an alias given by parent costs the SDK several Outputs per link.
                  aliases: [childUrn(childUrn(urn, CLUSTER_LINK_TYPE, gatewayName), GATEWAY_TYPE, gatewayName)],
              })
            : undefined,
    );
    return { from: spec.from, to, gateway: linkGatewayName(spec), registered };
}

/** The links' statuses, as one Output over all of them: the state of each from its Gateway's status and its receiving end. */
export function meshLinkStatuses(links: WiredLink[]): pulumi.Output<MeshLinkStatus[]> {
    return pulumi.output(
        Promise.all(links.map((l) => l.registered)).then((statuses) =>
            // Three values per link; a link that registered nothing waits for nothing.
            pulumi.all(statuses.flatMap((s, i): pulumi.Input<unknown>[] => (s ? [s, links[i].to.end.peer, links[i].to.end.target] : [undefined, undefined, undefined]))).apply((values) =>
                links.map((l, i): MeshLinkStatus => {
                    const [status, peer, target] = values.slice(3 * i, 3 * i + 3) as unknown as [GatewayStatus | undefined, PeerGateway | undefined, LinkTarget | undefined];
                    const state = statuses[i] ? linkState(status, peer, target?.address) : linkState(undefined, undefined);
                    return { from: l.from, to: l.to.cluster, gateway: l.gateway, eastWestAddress: state.address, ...state };
                }),
            ),
        ),
    );
}

const GATEWAY_TYPE = "kubernetes:gateway.networking.k8s.io/v1:Gateway";

/** The URN of a child `name` of type `type` under the resource `parentUrn` names (what pulumi.createUrn computes). */
export function childUrn(parentUrn: string, type: string, name: string): string {
    return `${parentUrn.substring(0, parentUrn.lastIndexOf("::"))}$${type}::${name}`;
}
