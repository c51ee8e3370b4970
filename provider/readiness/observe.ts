// Reads back, through the cluster's provider, the live objects the conditions are computed from. Each read's id is
// derived from the status of the Helm release that created the object, so it happens only after that release
// completed (static reads ignore dependsOn, pulumi#16395), and again on every update and refresh.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControllerSpec } from "../spec/validate";
import { CrdObservation, DaemonSetObservation, Observations, WebhookObservation } from "./conditions";
import { CNI_DAEMONSET, ISTIOD_DEPLOYMENT, ZTUNNEL_DAEMONSET, crdTargets, webhookTargets } from "./targets";
import { revisionObjects, revisionRelease } from "../render/revisions";

export interface ObservedInputs {
    name: string;
    spec: ControllerSpec;
    releases: Record<string, k8s.helm.v3.Release>;
    namespacePhase: pulumi.Output<string | undefined>;
    /** Completes when the Gateway API CRDs were applied (when installed). */
    gatewayApiApplied?: pulumi.Output<unknown>;
    opts: pulumi.CustomResourceOptions;
    /** RevisionBased: the active revision, whose istiod (named after it) the control-plane conditions read. */
    revision?: string;
    /**
     * The webhook that injects for the active istiod when it is not the chart's own: the `default` tag's, while the
     * revision-less istiod renders none (back to InPlace, render/releases.ts); read once `ready` resolves.
     */
    injector?: { name: string; ready: pulumi.Output<unknown> };
}

/** An id that resolves only once `release` reports a status, for an object it created. */
function afterRelease(release: k8s.helm.v3.Release, id: (ns: string) => string): pulumi.Output<string> {
    return release.status.apply((s) => id(s.namespace ?? ""));
}

function daemonSet(
    inputs: ObservedInputs,
    release: k8s.helm.v3.Release | undefined,
    dsName: string,
): pulumi.Output<DaemonSetObservation | undefined> {
    if (!release) {
        return pulumi.output(undefined);
    }
    const ds = k8s.apps.v1.DaemonSet.get(
        `${inputs.name}-${dsName}-observed`,
        afterRelease(release, (ns) => `${ns}/${dsName}`),
        inputs.opts,
    );
    return ds.status.apply((s) => ({
        name: dsName,
        currentNumberScheduled: s?.currentNumberScheduled,
        numberReady: s?.numberReady,
    }));
}

export function observeCluster(inputs: ObservedInputs): pulumi.Output<Observations> {
    const { name, spec, releases, opts } = inputs;
    const istiodRelease = releases[inputs.revision ? revisionRelease(inputs.revision) : "istiod"];
    const revised = inputs.revision ? revisionObjects(inputs.revision, spec.installNamespace) : undefined;
    const istiodDeployment = revised?.deployment ?? ISTIOD_DEPLOYMENT;
    const baseRelease = releases["istio-base"];

    // The read stores the whole Deployment in the state, twice (outputs and the provider's `__inputs` copy); its spec
    // holds istiod's environment, which carries the license key on 1.24 (SOLO_LICENSE_KEY), so both are kept secret
    // and only the replica count is taken out.
    const deployment = k8s.apps.v1.Deployment.get(
        `${name}-istiod-observed`,
        afterRelease(istiodRelease, (ns) => `${ns}/${istiodDeployment}`),
        { ...opts, additionalSecretOutputs: ["spec", "__inputs"] },
    );
    const specReplicas = pulumi.unsecret(deployment.spec.apply((s) => s?.replicas));

    const crds: pulumi.Output<CrdObservation>[] = crdTargets(spec).map((crdName) => {
        const gate: pulumi.Output<unknown> =
            crdName.endsWith(".istio.io") || !inputs.gatewayApiApplied
                ? baseRelease.status
                : pulumi.all([baseRelease.status, inputs.gatewayApiApplied]);
        const crd = k8s.apiextensions.v1.CustomResourceDefinition.get(
            `${name}-${crdName}-observed`,
            gate.apply(() => crdName),
            opts,
        );
        return crd.status.apply((s) => ({
            name: crdName,
            established: (s?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True"),
        }));
    });

    const targets = revised ?? webhookTargets(spec);
    const injector = inputs.injector;
    const hooks = injector ? { ...targets, mutating: injector.name } : targets;
    const mutating = k8s.admissionregistration.v1.MutatingWebhookConfiguration.get(
        `${name}-injector-webhook-observed`,
        injector ? pulumi.all([istiodRelease.status, injector.ready]).apply(() => injector.name) : afterRelease(istiodRelease, () => hooks.mutating),
        opts,
    );
    const validating = k8s.admissionregistration.v1.ValidatingWebhookConfiguration.get(
        `${name}-validator-webhook-observed`,
        afterRelease(istiodRelease, () => hooks.validating),
        opts,
    );
    const webhooks: pulumi.Output<WebhookObservation>[] = [
        mutating.webhooks.apply((w) => ({ name: hooks.mutating, webhooks: w?.length ?? 0 })),
        validating.webhooks.apply((w) => ({ name: hooks.validating, webhooks: w?.length ?? 0 })),
    ];

    // The active revision's release answers for "istiod" in the conditions; every release still counts for FAILED.
    const releaseStatuses = pulumi
        .all(Object.entries(releases).map(([rel, r]) => r.status.apply((s) => [r === istiodRelease ? "istiod" : rel === "istiod" ? "istiod (revision default)" : rel, s.status ?? "unknown"] as const)))
        .apply((pairs) => Object.fromEntries(pairs));

    return pulumi
        .all([
            inputs.namespacePhase,
            releaseStatuses,
            pulumi.all(crds),
            specReplicas,
            deployment.status,
            daemonSet(inputs, releases["istio-cni"], CNI_DAEMONSET),
            daemonSet(inputs, releases["ztunnel"], ZTUNNEL_DAEMONSET),
            pulumi.all(webhooks),
        ])
        .apply(([namespacePhase, releaseMap, crdObs, specReplicas, dStatus, cni, ztunnel, hookObs]) => ({
            namespacePhase,
            releases: releaseMap,
            crds: crdObs,
            istiod: {
                name: istiodDeployment,
                // The live spec.replicas is the desired count (the HPA scales it when the chart leaves it unset).
                // status.replicas also counts a rollout's surge pods, so right after Helm's wait (which tolerates
                // maxUnavailable) it can exceed the ready count with every desired replica serving.
                replicas: specReplicas ?? dStatus?.replicas,
                readyReplicas: dStatus?.readyReplicas,
            },
            cni,
            ztunnel,
            webhooks: hookObs,
        }));
}
