// The public input and output types of ServiceMeshController. Pulumi infers the package schema (and so every
// language's SDK) from these declarations, so they use only what inference supports: named interfaces, TS enums,
// arrays and JSDoc. Fields that shape the resource graph (which releases exist, which charts, which namespace) are
// plain, not Input<T>: they must be known at preview so that validation is complete before anything is registered.
import * as pulumi from "@pulumi/pulumi";
import { Cacerts } from "../trust/args";

/** The dataplane mode of the mesh. */
export enum DataplaneMode {
    /** Sidecar-less mesh: ztunnel on every node, optional waypoints for L7. */
    Ambient = "Ambient",
    /** Classic mesh: an Envoy sidecar injected into every workload pod. */
    Sidecar = "Sidecar",
}

/** Which image build of the Solo distribution of Istio to run. */
export enum Distribution {
    /** The standard images (tag `<version>-solo`). */
    Standard = "Standard",
    /** FIPS 140-2 compliant images (tag `<version>-solo-fips`). */
    FIPS = "FIPS",
}

/** What to do when the cluster already holds Istio resources that this component does not own. */
export enum OnConflict {
    /** Take the existing resources over and converge them to this spec. */
    Force = "Force",
    /** Leave the existing resources unchanged and fail before changing anything. */
    Abort = "Abort",
}

/**
 * The Kubernetes platform, for the platform-specific chart values (Istio's `global.platform` overlay: CNI paths,
 * OpenShift security contexts, ...). Unset: detected by the pre-flight checks.
 */
export enum Platform {
    /** Google Kubernetes Engine (`global.platform=gke` from Istio 1.25). */
    GKE = "GKE",
    /** Amazon EKS (no chart overlay; see the README for the VPC CNI settings). */
    EKS = "EKS",
    /** Red Hat OpenShift (`global.platform=openshift` from 1.24). */
    OpenShift = "OpenShift",
    /** k3s (`global.platform=k3s` from 1.24). */
    K3s = "K3s",
    /** k3d (`global.platform=k3d` from 1.24). */
    K3d = "K3d",
    /** MicroK8s (`global.platform=microk8s` from 1.24). */
    MicroK8s = "MicroK8s",
    /** minikube (`global.platform=minikube` from 1.24). */
    Minikube = "Minikube",
    /** Any other cluster: no platform-specific values. */
    Generic = "Generic",
}

/** istiod scaling settings, exactly as the Gloo operator defines them. */
export enum ScalingProfile {
    /** Requests 1000m CPU / 1Gi, limits 2000m / 2Gi, autoscaling 2–25 replicas at 80% CPU. */
    Default = "Default",
    /** Requests and limits 4000m CPU / 4Gi, autoscaling 4–50 replicas at 75% CPU. */
    Large = "Large",
}

/** How workload traffic is redirected into the mesh. */
export enum TrafficCaptureMode {
    /** Pick the best mechanism for the environment: the Istio CNI node agent. */
    Auto = "Auto",
    /** An `istio-init` init container (NET_ADMIN) in every pod. Only valid with dataplaneMode Sidecar. */
    InitContainer = "InitContainer",
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
     * `https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml`.
     */
    manifest?: string;
}

/** The east-west gateway of a multicluster member: namespace `istio-eastwest` and Gateway `istio-eastwest`. */
export interface EastWestGateway {
    /**
     * The address peers reach this cluster's east-west gateway at, when it is fixed in advance (static IPs, NodePort
     * setups): an IP address or a host name. The component then does not wait for the gateway to get an address.
     */
    address?: string;
    /** Namespace of the east-west gateway. Default `istio-eastwest`. */
    namespace?: string;
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
    /** The Istio patch version to install, `1.x.y` with no tags (e.g. `1.24.3`). Ambient needs 1.22.3 or later. */
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
     * Allow an in-place version change that skips a minor or goes down (e.g. 1.24.3 → 1.26.1, or 1.25.2 → 1.24.3).
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
     * Kubernetes provider; otherwise it uses the `provider`/`providers` resource option or the ambient
     * kubeconfig. Always handled as a secret.
     */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Context of `kubeconfig` (or, without it, of the ambient kubeconfig) to use; set, the component builds its own
     * Kubernetes provider for it. Default: the kubeconfig's current context.
     */
    context?: pulumi.Input<string>;
}

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
    /** The bundle version in force, e.g. `v1.5.1` (`unknown` when its CRDs do not say; empty when not installed). */
    version: string;
    /** Its channel, `standard` or `experimental`. */
    channel: string;
    /** True when this component applies (and upgrades) the bundle; false when it leaves the cluster's own alone. */
    managed: boolean;
    /** `install`, `upgrade` (an older standard bundle applied by someone else), `manage` (its own), `leave` or `disabled`. */
    action: string;
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
