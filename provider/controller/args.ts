// The public input and output types of ServiceMeshController. Pulumi infers the package schema (and so every
// language's SDK) from these declarations, so they use only what inference supports: named interfaces, enums,
// arrays and JSDoc. Enums are `as const` objects with a type of their values (the form Pulumi's analyzer reads as a
// schema enum, and the form the generated Node.js SDK has): TypeScript accepts `DataplaneMode.Ambient` and "Ambient"
// alike, as every other language's SDK does. Fields that shape the resource graph (which releases exist, which charts, which namespace) are
// plain, not Input<T>: they must be known at preview so that validation is complete before anything is registered.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cacerts } from "../trust/args";

/** The dataplane mode of the mesh. */
export const DataplaneMode = {
    /** Sidecar-less mesh: ztunnel on every node, optional waypoints for L7. */
    Ambient: "Ambient",
    /** Classic mesh: an Envoy sidecar injected into every workload pod. */
    Sidecar: "Sidecar",
} as const;
export type DataplaneMode = (typeof DataplaneMode)[keyof typeof DataplaneMode];

/** Which image build of the Solo distribution of Istio to run. */
export const Distribution = {
    /** The standard images (tag `<version>-solo`). */
    Standard: "Standard",
    /** FIPS 140-2 compliant images (tag `<version>-solo-fips`). */
    FIPS: "FIPS",
} as const;
export type Distribution = (typeof Distribution)[keyof typeof Distribution];

/** What to do when the cluster already holds Istio resources that this component does not own. */
export const OnConflict = {
    /** Take the existing resources over and converge them to this spec. */
    Force: "Force",
    /** Leave the existing resources unchanged and fail before changing anything. */
    Abort: "Abort",
} as const;
export type OnConflict = (typeof OnConflict)[keyof typeof OnConflict];

/**
 * The Kubernetes platform, for the platform-specific chart values (Istio's `global.platform` overlay: CNI paths,
 * OpenShift security contexts, ...). Unset: detected by the pre-flight checks.
 */
export const Platform = {
    /** Google Kubernetes Engine (`global.platform=gke` from Istio 1.25). */
    GKE: "GKE",
    /** Amazon EKS (no chart overlay; see the README for the VPC CNI settings). */
    EKS: "EKS",
    /** Azure Kubernetes Service (no chart overlay). */
    AKS: "AKS",
    /** Red Hat OpenShift (`global.platform=openshift` from 1.24). */
    OpenShift: "OpenShift",
    /** k3s (`global.platform=k3s` from 1.24). */
    K3s: "K3s",
    /** k3d (`global.platform=k3d` from 1.24). */
    K3d: "K3d",
    /** MicroK8s (`global.platform=microk8s` from 1.24). */
    MicroK8s: "MicroK8s",
    /** minikube (`global.platform=minikube` from 1.24). */
    Minikube: "Minikube",
    /** Any other cluster: no platform-specific values. */
    Generic: "Generic",
} as const;
export type Platform = (typeof Platform)[keyof typeof Platform];

/** istiod scaling settings, exactly as the Gloo operator defines them. */
export const ScalingProfile = {
    /** Requests 1000m CPU / 1Gi, limits 2000m / 2Gi, autoscaling 2–25 replicas at 80% CPU. */
    Default: "Default",
    /** Requests and limits 4000m CPU / 4Gi, autoscaling 4–50 replicas at 75% CPU. */
    Large: "Large",
} as const;
export type ScalingProfile = (typeof ScalingProfile)[keyof typeof ScalingProfile];

/** How workload traffic is redirected into the mesh. */
export const TrafficCaptureMode = {
    /** Pick the best mechanism for the environment: the Istio CNI node agent. */
    Auto: "Auto",
    /** An `istio-init` init container (NET_ADMIN) in every pod. Only valid with dataplaneMode Sidecar. */
    InitContainer: "InitContainer",
} as const;
export type TrafficCaptureMode = (typeof TrafficCaptureMode)[keyof typeof TrafficCaptureMode];

