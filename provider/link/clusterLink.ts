// ClusterLink: one one-way link between two multicluster members — the peer Gateway `istioctl multicluster link`
// creates in the sending cluster, pointing at the receiving cluster's east-west gateway — waiting until istiod
// accepts it. MultiClusterMesh makes one per link; users make them between controllers they created themselves.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterProvider, hasKubernetesProviderOption } from "../cluster/provider";
import { linkAccessProblems } from "./validate";
import { childrenRegistered, registersChildrenLate } from "../controller/controller";
import { GatewayStatus, conditionText, gatewayStatus } from "../readiness/gateways";
import { remotePeerGateway, remotePeerGatewayName } from "../render/gateways";
import { SpecError, isDeferred } from "../spec/inputs";
import { EastWestGatewayState } from "../controller/args";
import { known } from "../preflight/run";
import { ClusterLinkArgs, LinkPeer } from "./args";
import { LinkSpec, checkPeerAddress, resolveLinkSpec } from "./validate";

export const CLUSTER_LINK_TYPE = "servicemesh:index:ClusterLink";

// Components whose links were once their direct children (MultiClusterMesh before ClusterLink existed): a link made
// under one of them aliases its Gateway to that parent, so existing stacks keep the Gateway instead of replacing it.
// Not public: a user's own link must never adopt a same-named Gateway of its parent.
const formerLinkParents = new WeakSet<pulumi.Resource>();

export function linksWereChildrenOf(parent: pulumi.Resource): void {
    formerLinkParents.add(parent);
}

/**
 * A one-way link between two multicluster members: the peer Gateway in the sending cluster's east-west namespace
 * that points at the receiving cluster's east-west gateway, as `istioctl multicluster link` creates it. The update
 * waits until istiod reports it Accepted.
 */
export class ClusterLink extends pulumi.ComponentResource {
    /** The sending cluster. */
    public readonly from!: pulumi.Output<string>;
    /** The receiving cluster. */
    public readonly to!: pulumi.Output<string>;
    /** The peer Gateway in the sending cluster (`<namespace>/istio-remote-peer-<to network>`). */
    public readonly gateway!: pulumi.Output<string>;
    /** The receiving cluster's east-west address the link points at. */
    public readonly eastWestAddress!: pulumi.Output<string>;
    /** @deprecated Renamed to `eastWestAddress` (published under both names until 0.3). */
    public readonly address!: pulumi.Output<string>;
    /** Whether istiod in the sending cluster reports the Gateway Accepted=True. */
    public readonly accepted!: pulumi.Output<boolean>;
    /** Whether istiod in the sending cluster reports the Gateway Programmed=True. */
    public readonly programmed!: pulumi.Output<boolean>;
    /** Ready replicas of the receiving east-west gateway (-1 when `to.eastWest` was not given). */
    public readonly peerReadyReplicas!: pulumi.Output<number>;
    /**
     * The link is up: Accepted and Programmed, Solo's peering conditions (gloo.solo.io/PeerConnected, ...) True where
     * reported, and the receiving east-west gateway (when known) has a ready replica.
     */
    public readonly ready!: pulumi.Output<boolean>;
    /** What is missing when the link is not up, else the Accepted condition's reason and message. */
    public readonly message!: pulumi.Output<string>;

    constructor(name: string, args: ClusterLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `ClusterLink "${name}"`;
        // A `to` given as values is checked now; one that arrives as an output (another stack's peer, read through a
        // StackReference) once known, and the Gateway is registered only after it passed: a refusal creates nothing.
        const later = isDeferred(args.to);
        const spec = later ? undefined : resolveLinkSpec(args, label);
        const ownAccess = args.kubeconfig !== undefined || args.context !== undefined;
        const accessProblems = linkAccessProblems(args, hasKubernetesProviderOption(opts));
        if (accessProblems.length) {
            throw new SpecError(label, accessProblems);
        }
        super(CLUSTER_LINK_TYPE, name, {}, opts);

        const resolved: Promise<{ spec: LinkSpec; to: LinkPeer } | undefined> = spec
            ? Promise.resolve({ spec, to: args.to as LinkPeer })
            : known(args.to).then(({ value, unknown }) => (unknown ? undefined : { spec: resolveLinkSpec({ ...args, to: value }, label), to: value as LinkPeer }));
        // A `to` not known at preview (a controller of this program still to be created): nothing to show yet but
        // unknown outputs; the update knows it, checks it and creates the Gateway.
        const wired = resolved.then((r) => (r ? this.wire(name, label, r.spec, r.to, args, ownAccess, opts) : unknownLink(args.to)));
        registersChildrenLate(this, wired);
        const out = pulumi.output(wired);
        this.from = pulumi.output(args.from);
        this.to = out.apply((w) => w.to);
        this.gateway = out.apply((w) => w.gateway);
        this.eastWestAddress = out.apply((w) => w.address);
        this.address = this.eastWestAddress;
        this.accepted = out.apply((w) => w.state.accepted);
        this.programmed = out.apply((w) => w.state.programmed);
        this.peerReadyReplicas = out.apply((w) => w.state.peerReadyReplicas);
        this.ready = out.apply((w) => w.state.ready);
        this.message = out.apply((w) => w.state.message);
        this.registerOutputs({
            from: this.from,
            to: this.to,
            gateway: this.gateway,
            eastWestAddress: this.eastWestAddress,
            address: this.address,
            accepted: this.accepted,
            programmed: this.programmed,
            peerReadyReplicas: this.peerReadyReplicas,
            ready: this.ready,
            message: this.message,
        });
    }

