// Public types of ClusterLink: the receiving cluster as its ServiceMeshController reports it, and how to reach the
// sending cluster, where the peer Gateway goes (kubeconfig/context from every language; a provider option from TS).
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState } from "../controller/args";

/** The cluster a link points at: the values its ServiceMeshController was given and reports. */
export interface LinkPeer {
    /** The cluster's name (its controller's `cluster`, istiod's cluster ID). */
    cluster: string;
    /** The cluster's network (its controller's `network`). Default: the cluster name. */
    network?: string;
    /** The cluster's trust domain (its controller's `trustDomain`). Default: the cluster name. */
    trustDomain?: string;
    /** The address of the cluster's east-west gateway: its controller's `eastWestAddress` output. */
    eastWestAddress: pulumi.Input<string>;
    /**
     * The cluster's east-west gateway as its controller reports it (its `eastWest` output). Given, the link counts as
     * up only while that gateway has a ready replica, and a NodePort gateway is reached through its node ports.
     */
    eastWest?: pulumi.Input<EastWestGatewayState>;
}

/**
 * The inputs of ClusterLink: a one-way link from one multicluster member to another. The peer Gateway is created in
 * the sending cluster, reached through `kubeconfig`/`context` or the `provider` resource option.
 */
export interface ClusterLinkArgs {
    /** The name of the sending cluster (its controller's `cluster`): its workloads can then reach `to`'s services. */
    from: string;
    /** The receiving cluster. */
    to: LinkPeer;
    /** The east-west gateway namespace of the sending cluster (its controller's `eastWestGateway.namespace`). Default `istio-eastwest`. */
    eastWestNamespace?: string;
    /** Seconds to wait until istiod in the sending cluster accepts the link. Default 600. */
    timeoutSeconds?: number;
    /**
     * Kubeconfig of the sending cluster (content or file path). When set, the link builds its own Kubernetes provider;
     * otherwise it uses the `provider`/`providers` resource option or the ambient kubeconfig. Always handled as a secret.
     */
    kubeconfig?: pulumi.Input<string>;
    /** Context of `kubeconfig` (or of the ambient kubeconfig) for the sending cluster. */
    context?: pulumi.Input<string>;
}