/** How a version change reaches istiod. */
export const UpgradeStrategy = {
    /** One istiod, upgraded in place by `helm upgrade` (every proxy gets its config from the new istiod at once). */
    InPlace: "InPlace",
    /**
     * istiod runs as a revision named after its version (`1-31-1`, release `istiod-1-31-1`); a new version installs a
     * new revision next to the old one, and revision tags say which namespaces use which.
     */
    RevisionBased: "RevisionBased",
} as const;
export type UpgradeStrategy = (typeof UpgradeStrategy)[keyof typeof UpgradeStrategy];

/** A revision tag: namespaces labelled `istio.io/rev=<name>` (or `istio-injection=enabled` for `default`) use its revision. */
export interface RevisionTag {
    /** The tag name, a DNS label, e.g. `prod-stable`. `default` also serves `istio-injection=enabled` and istiod's default validation. */
    name: string;
    /**
     * The revision it points at: an installed revision's version (`1.30.2`) or name (`1-30-2`). Default: the active
     * revision (the one `version` installs). Moving a tag is one update; pods move at their next restart.
     */
    revision?: string;
}

/** Where the Istio container images come from. */
export interface Image {
    /**
     * Image repository (registry host and path, without the image name), e.g. a private mirror. Defaults to the
     * Solo distribution repository of the version's minor, `us-docker.pkg.dev/gloo-mesh/istio-<repo key>`.
     */
    repository?: string;
    /**
     * Names of `kubernetes.io/dockerconfigjson` Secrets in the install namespace used to pull the images. They are
     * set as `imagePullSecrets` on every chart.
     */
    secrets?: string[];
}

/** Where the Helm charts come from. */
export interface Repository {
    /**
     * Chart repository: `oci://host/path` (charts are `<url>/<chart>`) or an `https://` / `http://` Helm repository
     * with an `index.yaml`. Defaults to the Solo repository of the version's minor,
     * `oci://us-docker.pkg.dev/gloo-mesh/istio-helm-<repo key>`.
     */
    url?: string;
    /**
     * `kubernetes.io/dockerconfigjson` Secrets holding credentials for the chart repository, as `name` (in the
     * install namespace) or `namespace/name`. The component reads them from the cluster and authenticates every
     * chart pull with the entry matching the repository host. Credentials stay Pulumi secrets.
     */
    secrets?: string[];
    /** If true, the repository server's certificate chain and host name are not verified. */
    insecureSkipVerify?: boolean;
}

/** The Kubernetes Gateway API CRDs that waypoints and east-west gateways need. */
export interface GatewayApi {
    /**
     * Install the Gateway API CRDs. Default true. CRDs already in the cluster at the same or a newer bundle, from the
     * experimental channel, or managed by another tool are left alone; an older standard bundle is upgraded.
     */
    install?: boolean;
    /**
     * The bundle manifest to apply: a local file path or an http(s) URL (fetched by the component). Default: the
     * standard channel of the Gateway API release the Istio minor is built against, e.g. for 1.30
     * `https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.0/standard-install.yaml`.
     */
    manifest?: string;
}

/** How the east-west gateway's Service is exposed to the peers. */
export const EastWestServiceType = {
    /** A cloud (or MetalLB, kube-vip...) load balancer in front of the gateway: peers reach its address. */
    LoadBalancer: "LoadBalancer",
    /**
     * A NodePort Service: peers reach the nodes' addresses on the node ports (Solo Istio 1.28 or later, beta there).
     * For networks where every node is routable from the peers and load balancers are not wanted (on-premises).
     */
    NodePort: "NodePort",
} as const;
export type EastWestServiceType = (typeof EastWestServiceType)[keyof typeof EastWestServiceType];

