// Pure rendering of a multicluster member's east-west gateway: the Gateway the seed shows (`istioctl multicluster
// expose`), shaped for real networks, and the ConfigMap its `spec.infrastructure.parametersRef` points at. istiod, not
// the charts, turns these into the gateway's Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget
// (pilot/pkg/config/kube/gateway*/deploymentcontroller.go): infrastructure labels and annotations are copied onto them
// (keys under gateway.networking.k8s.io/ dropped), and each ConfigMap key is a strategic merge patch of one kind.
import { createHash } from "crypto";
import { EASTWEST_GATEWAY_NAME, GatewayManifest, LISTENER_PORTS, eastWestListeners } from "./gateways";
import type { PlatformName } from "../preflight/platform";

/** The resolved east-west settings of one member (spec/validate.ts fills the defaults). */
export interface EastWestSpec {
    namespace: string;
    /** A fixed address peers use; the component then does not wait for one. */
    address?: string;
    serviceType: "LoadBalancer" | "NodePort";
    exposure: "Internal" | "Public";
    annotations: Record<string, string>;
    labels: Record<string, string>;
    loadBalancerSourceRanges: string[];
    /** Fixed node ports of a NodePort gateway. */
    nodePorts?: { crossNetwork?: number; xds?: number };
    /** Fixed replicas (undefined with autoscaling). */
    replicas?: number;
    autoscaling?: { minReplicas: number; maxReplicas: number; cpuUtilization: number };
    podDisruptionBudget: boolean;
    antiAffinity: "Preferred" | "Required" | "None";
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    /** The Gateway references the parameters ConfigMap (istiod reads it from 1.26). */
    parameters: boolean;
}

/** The ConfigMap the Gateway's parametersRef names, in the gateway's namespace (istiod reads it there). */
export const EASTWEST_PARAMETERS_NAME = "istio-eastwest-parameters";

/** The Gateway annotation istiod reads the generated Service's type from (annotation.NetworkingServiceType). */
export const SERVICE_TYPE_ANNOTATION = "networking.istio.io/service-type";

/**
 * Solo's peering annotations: on the east-west Gateway, which of its Service's addresses carry the data plane; on a
 * peer (istio-remote) Gateway, which one the sending cluster prefers. The xDS address stays the Gateway's address.
 */
export const DATA_PLANE_SERVICE_TYPE = "peering.solo.io/data-plane-service-type";
export const PREFERRED_DATA_PLANE_SERVICE_TYPE = "peering.solo.io/preferred-data-plane-service-type";

/** The label istiod puts on the gateway's pods (label.IoK8sNetworkingGatewayGatewayName), to select them. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/**
 * The internal load balancer annotations per platform, as each cloud's load balancer controller reads them. EKS needs
 * the AWS Load Balancer Controller (the in-tree controller makes a Classic ELB and ignores the scheme annotation).
 */
export const INTERNAL_LB_ANNOTATIONS: Partial<Record<PlatformName, Record<string, string>>> = {
    EKS: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    },
    GKE: { "networking.gke.io/load-balancer-type": "Internal" },
    AKS: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
};

/** cloud-provider-azure: deny sources outside loadBalancerSourceRanges, VNet included (consts.go). */
export const AKS_DENY_OTHER_SOURCES = "service.beta.kubernetes.io/azure-deny-all-except-load-balancer-source-ranges";

/** Platforms whose plain LoadBalancer Service gets an internet-facing address. */
export const PUBLIC_CLOUDS: readonly PlatformName[] = ["EKS", "GKE", "AKS"];

/** Annotation keys (of any platform) that make a load balancer internal when the user sets them. */
const INTERNAL_KEYS: Record<string, (value: string) => boolean> = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": (v) => v === "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": (v) => v === "true" || v === "0.0.0.0/0",
    "networking.gke.io/load-balancer-type": (v) => v.toLowerCase() === "internal",
    "cloud.google.com/load-balancer-type": (v) => v.toLowerCase() === "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": (v) => v === "true",
};

/** Whether the user's own annotations already ask for an internal load balancer. */
export function annotationsMakeInternal(annotations: Record<string, string>): boolean {
    return Object.entries(annotations).some(([k, v]) => INTERNAL_KEYS[k]?.(v) ?? false);
}

export interface Exposure {
    /** Annotations for the generated Service (and Deployment): the platform's internal ones, then the user's. */
    annotations: Record<string, string>;
    /** Why the exposure cannot be rendered on this platform (a refusal, naming the field). */
    problem?: string;
    /** A warning for the preview: the address would face the internet. */
    warning?: string;
}

/** The annotations an exposure needs on a platform, or why it cannot be had there. */
export function exposureFor(ew: EastWestSpec, platform: PlatformName): Exposure {
    const own = ew.annotations;
    if (ew.serviceType !== "LoadBalancer") {
        return { annotations: own };
    }
    if (ew.exposure === "Internal") {
        const mapped = INTERNAL_LB_ANNOTATIONS[platform];
        if (mapped) {
            // Azure's NSG admits the whole VNet to an internal load balancer unless told to keep to the ranges.
            const ranges: Record<string, string> = platform === "AKS" && ew.loadBalancerSourceRanges.length ? { [AKS_DENY_OTHER_SOURCES]: "true" } : {};
            return { annotations: { ...mapped, ...ranges, ...own } };
        }
        if (annotationsMakeInternal(own) || Object.keys(own).length) {
            // The user said how their load balancer becomes internal (MetalLB pools, OpenShift on a cloud...).
            return { annotations: own };
        }
        return {
            annotations: own,
            problem: `eastWestGateway.exposure: Internal has no load balancer mapping on platform ${platform} (got "Internal"); allowed: on EKS, GKE or AKS as is (set the platform input where the pre-flight cannot read the cluster), elsewhere with eastWestGateway.annotations that make the load balancer internal (e.g. a MetalLB address pool), or serviceType NodePort, or exposure Public`,
        };
    }
    const internal = annotationsMakeInternal(own);
    if (PUBLIC_CLOUDS.includes(platform) && !internal && ew.loadBalancerSourceRanges.length === 0) {
        return {
            annotations: own,
            warning: `the east-west gateway gets an internet-facing ${platform} load balancer that exposes HBONE (15008) and istiod's xDS (15012) to any address; set eastWestGateway.exposure: Internal, or loadBalancerSourceRanges to the peers' CIDRs`,
        };
    }
    return { annotations: own };
}

