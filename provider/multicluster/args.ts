// Public types of MultiClusterMesh. Shared mesh settings reuse ServiceMeshController's types; per-cluster access is
// a Kubernetes provider or kubeconfig/context inputs, both of which every Pulumi language can pass.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    ChartValues,
    Condition,
    DataplaneMode,
    Distribution,
    EastWestGateway,
    EastWestGatewayState,
    GatewayApi,
    GatewayApiState,
    Image,
    MeshPeer,
    OnConflict,
    Phase,
    Platform,
    Repository,
    RevisionState,
    RevisionTag,
    RevisionTagState,
    ScalingProfile,
    TrafficCaptureMode,
    UpgradeStrategy,
} from "../controller/args";
import { ClusterTrust, RootOfTrustSettings } from "../trust/args";

/** One cluster of the mesh and how to reach it. */
export interface MeshCluster {
    /** Cluster name (DNS label, unique in the mesh): istiod's cluster ID and the intermediate CA's locality. Required. */
    cluster?: string;
    /** @deprecated The cluster name: renamed to `cluster` (read as `cluster`, with a warning, until 0.3). */
    name?: string;
    /** The cluster's network (unique in the mesh). Default: the cluster name. */
    network?: string;
    /** The cluster's trust domain. Default: the cluster name. */
    trustDomain?: string;
    /** Kubeconfig of the cluster (content or path). Handled as a secret. Default: the ambient kubeconfig. */
    kubeconfig?: pulumi.Input<string>;
    /** Context of the kubeconfig. Each cluster needs a kubeconfig, a context or a provider, so no two share the ambient default. */
    context?: pulumi.Input<string>;
    /**
     * The Kubernetes provider that reaches the cluster (one the program already has, e.g. an EKS cluster's provider),
     * instead of `kubeconfig`/`context`: each cluster is reached exactly one way.
     */
    provider?: k8s.Provider;
    /** @deprecated The east-west gateway's fixed address: renamed to `eastWestGateway.address` (read as it, with a warning, until 0.3). */
    eastWestAddress?: string;
    /**
     * This cluster's east-west gateway settings, over the mesh's `eastWestGateway` (field by field; annotations and
     * labels merged key by key), e.g. the annotations of the cloud this cluster runs on, or the `address` peers reach
     * it at when fixed in advance (a static IP, a DNS name in front of the nodes).
     */
    eastWestGateway?: EastWestGateway;
    /** Helm values for this cluster only, merged over the mesh's `values` (deep merge; lists replace). */
    values?: ChartValues;
    /** This cluster's upgrade strategy, replacing the mesh's (e.g. RevisionBased on one cluster first). */
    upgradeStrategy?: UpgradeStrategy;
    /** This cluster's revision tags, replacing the mesh's (RevisionBased). */
    revisionTags?: RevisionTag[];
    /** Revisions of this cluster to remove although pods use them, replacing the mesh's list (RevisionBased, or InPlace going back from revisions). */
    forceRemoveRevisions?: string[];
}

/** A one-way link: workloads in `from` can reach services in `to`. */
export interface MeshLink {
    /** The cluster that sends (it gets the peer Gateway). */
    from: string;
    /** The cluster that receives. */
    to: string;
}