    /** Registers the peer Gateway once `to` is valid; its state as outputs. */
    private wire(name: string, label: string, spec: LinkSpec, to: LinkPeer, args: ClusterLinkArgs, ownAccess: boolean, opts?: pulumi.ComponentResourceOptions) {
        const provider = args.provider ?? (ownAccess ? clusterProvider(`${name}-k8s`, args, { parent: this }) : undefined);
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
            .all([address, peerGateway.apply((g) => (g ? { serviceType: g.serviceType, ports: g.ports } : undefined))])
            .apply(([a, peer]) => remotePeerGateway(spec.eastWestNamespace, { ...spec.to, address: a, ...peer }));
        const formerParent = opts?.parent && formerLinkParents.has(opts.parent) ? opts.parent : undefined;
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
            {
                parent: this,
                ...(provider ? { provider } : {}),
                // The sending cluster's east-west namespace and istiod (which owns class istio-remote) must exist first.
                dependsOn: readyDependencies(opts?.dependsOn),
                ...(formerParent ? { aliases: [{ parent: formerParent }] } : {}),
            },
        );
        return {
            to: spec.to.cluster,
            gateway: `${spec.eastWestNamespace}/${remotePeerGatewayName(spec.to.network)}`,
            address,
            state: pulumi.all([gatewayStatus(gateway), peerGateway]).apply(([status, peer]) => linkState(status, peer)),
        };
    }
}

/** The outputs of a link whose `to` is not known yet (preview only): unknown, as `to` is. */
function unknownLink(to: pulumi.Input<LinkPeer>) {
    const u = pulumi.output(to).apply(() => "");
    return { to: u, gateway: u, address: u, state: u.apply(() => linkState(undefined, undefined)) };
}

/** What a link reads of the receiving gateway: its Service type, ports and replicas. */
type PeerGateway = Pick<EastWestGatewayState, "serviceType" | "ports" | "replicas" | "readyReplicas" | "message">;

/** The receiving gateway as a published peer carries it (undefined for a hand-written `to`). */
function publishedGateway(to: LinkPeer): PeerGateway | undefined {
    return to.serviceType !== undefined && to.ports !== undefined
        ? { serviceType: to.serviceType, ports: to.ports, replicas: to.replicas ?? 0, readyReplicas: to.readyReplicas ?? 0, message: "" }
        : undefined;
}

/**
 * The link's own dependsOn, for its Gateway. A ServiceMeshController registers its children after its pre-flight (a
 * MultiClusterMesh, once its controllers have), and dependsOn expands a component to the children it has at the
 * time: wait until they have them.
 */
async function readyDependencies(dependsOn: pulumi.ComponentResourceOptions["dependsOn"]): Promise<pulumi.Input<pulumi.Resource>[]> {
    const list = await Promise.resolve(dependsOn ?? []);
    const deps = (Array.isArray(list) ? list : [list]) as pulumi.Input<pulumi.Resource>[];
    await Promise.all(deps.map(async (d) => {
        const r = await Promise.resolve(d);
        if (pulumi.Resource.isInstance(r)) await childrenRegistered(r);
    }));
    return deps;
}

/** The link's state from its Gateway's status and the receiving gateway's: which part is missing, in words. */
export function linkState(
    status: GatewayStatus | undefined,
    peer: PeerGateway | undefined,
): { accepted: boolean; programmed: boolean; peerReadyReplicas: number; ready: boolean; message: string } {
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
