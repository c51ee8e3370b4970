// The part of istiod's Gateway API deployment controller a simulated cluster needs, for class istio-eastwest, written
// from istio's source (not copied): pilot/pkg/config/kube/gateway{,common}/deploymentcontroller.go (1.26–1.31) and the
// `waypoint` template it renders for the east-west class (manifests/charts/istio-control/istio-discovery/files/
// waypoint.yaml), and the status rules of gateway/conversion.go. What it honours:
// - names: Deployment and Service named after the Gateway (classInfo DisableNameSuffix), owned by the Gateway;
// - metadata: spec.infrastructure.labels/annotations when set, else the Gateway's own (extractInfrastructureMetadata),
//   keys under gateway.networking.k8s.io/ dropped (translateInfraMeta), on the Deployment, its pod template, the
//   Service, HPA and PDB; the label gateway.networking.k8s.io/gateway-name always set;
// - the Service type from the Gateway annotation networking.istio.io/service-type (default LoadBalancer);
// - spec.infrastructure.parametersRef to a ConfigMap in the Gateway's namespace: only the keys deployment, service,
//   serviceAccount, horizontalPodAutoscaler, podDisruptionBudget (supportedOverlays; another key renders nothing),
//   each a strategic merge patch (applied here by kubectl's own strategic merge, --local), HPA and PDB rendered only
//   when their key is present (requiredOverlays); a missing ConfigMap renders nothing;
// - status: for a LoadBalancer the Service's ingress address, Programmed=False AddressNotAssigned until there is one;
//   for a NodePort the ClusterIP and in-cluster host name (never node addresses); Programmed=True once the gateway
//   has a ready replica.
// Checked against istio 1.30.3: gatewaycommon/deploymentcontroller.go L396-449 (names, service type, metadata),
// L501-540 (extractInfrastructureMetadata, translateInfraMeta), L610-628 (parametersRef, missing ConfigMap), L667-737
// (supportedOverlays, requiredOverlays, strategic merge), L761-771 (fetchParameters: the Gateway's namespace);
// gatewaycommon/classinfo.go L156-166 (east-west class: LoadBalancer, no name suffix); gateway/conversion.go
// L1777-1860 (addresses, Programmed reasons); files/waypoint.yaml (the objects rendered). The key set is the same
// from 1.26.8 to 1.31.0-rc.0.
// What it cannot show: the Envoy configuration istiod would push, real traffic, and Solo's peering over xDS.
import { createHash } from "crypto";

export const SUPPORTED_OVERLAYS = ["deployment", "service", "serviceAccount", "horizontalPodAutoscaler", "podDisruptionBudget"];
const NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
export const RENDERED_ANNOTATION = "test-double.servicemesh/rendered";

function infraMetadata(gw: any, kind: "labels" | "annotations"): Record<string, string> {
    const own = gw.spec.infrastructure?.[kind] ?? gw.metadata[kind] ?? {};
    return Object.fromEntries(Object.entries<string>(own).filter(([k]) => !k.startsWith("gateway.networking.k8s.io/")));
}

/** The objects istiod renders for an east-west Gateway, before the ConfigMap's patches (kind → object). */
export function renderEastWest(gw: any): Record<string, any> {
    const { name, namespace, uid } = gw.metadata;
    const labels = { ...infraMetadata(gw, "labels"), [NAME_LABEL]: name };
    const annotations = infraMetadata(gw, "annotations");
    const meta = { name, namespace, labels, annotations, ownerReferences: [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name, uid }] };
    const selector = { matchLabels: { [NAME_LABEL]: name } };
    const ports = gw.spec.listeners.map((l: any) => ({ name: l.name, port: l.port, protocol: "TCP" }));
    return {
        deployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta,
            spec: {
                selector,
                template: {
                    metadata: { labels, annotations },
                    spec: { containers: [{ name: "istio-proxy", image: "istio-proxy-double", ports: ports.map((p: any) => ({ containerPort: p.port, name: p.name })) }] },
                },
            },
        },
        service: {
            apiVersion: "v1",
            kind: "Service",
            metadata: meta,
            spec: { type: gw.metadata.annotations?.["networking.istio.io/service-type"] ?? "LoadBalancer", selector: { [NAME_LABEL]: name }, ports },
        },
        horizontalPodAutoscaler: {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: meta,
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, maxReplicas: 1 },
        },
        podDisruptionBudget: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta, spec: { selector } },
    };
}

