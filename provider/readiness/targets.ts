// The objects whose live state the readiness conditions are computed from, named as Istio's charts name them for the
// default revision. Pure, so tests and the component agree on what is read.
import { ControllerSpec } from "../spec/validate";

/** One CRD per Istio API group the control plane needs, plus the Gateway API's Gateway when we install it. */
export function crdTargets(spec: ControllerSpec): string[] {
    const crds = ["virtualservices.networking.istio.io", "authorizationpolicies.security.istio.io"];
    if (spec.gatewayApi.install) {
        crds.push("gateways.gateway.networking.k8s.io");
    }
    return crds;
}

export function webhookTargets(spec: ControllerSpec): { mutating: string; validating: string } {
    const ns = spec.installNamespace;
    return {
        // The istiod chart suffixes the injector with the namespace outside istio-system.
        mutating: ns === "istio-system" ? "istio-sidecar-injector" : `istio-sidecar-injector-${ns}`,
        validating: `istio-validator-${ns}`,
    };
}

export const ISTIOD_DEPLOYMENT = "istiod";
export const CNI_DAEMONSET = "istio-cni-node";
export const ZTUNNEL_DAEMONSET = "ztunnel";