/** Who can reach a LoadBalancer east-west gateway. */
export const Exposure = {
    /**
     * Only the private network: the component sets the internal load balancer annotations of the platform (EKS: AWS
     * Load Balancer Controller NLB, scheme internal; GKE: `networking.gke.io/load-balancer-type: Internal`; AKS:
     * `service.beta.kubernetes.io/azure-load-balancer-internal`). Refused on a platform it has no mapping for, unless
     * `annotations` say how.
     */
    Internal: "Internal",
    /** Whatever the platform makes of a plain LoadBalancer Service: on a public cloud, an internet-facing address. */
    Public: "Public",
} as const;
export type Exposure = (typeof Exposure)[keyof typeof Exposure];

/** Pod anti-affinity of the east-west gateway's replicas. */
export const AntiAffinity = {
    /** Spread replicas over nodes and zones when the scheduler can (preferred anti-affinity, zone spread). */
    Preferred: "Preferred",
    /** Never two replicas on one node (required anti-affinity); a replica stays Pending when no node is free. */
    Required: "Required",
    /** No anti-affinity. */
    None: "None",
} as const;
export type AntiAffinity = (typeof AntiAffinity)[keyof typeof AntiAffinity];

/** CPU and memory of one kind (requests or limits), as Kubernetes quantities. */
export interface ResourceQuantities {
    /** e.g. `500m`. */
    cpu?: string;
    /** e.g. `512Mi`. */
    memory?: string;
}

/** Container resources of the east-west gateway. */
export interface ResourceRequirements {
    /** What the scheduler reserves for the container. */
    requests?: ResourceQuantities;
    /** The most the container may use. */
    limits?: ResourceQuantities;
}

/** Horizontal autoscaling of the east-west gateway, instead of a fixed replica count. */
export interface EastWestAutoscaling {
    /** Fewest replicas. Default 2. */
    minReplicas?: number;
    /** Most replicas. */
    maxReplicas: number;
    /** Target average CPU utilisation, in percent of the requests. Default 80. */
    cpuUtilization?: number;
}

/**
 * The east-west gateway of a multicluster member: namespace `istio-eastwest` and Gateway `istio-eastwest`. istiod
 * generates its Deployment and Service from the Gateway; the component shapes them through the Gateway's
 * `spec.infrastructure` (labels, annotations) and a ConfigMap it references (`parametersRef`: replicas, affinity,
 * resources, PodDisruptionBudget, autoscaler, Service settings). Defaults follow Solo's peering guidance: two replicas
 * spread over nodes and a PodDisruptionBudget of one.
 */
export interface EastWestGateway {
    /**
     * The address peers reach this cluster's east-west gateway at, when it is fixed in advance (a static IP, a DNS
     * name in front of the nodes): an IP address or a host name. The component then does not wait for the gateway to
     * get an address.
     */
    address?: string;
    /** Namespace of the east-west gateway. Default `istio-eastwest`. */
    namespace?: string;
    /** `LoadBalancer` (default) or `NodePort` (Solo Istio 1.28 or later). */
    serviceType?: EastWestServiceType;
    /**
     * For a LoadBalancer: `Internal` (the platform's internal load balancer annotations) or `Public`. Default
     * `Public`; on EKS, GKE and AKS the preview then warns that ports 15008 and 15012 face the internet unless
     * `loadBalancerSourceRanges` restrict them.
     */
    exposure?: Exposure;
    /** Annotations for the generated Service and Deployment (e.g. a cloud's load balancer settings). */
    annotations?: Record<string, string>;
    /** Labels for the generated Service and Deployment. */
    labels?: Record<string, string>;
    /** CIDRs allowed to reach a LoadBalancer gateway (the Service's `loadBalancerSourceRanges`). */
    loadBalancerSourceRanges?: string[];
    /** Fixed node ports of a NodePort gateway, so firewalls can name them. Default: assigned by Kubernetes. */
    nodePorts?: EastWestPorts;
    /** Replicas of the gateway when not autoscaled. Default 2. */
    replicas?: number;
    /** Autoscale the gateway between min and max replicas (a HorizontalPodAutoscaler) instead of `replicas`. */
    autoscaling?: EastWestAutoscaling;
    /**
     * Keep at least one replica through voluntary disruptions (node drains, upgrades): a PodDisruptionBudget with
     * `minAvailable: 1`. Default true when the gateway runs two or more replicas.
     */
    podDisruptionBudget?: boolean;
    /** Pod anti-affinity of the replicas: `Preferred` (default), `Required` or `None`. */
    antiAffinity?: AntiAffinity;
    /**
     * Container resources of the gateway's istio-proxy. Default: the istiod chart's `global.waypoint.resources`
     * (requests 100m CPU and 128Mi, limits 2 CPUs and 1Gi in 1.30).
     */
    resources?: ResourceRequirements;
}

