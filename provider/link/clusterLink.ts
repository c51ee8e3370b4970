// ClusterLink: one one-way link between two multicluster members — the peer Gateway `istioctl multicluster link`
// creates in the sending cluster, pointing at the receiving cluster's east-west gateway — waiting until istiod
// accepts it. Users make them between controllers they created themselves; MultiClusterMesh registers the same
// Gateway (./gateway.ts) without a component per link.
import * as pulumi from "@pulumi/pulumi";
import { clusterProvider, hasKubernetesProviderOption } from "../cluster/provider";
import { linkAccessProblems } from "./validate";
import { childrenRegistered, registersChildrenLate } from "../controller/controller";
import { SpecError, isDeferred } from "../spec/inputs";
import { known } from "../preflight/run";
import { ClusterLinkArgs, LinkPeer } from "./args";
import { LinkSpec, resolveLinkSpec } from "./validate";
import { linkEndOf, linkGatewayName, linkState, linkStateOf, peerLinkGateway } from "./gateway";

export const CLUSTER_LINK_TYPE = "servicemesh:index:ClusterLink";

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
        this.eastWestAddress = out.apply((w) => w.state.address);
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
        const end = linkEndOf(to);
        const status = peerLinkGateway(name, label, spec, end, {
            parent: this,
            ...(provider ? { provider } : {}),
            // What the program makes the link wait for: its sending controller (east-west namespace, istiod, which owns
            // class istio-remote), once that has registered its children.
            dependsOn: readyDependencies(opts?.dependsOn),
        });
        return { to: spec.to.cluster, gateway: linkGatewayName(spec), state: linkStateOf(status, end) };
    }
}

/** The outputs of a link whose `to` is not known yet (preview only): unknown, as `to` is. */
function unknownLink(to: pulumi.Input<LinkPeer>) {
    const u = pulumi.output(to).apply(() => "");
    return { to: u, gateway: u, state: u.apply(() => linkState(undefined, undefined)) };
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
