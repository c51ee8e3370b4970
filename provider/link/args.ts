// Public types of ClusterLink: the receiving cluster as its ServiceMeshController reports it, and how to reach the
// sending cluster, where the peer Gateway goes (a provider or kubeconfig/context input, or the provider option).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState, EastWestPorts } from "../controller/args";

/**
 * The cluster a link points at: the values its ServiceMeshController was given and reports, or its controller's
 * `peer` output as is (from this program, or from another stack through a StackReference: then every field of it is
 * checked once known, and a peer that is missing or lacks a field is refused, naming it, before the link is created).
 */
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
    /** From a `peer` output: the receiving gateway's Service type (`LoadBalancer` or `NodePort`). */
    serviceType?: string;
    /** From a `peer` output: the receiving gateway's ports (its node ports for a NodePort gateway). */
    ports?: EastWestPorts;
    /** From a `peer` output: replicas the receiving gateway wants. */
    replicas?: number;
    /** From a `peer` output: ready replicas of the receiving gateway when its stack last updated; the link waits for one. */
    readyReplicas?: number;
    /** From a `peer` output: fingerprints of the roots the receiving cluster trusts. */
    trustedRoots?: string[];
    /** From a `peer` output: fingerprint of the root that issues the receiving cluster's certificates. */
    issuingRoot?: string;
}

/**
 * The inputs of ClusterLink: a one-way link from one multicluster member to another. The peer Gateway is created in
 * the sending cluster, reached through the `provider` input, `kubeconfig`/`context` or the `provider` resource option.
 */
export interface ClusterLinkArgs {
    /** The name of the sending cluster (its controller's `cluster`): its workloads can then reach `to`'s services. */
    from: string;
    /** The receiving cluster: its values, or its controller's `peer` output (e.g. read from another stack by a StackReference). */
    to: pulumi.Input<LinkPeer>;
    /** The east-west gateway namespace of the sending cluster (its controller's `eastWestGateway.namespace`). Default `istio-eastwest`. */
    eastWestNamespace?: string;
    /** Seconds to wait until istiod in the sending cluster accepts the link. Default 600. */
    timeoutSeconds?: number;
    /**
     * Kubeconfig of the sending cluster (content or file path). When set, the link builds its own Kubernetes provider;
     * otherwise it uses the `provider` input, the `provider`/`providers` resource option or the ambient kubeconfig.
     * Always handled as a secret.
     */
    kubeconfig?: pulumi.Input<string>;
    /** Context of `kubeconfig` (or of the ambient kubeconfig) for the sending cluster. */
    context?: pulumi.Input<string>;
    /**
     * The Kubernetes provider that reaches the sending cluster, instead of `kubeconfig`/`context` or a provider
     * resource option (the one way to hand a link a provider from Python, Go or YAML).
     */
    provider?: k8s.Provider;
}