/**
 * Helm values per chart, for what the other inputs do not cover (istiod's meshConfig, resources, tolerations, node
 * selectors, pod annotations, extra environment...). Merged over the values the component computes: chart defaults ←
 * computed values ← these (deep merge; lists replace). Values that carry another input's meaning are refused, naming
 * that input.
 */
export interface ChartValues {
    /** Values of the `base` chart (release `istio-base`). */
    base?: pulumi.Input<Record<string, any>>;
    /** Values of the `istiod` chart, e.g. `{meshConfig: {accessLogFile: "/dev/stdout"}}`. */
    istiod?: pulumi.Input<Record<string, any>>;
    /** Values of the `cni` chart (release `istio-cni`), e.g. `{cni: {ambient: {dnsCapture: true}}}`. */
    cni?: pulumi.Input<Record<string, any>>;
    /** Values of the `ztunnel` chart, e.g. `{resources: {requests: {cpu: "500m", memory: "1Gi"}}}`. */
    ztunnel?: pulumi.Input<Record<string, any>>;
}

/** The inputs of ServiceMeshController: the fields of the Gloo operator's ServiceMeshController resource, plus how to reach the cluster. */
export interface ServiceMeshControllerArgs {
    /** The Istio patch version to install, `1.x.y` with no tags (e.g. `1.31.1`). Ambient needs 1.22.3 or later. */
    version: string;
    /** The name of the cluster. Sets istiod's cluster ID and, when `trustDomain` is unset, the trust domain. */
    cluster?: string;
    /** The network of this cluster's workloads (e.g. the cluster name). Labels the install namespace `topology.istio.io/network`. */
    network?: string;
    /** The dataplane mode: `Ambient` (default) or `Sidecar`. */
    dataplaneMode?: DataplaneMode;
    /** The image distribution: `Standard` (default) or `FIPS`. */
    distribution?: Distribution;
    /** Container image source and pull secrets. */
    image?: Image;
    /** Namespace to install the mesh components into. Default `istio-system`. */
    installNamespace?: string;
    /**
     * What to do when the pre-flight finds Istio installed by something else (Helm releases of Istio charts, istiod
     * Deployments, Istio webhooks, IstioOperator / Sail / Gloo operator resources): `Abort` (default) fails before any
     * change, listing them; `Force` takes over Helm releases of this component's names in the install namespace and
     * upgrades them to this spec (anything else still fails).
     */
    onConflict?: OnConflict;
    /**
     * The Kubernetes platform, for Istio's platform chart values. Default: detected from the cluster by the pre-flight
     * (API groups, server version, node labels); `Generic` when the cluster cannot be read.
     */
    platform?: Platform;
    /**
     * Allow an in-place version change that skips a minor or goes down (e.g. skipping 1.30 from 1.29.3 to 1.31.1, or going back from 1.31.1 to 1.30.2).
     * Default false: the pre-flight refuses it, naming the version deployed in the cluster and the one requested.
     */
    allowVersionSkew?: boolean;
    /**
     * Remove the Istio CRDs (and so every Istio resource in the cluster) when the component is deleted. Default false:
     * the CRDs stay, as Istio's base chart marks them `helm.sh/resource-policy: keep`. Needs Istio 1.24 or later.
     */
    removeCrdsOnDelete?: boolean;
    /** Helm chart source, credentials and TLS verification. */
    repository?: Repository;
    /** istiod scaling settings: `Default` (default) or `Large`. */
    scalingProfile?: ScalingProfile;
    /** Traffic capture: `Auto` (default, the Istio CNI) or `InitContainer` (Sidecar only). */
    trafficCaptureMode?: TrafficCaptureMode;
    /** The trust domain of the mesh's workloads. Default: `cluster` when set, else `cluster.local`. */
    trustDomain?: string;
    /** Gateway API CRDs: installed by default (the standard channel of the bundle the Istio minor is built against, 1.31: v1.6.0). */
    gatewayApi?: GatewayApi;
    /**
     * Create the install namespace (default true). Set false when the namespace already exists, for example because
     * it holds the image pull secrets; the component then only adds the network label to it.
     */
    createNamespace?: boolean;
    /**
     * Plug-in CA material (`ca-cert.pem`, `ca-key.pem`, `root-cert.pem`, `cert-chain.pem`), e.g. one entry of
     * RootOfTrust's `cacerts`. Written to the Secret `cacerts` in the install namespace before istiod starts, so the
     * cluster's workload certificates chain to a root shared with other clusters. Checked before use. Two roots in
     * `rootCertPem` (the middle stages of a root rotation) run istiod multi-root and roll out istiod, then ztunnel;
     * the pre-flight refuses a change from the deployed `cacerts` that would break mTLS (README: Rotating the root of trust).
     */
    cacerts?: pulumi.Input<Cacerts>;
    /**
     * Make this cluster a multicluster member: creates the east-west gateway and turns on the Solo distribution's
     * multicluster values (peering, trust-domain validation skips). Needs Ambient, version 1.24.3 or later, `cluster`
     * and `network`.
     */
    eastWestGateway?: EastWestGateway;
    /**
     * Solo license key, needed for multicluster. Kept in the Secret `solo-istio-license` of the install namespace and
     * referenced from the istiod chart (1.25+; on 1.24 it is passed as istiod's SOLO_LICENSE_KEY). Handled as a secret.
     */
    license?: pulumi.Input<string>;
    /** Seconds each Helm release may take to become ready before the update fails. Default 600. */
    timeoutSeconds?: number;
    /**
     * `InPlace` (default): a version change upgrades istiod in place. `RevisionBased`: istiod is installed as the
     * revision of its version and a version change installs the new revision next to the old one (canary upgrade);
     * the old one is removed once no pod uses it and the grace period has passed. Needs `kubeconfig` or `context`
     * (the pre-flight reads which revisions pods use); ambient needs 1.23 or later (ztunnel and istio-cni stay in place).
     * Back to `InPlace` (at the version tag `default` points at): the revision-less istiod takes tag `default`, the
     * revisions stay until unused and past the grace period; refused while namespaces are labelled with another tag.
     */
    upgradeStrategy?: UpgradeStrategy;
    /**
     * Revision tags (RevisionBased only). The tag `default` always exists and follows the active revision unless
     * listed here with another revision.
     */
    revisionTags?: RevisionTag[];
    /**
     * Seconds an installed revision that is neither active nor tagged must have been without pods before an update
     * removes it (RevisionBased, and InPlace going back from revisions). Default 30, as the Sail operator's
     * `inactiveRevisionDeletionGracePeriodSeconds`.
     */
    inactiveRevisionDeletionGracePeriodSeconds?: number;
    /**
     * Revisions (names, e.g. `1-30-2`) to remove although pods still use them: those pods keep running with the
     * old sidecar, but lose their control plane until restarted. Default none: a revision in use is never removed.
     */
    forceRemoveRevisions?: string[];
    /**
     * Helm values per chart (`base`, `istiod`, `cni`, `ztunnel`), merged over the values the component computes.
     * Overrides of values another input decides (hub, tag, variant, profile, cluster name, network, trust domain,
     * scaling figures, peering, license, ...) are refused, naming the input to use. Secrets inside stay secrets.
     */
    values?: ChartValues;
    /**
     * Let `values` override values the component owns; each such key is logged as a warning. Default false. The
     * component's readiness and upgrade logic assume its own values, so use it knowingly.
     */
    allowProtectedValueOverrides?: boolean;
    /**
     * Kubeconfig of the target cluster: its content or a file path. When set, the component builds its own
     * Kubernetes provider; otherwise it uses the `provider` input, the `provider`/`providers` resource option or the
     * ambient kubeconfig. Always handled as a secret.
     */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Context of `kubeconfig` (or, without it, of the ambient kubeconfig) to use; set, the component builds its own
     * Kubernetes provider for it. Default: the kubeconfig's current context.
     */
    context?: pulumi.Input<string>;
    /**
     * The Kubernetes provider that reaches the cluster, instead of `kubeconfig`/`context` or a provider resource
     * option. From Python, Go or YAML this is the way to hand over a provider the pre-flight can read.
     */
    provider?: k8s.Provider;
}

