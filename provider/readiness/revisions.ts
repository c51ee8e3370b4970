// Readiness of istiod revisions (upgradeStrategy RevisionBased): each revision's Deployment is read back after its
// release, and reported with the conditions the Sail operator's IstioRevision carries (Ready, InUse). The phase is
// SUCCEEDED only when every revision a tag points at is ready.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Condition, Phase, RevisionState } from "../controller/args";
import { RevisionPlan, revisionObjects } from "../render/revisions";
import { formatVersion } from "../spec/versions";
import { deploymentReady } from "./conditions";

/** A revision's conditions from its readiness and use. */
export function revisionConditions(r: Pick<RevisionPlan, "name" | "pods" | "namespaces" | "tags" | "labelledNamespaces">, ready: boolean, detail: string): Condition[] {
    // As the pre-flight's removal decision: pods running it, tags on it, namespaces labelled for it keep it.
    const labelled = r.labelledNamespaces;
    const used = r.pods > 0 || r.tags.length > 0 || labelled.length > 0;
    const by = [
        ...(r.tags.length ? [`tags ${r.tags.join(", ")}`] : []),
        ...(labelled.length ? [`namespaces ${labelled.join(", ")}`] : []),
        ...(r.pods ? [`${r.pods} pods (${r.namespaces.join(", ")})`] : []),
    ];
    return [
        ready
            ? { type: "Ready", status: "True", reason: "Healthy", message: `istiod revision ${r.name} is ready: ${detail}` }
            : { type: "Ready", status: "False", reason: "IstiodNotReady", message: `istiod revision ${r.name} is not ready: ${detail}` },
        used
            ? { type: "InUse", status: "True", reason: "ReferencedByWorkloads", message: `referenced by ${by.join(" and ")}` }
            : { type: "InUse", status: "False", reason: "NotReferenced", message: "no tag points at it, no namespace is labelled for it and no pod uses it" },
    ];
}

/** SUCCEEDED needs every tagged revision ready on top of the cluster's own conditions. */
export function revisionsPhase(phase: Phase, revisions: RevisionState[]): Phase {
    if (phase !== "SUCCEEDED") return phase;
    return revisions.every((r) => r.ready || r.tags.length === 0) ? phase : "PENDING";
}

/** Reads each revision's istiod Deployment once its release reports a status. */
export function observeRevisions(
    name: string,
    installNamespace: string,
    revisions: RevisionPlan[],
    releases: Record<string, k8s.helm.v3.Release>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<RevisionState[]> {
    return pulumi.all(
        revisions.map((r) => {
            const deploymentName = revisionObjects(r.name, installNamespace).deployment;
            const deployment = k8s.apps.v1.Deployment.get(
                `${name}-revision-${r.name}-observed`,
                releases[r.release].status.apply((s) => `${s.namespace ?? installNamespace}/${deploymentName}`),
                // Its spec holds istiod's environment (the license key on 1.24): kept secret, as observe.ts does.
                { ...opts, additionalSecretOutputs: ["spec", "__inputs"] },
            );
            const replicas = pulumi.unsecret(deployment.spec.apply((s) => s?.replicas));
            return pulumi.all([replicas, deployment.status]).apply(([desired, status]): RevisionState => {
                const observed = { name: deploymentName, replicas: desired ?? status?.replicas, readyReplicas: status?.readyReplicas };
                const ready = deploymentReady(observed);
                const detail = `Deployment ${deploymentName} ${observed.readyReplicas ?? 0}/${observed.replicas ?? 0} replicas ready`;
                return {
                    name: r.name,
                    version: formatVersion(r.version),
                    active: r.active,
                    ready,
                    pods: r.pods,
                    namespaces: r.namespaces,
                    labelledNamespaces: r.labelledNamespaces,
                    tags: r.tags,
                    conditions: revisionConditions(r, ready, detail),
                };
            });
        }),
    );
}