/** The east-west Gateway: HBONE and istiod's xDS passthrough, shaped by the infrastructure settings. */
export function eastWestGatewayManifest(ew: EastWestSpec, network: string, cluster: string, annotations: Record<string, string>): GatewayManifest {
    const gateway: GatewayManifest = {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: EASTWEST_GATEWAY_NAME,
            namespace: ew.namespace,
            labels: { "istio.io/expose-istiod": "15012", "topology.istio.io/network": network, "topology.istio.io/cluster": cluster },
            // istiod reads the Service type from here; Solo's peering then sends peers the nodes and the HBONE node port.
            ...(ew.serviceType === "NodePort"
                ? { annotations: { [SERVICE_TYPE_ANNOTATION]: "NodePort", [DATA_PLANE_SERVICE_TYPE]: "nodeport" } }
                : {}),
        },
        spec: {
            gatewayClassName: "istio-eastwest",
            listeners: eastWestListeners(),
            // Infrastructure labels replace the Gateway's own on what istiod generates: keep the network label there.
            infrastructure: {
                labels: { ...ew.labels, "topology.istio.io/network": network },
                annotations: { ...annotations, [RENDERED_FROM_ANNOTATION]: renderedFrom(ew) },
                ...(ew.parameters ? { parametersRef: { group: "" as const, kind: "ConfigMap" as const, name: EASTWEST_PARAMETERS_NAME } } : {}),
            },
        },
    };
    return gateway;
}

/**
 * A digest of what istiod renders the gateway from beyond the Gateway's spec (the ConfigMap, the Service type). In the
 * spec, a change of either bumps the Gateway's generation, so the update waits until istiod reports Programmed for
 * the new generation, not the old one, before the generated objects are read back.
 */
export const RENDERED_FROM_ANNOTATION = "servicemesh.pulumi.com/rendered-from";

export function renderedFrom(ew: EastWestSpec): string {
    const input = JSON.stringify([ew.serviceType, ew.parameters ? eastWestParameters(ew) : {}]);
    return createHash("sha256").update(input).digest("hex").slice(0, 16);
}

/** The parametersRef ConfigMap's data: one strategic merge patch (YAML; JSON is YAML) per kind istiod generates. */
export function eastWestParameters(ew: EastWestSpec): Record<string, string> {
    const data: Record<string, object> = { deployment: { spec: deploymentPatch(ew) } };
    if (ew.serviceType === "LoadBalancer" && ew.loadBalancerSourceRanges.length) {
        data.service = { spec: { loadBalancerSourceRanges: ew.loadBalancerSourceRanges } };
    }
    const fixed = [
        [LISTENER_PORTS.crossNetwork, ew.nodePorts?.crossNetwork],
        [LISTENER_PORTS.xds, ew.nodePorts?.xds],
    ].filter(([, nodePort]) => nodePort !== undefined);
    if (ew.serviceType === "NodePort" && fixed.length) {
        // Strategic merge: Service ports merge by `port`, so only the node ports are added.
        data.service = { spec: { ports: fixed.map(([port, nodePort]) => ({ port, nodePort })) } };
    }
    if (ew.autoscaling) {
        const { minReplicas, maxReplicas, cpuUtilization } = ew.autoscaling;
        data.horizontalPodAutoscaler = {
            spec: {
                minReplicas,
                maxReplicas,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpuUtilization } } }],
            },
        };
    }
    if (ew.podDisruptionBudget) {
        data.podDisruptionBudget = { spec: { minAvailable: 1 } };
    }
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, JSON.stringify(v, null, 2) + "\n"]));
}

/** The ConfigMap keys a spec needs (checked against what the minor's istiod accepts). */
export function parameterKeys(ew: EastWestSpec): string[] {
    return Object.keys(eastWestParameters(ew));
}

function deploymentPatch(ew: EastWestSpec): object {
    const selector = { matchLabels: { [GATEWAY_NAME_LABEL]: EASTWEST_GATEWAY_NAME } };
    const hostTerm = { topologyKey: "kubernetes.io/hostname", labelSelector: selector };
    const podSpec: Record<string, unknown> = {};
    if (ew.antiAffinity === "Required") {
        podSpec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm] } };
    } else if (ew.antiAffinity === "Preferred") {
        podSpec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostTerm }] } };
    }
    if (ew.antiAffinity !== "None") {
        podSpec.topologySpreadConstraints = [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: selector },
        ];
    }
    if (ew.resources) {
        // Strategic merge: the container named istio-proxy is patched, the others are kept.
        podSpec.containers = [{ name: "istio-proxy", resources: ew.resources }];
    }
    return {
        // With an autoscaler, the HPA owns the count (istiod leaves replicas unset then).
        ...(ew.replicas !== undefined && !ew.autoscaling ? { replicas: ew.replicas } : {}),
        ...(Object.keys(podSpec).length ? { template: { spec: podSpec } } : {}),
    };
}
