// Wiring of upgradeStrategy RevisionBased (the decisions are render/revisions.ts's): the revision tags as the
// component's own objects, each after the release of the revision it points at, so a moved tag only ever points at an
// istiod that already serves; the record of unused revisions; the chart source of a revision of another version. Used
// by InPlace too while it goes back from revisions (render/revisions.ts planWayBack).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RepositorySecret } from "../preflight/snapshot";
import { ChartSource, chartSources } from "../charts/source";
import { REVISION_IDLE_PREFIX, REVISION_STATE_CONFIGMAP } from "../preflight/snapshot";
import { ReleasePlan } from "../render/releases";
import { RevisionDecision, revisionRelease, specAt, tagHasService, tagService, tagWebhook } from "../render/revisions";
import { ControllerSpec } from "../spec/validate";

export function installRevisionTags(
    name: string,
    spec: ControllerSpec,
    decision: RevisionDecision,
    releases: Record<string, k8s.helm.v3.Release>,
    owner: string,
    opts: pulumi.CustomResourceOptions,
): Record<string, k8s.admissionregistration.v1.MutatingWebhookConfiguration> {
    const webhooks: Record<string, k8s.admissionregistration.v1.MutatingWebhookConfiguration> = {};
    for (const tag of decision.tags) {
        const target = decision.revisions.find((r) => r.name === tag.revision)!;
        // The revision-less istiod may be registered after the tags (it waits for the default tag): it serves already.
        const release = releases[revisionRelease(tag.revision)];
        const after = { ...opts, dependsOn: release ? [release] : [] };
        webhooks[tag.name] = new k8s.admissionregistration.v1.MutatingWebhookConfiguration(
            `${name}-tag-${tag.name}`,
            tagWebhook(tag.name, tag.revision, spec.installNamespace, owner),
            after,
        );
        if (tagHasService(target.version)) {
            new k8s.core.v1.Service(`${name}-tag-${tag.name}-service`, tagService(tag.name, tag.revision, spec.installNamespace, owner), after);
        }
    }
    return webhooks;
}

/** Since when each kept revision has had no pods: read back by the next pre-flight to apply the grace period. */
export function installRevisionState(
    name: string,
    spec: ControllerSpec,
    decision: RevisionDecision,
    ns: pulumi.Resource,
    opts: pulumi.CustomResourceOptions,
): void {
    new k8s.core.v1.ConfigMap(
        `${name}-revision-state`,
        {
            metadata: {
                name: REVISION_STATE_CONFIGMAP,
                namespace: spec.installNamespace,
                annotations: Object.fromEntries(Object.entries(decision.inactiveSince).map(([rev, since]) => [`${REVISION_IDLE_PREFIX}${rev}`, since])),
            },
        },
        { ...opts, dependsOn: [ns] },
    );
}

/** The istiod chart of a revision whose version differs from `version` (its own chart version, maybe its own repository). */
export function revisionSource(
    name: string,
    spec: ControllerSpec,
    entry: ReleasePlan,
    decision: RevisionDecision,
    opts: pulumi.CustomResourceOptions,
    repositorySecrets: RepositorySecret[] | undefined,
): ChartSource {
    const revision = decision.revisions.find((r) => revisionRelease(r.name) === entry.name)!;
    return chartSources(`${name}-${entry.name}`, specAt(spec, revision.version), ["istiod"], entry.chartVersion, opts, repositorySecrets).istiod;
}