/** The inputs of MultiClusterMesh: the clusters, the links between them, and the settings they share. */
export interface MultiClusterMeshArgs {
    /** The clusters of the mesh; they are installed in parallel. */
    clusters: MeshCluster[];
    /**
     * Links between clusters. Omitted: every pair, both directions, and each cluster to each of `remotePeers`. A list:
     * exactly those one-way links (`to` may name a cluster of `remotePeers`; `from` is always a cluster of this mesh).
     * `[]`: none.
     */
    links?: MeshLink[];
    /**
     * The clusters of other stacks this mesh links to (a mesh across stacks: README "Many clusters: one stack per
     * region"): another stack's `peers` output (cluster name -> peer), read through a StackReference and passed as
     * is; with several stacks, their maps merged into one. This mesh owns the links from its clusters to them (a link
     * belongs to the stack of its sending cluster); theirs back are their stacks'. Checked once known, before any
     * member installs: a peer missing a field, one named like a cluster or network of this mesh, a link to a cluster
     * no peer provides (a removed region), and cacerts (`rootOfTrust`) a peer's cluster could not accept are refused.
     */
    remotePeers?: pulumi.Input<Record<string, MeshPeer>>;
    /** The Istio patch version, `1.x.y`; multicluster needs 1.24.3 or later. */
    version: string;
    /** The dataplane mode. Only `Ambient` (default) is supported for multicluster. */
    dataplaneMode?: DataplaneMode;
    /** The image distribution: `Standard` (default) or `FIPS`. */
    distribution?: Distribution;
    /** Container image source and pull secrets, for every cluster. */
    image?: Image;
    /** Helm chart source, credentials and TLS verification, for every cluster. */
    repository?: Repository;
    /** istiod scaling settings: `Default` (default) or `Large`. */
    scalingProfile?: ScalingProfile;
    /** Namespace to install the mesh components into, in every cluster. Default `istio-system`. */
    installNamespace?: string;
    /** What to do with existing Istio resources: `Abort` (default) or `Force`. */
    onConflict?: OnConflict;
    /** The Kubernetes platform of every cluster. Default: detected per cluster by the pre-flight. */
    platform?: Platform;
    /** Allow an in-place version change that skips a minor or goes down. Default false. */
    allowVersionSkew?: boolean;
    /** Remove the Istio CRDs when the mesh is deleted. Default false (they stay). */
    removeCrdsOnDelete?: boolean;
    /** Traffic capture: `Auto` (default). */
    trafficCaptureMode?: TrafficCaptureMode;
    /** Gateway API CRDs, for every cluster. */
    gatewayApi?: GatewayApi;
    /** Seconds each Helm release may take to become ready. Default 600. */
    timeoutSeconds?: number;
    /** Solo license key for multicluster. Handled as a secret. */
    license?: pulumi.Input<string>;
    /**
     * Helm values per chart for every cluster, merged over the values the component computes; a cluster's own
     * `values` are merged over these. Values another input decides are refused, naming the input.
     */
    values?: ChartValues;
    /** Let `values` override values the component owns; each such key is logged as a warning. Default false. */
    allowProtectedValueOverrides?: boolean;
    /** How the shared root of trust is made. Default: a generated RSA 4096 root. */
    rootOfTrust?: RootOfTrustSettings;
    /**
     * East-west gateway settings for every cluster (exposure, annotations, replicas, PodDisruptionBudget...); a
     * cluster's own `eastWestGateway` is merged over them. Addresses are per cluster (`clusters[].eastWestGateway.address`).
     * A cluster whose own gateway is a NodePort one is not bound by the mesh's `exposure` and `loadBalancerSourceRanges`.
     */
    eastWestGateway?: EastWestGateway;
    /**
     * How a version change reaches istiod on every cluster: `InPlace` (default) or `RevisionBased` (a canary revision
     * per cluster; README, "Canary upgrades with revisions"). A cluster's own `upgradeStrategy` replaces it.
     */
    upgradeStrategy?: UpgradeStrategy;
    /** Revision tags on every cluster (RevisionBased); a cluster's own `revisionTags` replace them. */
    revisionTags?: RevisionTag[];
    /** Seconds an unused old revision is kept before an update removes it (RevisionBased, or InPlace going back from revisions). Default 30. */
    inactiveRevisionDeletionGracePeriodSeconds?: number;
    /** Revisions to remove although pods use them, on every cluster (RevisionBased, or InPlace going back from revisions). */
    forceRemoveRevisions?: string[];
}

/** The readiness of one cluster of the mesh. */
export interface MeshClusterStatus {
    /** The cluster name. */
    cluster: string;
    /** @deprecated The cluster name: renamed to `cluster` (published under both names until 0.3). */
    name: string;
    /** The cluster's network. */
    network: string;
    /** The cluster's trust domain. */
    trustDomain: string;
    /** The cluster's ServiceMeshController phase. */
    phase: Phase;
    /** The cluster's readiness conditions. */
    conditions: Condition[];
    /** The cluster's east-west gateway address. */
    eastWestAddress: string;
    /** The cluster's east-west gateway: exposure, addresses, ports, replicas ready. */
    eastWest: EastWestGatewayState;
    /** @deprecated When the cluster's intermediate CA certificate expires: given once, as `trust.intermediateExpiry` (published here too until 0.3). */
    intermediateExpiry: string;
    /** The roots its cacerts trusts, the root that issued its intermediate, and days until each expires. */
    trust: ClusterTrust;
    /** The revision its `version` installs (`default` for InPlace). */
    activeRevision: string;
    /** RevisionBased: its istiod revisions with readiness and the pods using each. */
    revisions: RevisionState[];
    /** RevisionBased: where its revision tags point. */
    revisionTags: RevisionTagState[];
    /** The Gateway API bundle in force on the cluster after the update, and whether the mesh manages it. */
    gatewayApi: GatewayApiState;
}

/** The Helm values applied to one release of one cluster (its computed values with the `values` overrides merged over them). */
export interface MeshAppliedValues {
    /** The cluster name. */
    cluster: string;
    /** The release name, e.g. `istiod`. */
    release: string;
    /** The chart name, e.g. `istiod`. */
    chart: string;
    /** The values passed to Helm (chart defaults aside). */
    values: Record<string, any>;
}

/** The state of one link, from the peer Gateway's status. */
export interface MeshLinkStatus {
    /** The sending cluster. */
    from: string;
    /** The receiving cluster. */
    to: string;
    /** The peer Gateway in `from` (`<namespace>/istio-remote-peer-<to network>`). */
    gateway: string;
    /** The address of `to`'s east-west gateway the link points at. */
    eastWestAddress: string;
    /** @deprecated Renamed to `eastWestAddress` (published under both names until 0.3). */
    address: string;
    /** Whether the Gateway reports Accepted=True. */
    accepted: boolean;
    /** Whether the Gateway reports Programmed=True. */
    programmed: boolean;
    /** Replicas of `to`'s east-west gateway ready to take the link's traffic. */
    peerReadyReplicas: number;
    /** The link is up: Accepted and Programmed, and `to`'s east-west gateway has a ready replica. */
    ready: boolean;
    /** What is missing when the link is not up, or the Accepted condition's reason and message. */
    message: string;
}
