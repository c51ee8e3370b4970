// ClusterLink: one one-way link between two multicluster members — the peer Gateway `istioctl multicluster link`
// creates in the sending cluster, pointing at the receiving cluster's east-west gateway — waiting until istiod
// accepts it. MultiClusterMesh makes one per link; users make them between controllers they created themselves.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterProvider, hasKubernetesProviderOption } from "../cluster/provider";
import { childrenRegistered } from "../controller/controller";
import { GatewayStatus, gatewayStatus } from "../readiness/gateways";
import { remotePeerGateway, remotePeerGatewayName } from "../render/gateways";
import { SpecError } from "../spec/inputs";
import { ClusterLinkArgs } from "./args";
import { checkPeerAddress, resolveLinkSpec } from "./validate";

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
    public readonly address!: pulumi.Output<string>;
    /** Whether istiod in the sending cluster reports the Gateway Accepted=True. */
    public readonly accepted!: pulumi.Output<boolean>;
    /** The Accepted condition's reason and message, or why it is missing. */
    public readonly message!: pulumi.Output<string>;

    constructor(name: string, args: ClusterLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `ClusterLink "${name}"`;
        const spec = resolveLinkSpec(args, label);
        const ownAccess = args.kubeconfig !== undefined || args.context !== undefined;
        if (ownAccess && hasKubernetesProviderOption(opts)) {
            throw new SpecError(label, [
                `${args.kubeconfig !== undefined ? "kubeconfig" : "context"}: set together with a kubernetes provider resource option; allowed: one way to reach the sending cluster "${spec.from}", either kubeconfig/context or the provider option`,
            ]);
        }
        super(CLUSTER_LINK_TYPE, name, {}, opts);

        const provider = ownAccess ? clusterProvider(`${name}-k8s`, args, { parent: this }) : undefined;
        const address = pulumi.output(args.to.eastWestAddress).apply((a) => {
            const problems = checkPeerAddress(a, spec.to.cluster);
            if (problems.length) {
                throw new SpecError(label, problems);
            }
            return a;
        });
        const manifest = address.apply((a) => remotePeerGateway(spec.eastWestNamespace, { ...spec.to, address: a }));
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

        const state = gatewayStatus(gateway).apply(acceptance);
        this.from = pulumi.output(spec.from);
        this.to = pulumi.output(spec.to.cluster);
        this.gateway = pulumi.output(`${spec.eastWestNamespace}/${remotePeerGatewayName(spec.to.network)}`);
        this.address = address;
        this.accepted = state.apply((s) => s.accepted);
        this.message = state.apply((s) => s.message);
        this.registerOutputs({ from: this.from, to: this.to, gateway: this.gateway, address: this.address, accepted: this.accepted, message: this.message });
    }
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

function acceptance(status: GatewayStatus | undefined): { accepted: boolean; message: string } {
    const accepted = status?.conditions?.find((c) => c.type === "Accepted");
    if (!accepted) {
        return { accepted: false, message: "no Accepted condition reported yet" };
    }
    return { accepted: accepted.status === "True", message: [accepted.reason, accepted.message].filter(Boolean).join(": ") };
}