/** Where the mesh stands, as the Gloo operator reports a ServiceMeshController's phase. */
export const Phase = {
    /** Every readiness condition is True (for a mesh: every cluster, and every link is up). */
    SUCCEEDED: "SUCCEEDED",
    /** A Helm release failed (for a mesh: a cluster failed). */
    FAILED: "FAILED",
    /** Still converging: a condition is not True yet, or a link is not up. */
    PENDING: "PENDING",
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** One readiness condition, as the Gloo operator reports it in the ServiceMeshController status. */
export interface Condition {
    /** Initialized, CRDInstalled, ControlPlaneDeployed, CNIDeployed, ZtunnelDeployed, WebhookDeployed or Ready. */
    type: string;
    /** `True`, `False` or `Unknown`. */
    status: string;
    /** A CamelCase reason, e.g. `DeploymentSucceeded`. */
    reason: string;
    /** What was observed, in words. */
    message: string;
}

/** The Gateway API bundle in force on a cluster, as the pre-flight decided it. */
export interface GatewayApiState {
    /** The bundle version in force, e.g. `v1.6.0` (`unknown` when its CRDs do not say; empty when not installed). */
    version: string;
    /** Its channel, `standard` or `experimental`. */
    channel: string;
    /** True when this component applies (and upgrades) the bundle; false when it leaves the cluster's own alone. */
    managed: boolean;
    /** `install`, `upgrade` (an older standard bundle applied by someone else), `manage` (its own), `leave` or `disabled`. */
    action: string;
}

/** One istiod revision on the cluster (RevisionBased), with conditions as the Sail operator's IstioRevision reports them. */
export interface RevisionState {
    /** The revision name, e.g. `1-31-1` (`default` for an istiod installed before the switch to RevisionBased). */
    name: string;
    /** Its Istio version. */
    version: string;
    /** True for the revision `version` installs. */
    active: boolean;
    /** Whether its istiod Deployment has every desired replica ready. */
    ready: boolean;
    /**
     * Pods running it, read before the update: sidecars whose `sidecar.istio.io/status` reports it, other pods labelled
     * `istio.io/rev=<name>` (gateways, waypoints, ztunnel).
     */
    pods: number;
    /** The namespaces of those pods, `namespace=count`. */
    namespaces: string[];
    /**
     * Namespaces whose next pods it injects: labelled `istio.io/rev` with its name or a tag pointing at it (for tag
     * `default`, `istio-injection=enabled` too). A revision they name is kept.
     */
    labelledNamespaces: string[];
    /** The tags pointing at it. */
    tags: string[];
    /** `Ready` and `InUse` (True when pods run it, a tag points at it or a namespace is labelled for it). */
    conditions: Condition[];
}

/** Where a revision tag points. */
export interface RevisionTagState {
    /** The tag name. */
    name: string;
    /** The revision it points at. */
    revision: string;
}

/**
 * The Helm values the component applied to one release: the values it computed from the inputs, with the `values`
 * overrides merged over them. The chart's own defaults are not included (as `helm get values` shows a release).
 */
export interface AppliedValues {
    /** The release name, e.g. `istiod`. */
    release: string;
    /** The chart name, e.g. `istiod`. */
    chart: string;
    /** The values passed to Helm. */
    values: Record<string, any>;
}

/** The state of one Helm release, as Helm reports it. */
export interface ReleaseState {
    /** The release name, e.g. `istiod`. */
    name: string;
    /** The chart name, e.g. `istiod`. */
    chart: string;
    /** The chart version installed. */
    version: string;
    /** Helm's release status, e.g. `deployed` or `failed`. */
    status: string;
    /** The release revision. */
    revision: number;
    /** The release namespace. */
    namespace: string;
}

/** The east-west gateway of a multicluster member, as read from the cluster. */
export interface EastWestGatewayState {
    /** `LoadBalancer` or `NodePort`. */
    serviceType: string;
    /** `Internal` or `Public` (a NodePort gateway: `NodePort`). */
    exposure: string;
    /** The address peers reach it at (for a NodePort gateway, the first node address). */
    address: string;
    /** Every address peers may use: the load balancer's, or the nodes' for a NodePort gateway. */
    addresses: string[];
    /** The ports peers connect to: HBONE (15008 behind a load balancer) and istiod's xDS (15012). */
    ports: EastWestPorts;
    /** Replicas the gateway's Deployment wants. */
    replicas: number;
    /** Replicas ready. */
    readyReplicas: number;
    /** Whether istiod reports the Gateway Programmed=True. */
    programmed: boolean;
    /** What is missing, in words; empty when the gateway is ready. */
    message: string;
}

/**
 * What a multicluster member publishes for the clusters that link to it, from this stack or from another one through
 * a StackReference: everything `ClusterLink.to` needs, as one typed object (export it as a stack output and hand the
 * other stack's output to `ClusterLink.to` as is). Its gateway's replicas and its trust are as of this stack's last update.
 */
export interface MeshPeer {
    /** The cluster's name (istiod's cluster ID). */
    cluster: string;
    /** The cluster's network. */
    network: string;
    /** The cluster's trust domain. */
    trustDomain: string;
    /** The address peers reach its east-west gateway at. */
    eastWestAddress: string;
    /** Its east-west gateway's Service type: `LoadBalancer` or `NodePort` (a NodePort peer is reached on its node ports). */
    serviceType: string;
    /** The ports peers connect to (node ports for a NodePort gateway). */
    ports: EastWestPorts;
    /** Replicas its east-west gateway's Deployment wants. */
    replicas: number;
    /** Replicas of its east-west gateway that were ready: a link waits for at least one. */
    readyReplicas: number;
    /** SHA-256 fingerprints of the roots its `cacerts` trusts (empty without `cacerts`): a member stack refuses a root stage this cluster could not accept. */
    trustedRoots: string[];
    /** SHA-256 fingerprint of the root that issued its intermediate CA (empty without `cacerts`). */
    issuingRoot: string;
}

/** The ports of an east-west gateway as peers reach them. */
export interface EastWestPorts {
    /** HBONE, for workload traffic (`cross-network` listener): 15008, or its node port. */
    crossNetwork: number;
    /** istiod's xDS over TLS (`xds-tls` listener): 15012, or its node port. */
    xds: number;
}
