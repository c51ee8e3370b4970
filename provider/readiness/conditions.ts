// Readiness as the Gloo operator reports it: conditions and a phase, computed purely from what the cluster reported
// after the Helm releases completed. The rules for workloads follow the Sail operator: a Deployment is ready when
// readyReplicas >= replicas > 0, a DaemonSet when currentNumberScheduled > 0 and numberReady >= currentNumberScheduled.
import { Condition } from "../controller/args";

export type ConditionStatus = "True" | "False" | "Unknown";

export const CONDITION_TYPES = [
    "Initialized",
    "CRDInstalled",
    "ControlPlaneDeployed",
    "CNIDeployed",
    "ZtunnelDeployed",
    "WebhookDeployed",
    "Ready",
] as const;

import { Phase } from "../controller/args";
export { Phase };

export interface DeploymentObservation {
    name: string;
    replicas?: number;
    readyReplicas?: number;
}

export interface DaemonSetObservation {
    name: string;
    currentNumberScheduled?: number;
    numberReady?: number;
}

export interface WebhookObservation {
    name: string;
    /** Number of webhooks the configuration holds. */
    webhooks: number;
}

export interface CrdObservation {
    name: string;
    established: boolean;
}

/** What the component read back from one cluster. `undefined` means "not installed by this spec". */
export interface Observations {
    /** The install namespace's phase (`Active` once it exists). */
    namespacePhase?: string;
    /** Helm status per release name, e.g. `{ istiod: "deployed" }`. */
    releases: Record<string, string>;
    crds: CrdObservation[];
    istiod: DeploymentObservation;
    cni?: DaemonSetObservation;
    ztunnel?: DaemonSetObservation;
    webhooks: WebhookObservation[];
}

function condition(type: string, status: ConditionStatus, reason: string, message: string): Condition {
    return { type, status, reason, message };
}

function releaseProblem(obs: Observations, release: string): string | undefined {
    const status = obs.releases[release];
    return status === "deployed" ? undefined : `Helm release ${release} is ${status ?? "missing"}`;
}

export function deploymentReady(d: DeploymentObservation): boolean {
    const replicas = d.replicas ?? 0;
    return replicas > 0 && (d.readyReplicas ?? 0) >= replicas;
}

export function daemonSetReady(d: DaemonSetObservation): boolean {
    const scheduled = d.currentNumberScheduled ?? 0;
    return scheduled > 0 && (d.numberReady ?? 0) >= scheduled;
}

function workloadCondition(
    type: string,
    obs: Observations,
    release: string,
    ready: boolean,
    detail: string,
): Condition {
    const problem = releaseProblem(obs, release);
    if (problem) {
        return condition(type, "False", "ReleaseNotDeployed", problem);
    }
    return ready
        ? condition(type, "True", "DeploymentSucceeded", `Deployment succeeded: ${detail}`)
        : condition(type, "False", "DeploymentNotReady", `Not ready: ${detail}`);
}

function daemonSetCondition(type: string, obs: Observations, release: string, ds: DaemonSetObservation | undefined, why: string): Condition {
    if (!ds) {
        return condition(type, "True", "NotRequired", why);
    }
    const detail = `DaemonSet ${ds.name} ${ds.numberReady ?? 0}/${ds.currentNumberScheduled ?? 0} pods ready`;
    return workloadCondition(type, obs, release, daemonSetReady(ds), detail);
}

/** The conditions, in the operator's order (plus ZtunnelDeployed). */
export function computeConditions(obs: Observations, summary: string): Condition[] {
    const initialized =
        obs.namespacePhase === "Active"
            ? condition("Initialized", "True", "ManifestsInitialized", `Manifests initialized: ${summary}`)
            : condition("Initialized", "False", "NamespaceNotReady", `Install namespace is ${obs.namespacePhase ?? "missing"}`);

    const missingCrds = obs.crds.filter((c) => !c.established).map((c) => c.name);
    const baseProblem = releaseProblem(obs, "istio-base");
    const crdInstalled = baseProblem
        ? condition("CRDInstalled", "False", "ReleaseNotDeployed", baseProblem)
        : missingCrds.length
          ? condition("CRDInstalled", "False", "CRDNotEstablished", `CRDs not established: ${missingCrds.join(", ")}`)
          : condition("CRDInstalled", "True", "CRDInstalled", `CRDs installed (${obs.crds.map((c) => c.name).join(", ")})`);

    const d = obs.istiod;
    const controlPlane = workloadCondition(
        "ControlPlaneDeployed",
        obs,
        "istiod",
        deploymentReady(d),
        `Deployment ${d.name} ${d.readyReplicas ?? 0}/${d.replicas ?? 0} replicas ready`,
    );
    const cni = daemonSetCondition("CNIDeployed", obs, "istio-cni", obs.cni, "trafficCaptureMode InitContainer: no CNI is installed");
    const ztunnel = daemonSetCondition("ZtunnelDeployed", obs, "ztunnel", obs.ztunnel, "dataplaneMode Sidecar: no ztunnel is installed");

    const emptyWebhooks = obs.webhooks.filter((w) => w.webhooks < 1).map((w) => w.name);
    const webhook = workloadCondition(
        "WebhookDeployed",
        obs,
        "istiod",
        emptyWebhooks.length === 0,
        emptyWebhooks.length
            ? `webhook configurations without webhooks: ${emptyWebhooks.join(", ")}`
            : `webhook configurations ${obs.webhooks.map((w) => w.name).join(", ")}`,
    );

    const parts = [initialized, crdInstalled, controlPlane, cni, ztunnel, webhook];
    const notMet = parts.filter((c) => c.status !== "True").map((c) => c.type);
    const ready = notMet.length
        ? condition("Ready", "False", "ConditionsNotMet", `Conditions not met: ${notMet.join(", ")}`)
        : condition("Ready", "True", "SystemReady", "All conditions are met");
    return [...parts, ready];
}

/** SUCCEEDED when every condition is True, FAILED when a release failed, PENDING otherwise. */
export function computePhase(conditions: Condition[], obs: Observations): Phase {
    if (conditions.every((c) => c.status === "True")) {
        return "SUCCEEDED";
    }
    return Object.values(obs.releases).some((s) => s === "failed") ? "FAILED" : "PENDING";
}