/** Why istiod would render nothing for this ConfigMap (an unsupported overlay), or undefined. */
export function overlayError(data: Record<string, string> | undefined): string | undefined {
    const bad = Object.keys(data ?? {}).filter((k) => !SUPPORTED_OVERLAYS.includes(k));
    return bad.length ? `unsupported overlay ${JSON.stringify(bad[0])} (supported: ${SUPPORTED_OVERLAYS.join(" ")})` : undefined;
}

/** A digest of what the Gateway and its ConfigMap ask for: the double re-renders only when it changes. */
export function renderKey(gw: any, data: Record<string, string> | undefined): string {
    const input = JSON.stringify([gw.metadata.annotations?.["networking.istio.io/service-type"], gw.metadata.labels, gw.metadata.annotations, gw.spec, data ?? null]);
    return createHash("sha256").update(input).digest("hex").slice(0, 16);
}

export interface EastWestObserved {
    service?: any;
    deployment?: any;
}

/** The status istiod writes on an east-west Gateway, from its Service and Deployment. */
export function eastWestStatus(gw: any, obs: EastWestObserved): { addresses: any[]; conditions: any[] } {
    const generation = gw.metadata.generation;
    const svc = obs.service;
    const ready = (obs.deployment?.status?.readyReplicas ?? 0) > 0;
    const ingress = (svc?.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean);
    const hostname = `${gw.metadata.name}.${gw.metadata.namespace}.svc.cluster.local`;
    let addresses: any[] = [];
    let programmed = { status: "True", reason: "Programmed", message: `Resource programmed, assigned to service(s) ${hostname}:15008` };
    if (!svc) {
        programmed = { status: "False", reason: "InvalidAddress", message: "no gateway services" };
    } else if (svc.spec.type === "LoadBalancer") {
        addresses = ingress.map((a: string) => ({ type: /^[0-9.:a-f]+$/.test(a) ? "IPAddress" : "Hostname", value: a }));
        if (!ingress.length) {
            // A pending load balancer: istiod reports the ClusterIP, not the host name, and not Programmed.
            addresses = svc.spec.clusterIP ? [{ type: "IPAddress", value: svc.spec.clusterIP }] : [];
            programmed = { status: "False", reason: "AddressNotAssigned", message: `Assigned to service(s) ${hostname}:15008, but failed to assign to all requested addresses: address pending for hostname "${hostname}"` };
        }
    } else {
        addresses = [...(svc.spec.clusterIP ? [{ type: "IPAddress", value: svc.spec.clusterIP }] : []), { type: "Hostname", value: hostname }];
    }
    if (programmed.status === "True" && !ready) {
        programmed = { status: "False", reason: "AddressNotUsable", message: `no instances found for hostname "${hostname}"` };
    }
    const at = new Date().toISOString();
    return {
        addresses,
        conditions: [
            { type: "Accepted", status: "True", reason: "Accepted", message: "Resource accepted", lastTransitionTime: at, observedGeneration: generation },
            { type: "Programmed", ...programmed, lastTransitionTime: at, observedGeneration: generation },
        ],
    };
}

/** Whether two statuses say the same (times aside), so the double writes only changes. */
export function sameStatus(a: any, b: any): boolean {
    const strip = (s: any) => JSON.stringify({ addresses: s?.addresses ?? [], conditions: (s?.conditions ?? []).map((c: any) => [c.type, c.status, c.reason, c.observedGeneration]) });
    return strip(a) === strip(b);
}
