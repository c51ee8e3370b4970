// Pure platform detection and the chart values a platform needs. Istio's charts carry a `global.platform` overlay
// (profile-platform-<name>.yaml in base, istiod, cni and ztunnel) for k3d, k3s, microk8s, minikube and openshift from
// 1.24, and gke from 1.25; an unknown name fails the render, so the overlay is only set where the chart has it.
import { HelmValues } from "../render/values";
import { IstioVersion } from "../spec/versions";
import { ClusterSnapshot } from "./snapshot";

/** Platforms, as the `platform` input names them. */
export const PLATFORMS = ["GKE", "EKS", "AKS", "OpenShift", "K3s", "K3d", "MicroK8s", "Minikube", "Generic"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** The chart's overlay name and the first minor that ships it; EKS, AKS and Generic need none. */
const OVERLAYS: Partial<Record<PlatformName, { name: string; sinceMinor: number }>> = {
    GKE: { name: "gke", sinceMinor: 25 },
    OpenShift: { name: "openshift", sinceMinor: 24 },
    K3s: { name: "k3s", sinceMinor: 24 },
    K3d: { name: "k3d", sinceMinor: 24 },
    MicroK8s: { name: "microk8s", sinceMinor: 24 },
    Minikube: { name: "minikube", sinceMinor: 24 },
};

/** Detection from what the API server tells: API groups, its version string, node labels and provider IDs. */
export function detectPlatform(snapshot: Pick<ClusterSnapshot, "serverVersion" | "nodes" | "apiGroups">): { platform: PlatformName; evidence: string } {
    const v = snapshot.serverVersion;
    if (snapshot.apiGroups.includes("config.openshift.io")) {
        return { platform: "OpenShift", evidence: "API group config.openshift.io" };
    }
    const node = (test: (n: ClusterSnapshot["nodes"][number]) => boolean) => snapshot.nodes.find(test);
    const hit =
        (/-gke\./.test(v) && { platform: "GKE" as const, evidence: `server version ${v}` }) ||
        (/-eks-/.test(v) && { platform: "EKS" as const, evidence: `server version ${v}` });
    if (hit) {
        return hit;
    }
    const byNode: [PlatformName, (n: ClusterSnapshot["nodes"][number]) => boolean, string][] = [
        ["GKE", (n) => n.providerID.startsWith("gce://") || "cloud.google.com/gke-nodepool" in n.labels, "node providerID gce:// or label cloud.google.com/gke-nodepool"],
        ["EKS", (n) => "eks.amazonaws.com/nodegroup" in n.labels || ("alpha.eksctl.io/cluster-name" in n.labels), "node label eks.amazonaws.com/nodegroup"],
        ["AKS", (n) => n.providerID.startsWith("azure://") || "kubernetes.azure.com/cluster" in n.labels, "node providerID azure:// or label kubernetes.azure.com/cluster"],
        ["K3d", (n) => n.name.startsWith("k3d-") && n.providerID.startsWith("k3s://"), "k3d node names with providerID k3s://"],
        ["Minikube", (n) => "minikube.k8s.io/name" in n.labels, "node label minikube.k8s.io/name"],
        ["MicroK8s", (n) => "microk8s.io/cluster" in n.labels, "node label microk8s.io/cluster"],
    ];
    for (const [platform, test, evidence] of byNode) {
        if (node(test)) {
            return { platform, evidence };
        }
    }
    if (/\+k3s/.test(v) || node((n) => n.providerID.startsWith("k3s://"))) {
        return { platform: "K3s", evidence: /\+k3s/.test(v) ? `server version ${v}` : "node providerID k3s://" };
    }
    return { platform: "Generic", evidence: "no platform-specific marks" };
}

/** `global.platform` for every chart, when the version's charts ship that platform's overlay. */
export function platformValues(platform: PlatformName, version: IstioVersion): HelmValues {
    const overlay = OVERLAYS[platform];
    return overlay && version.minor >= overlay.sinceMinor ? { global: { platform: overlay.name } } : {};
}
