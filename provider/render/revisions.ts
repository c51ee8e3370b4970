// upgradeStrategy RevisionBased, pure: which istiod revisions an update keeps, installs or removes, where each revision
// tag points, and the tag objects themselves. The component wires the result (controller.ts); the cluster facts come
// from the pre-flight's snapshot (who uses which revision, what is installed).
//
// Lifecycle, as the Sail operator's RevisionBased strategy: the revision `version` installs is active; an installed
// revision stays while a tag points at it or pods use it (pods labelled istio.io/rev=<revision>: the injector writes
// the revision itself, never the tag); once unused, it is removed by the first update after the grace period. The time
// it was first seen unused is kept in a ConfigMap of the install namespace, since the component holds no state.
//
// Tags are objects the component owns, not the istiod chart's `revisionTags` value: a tag kept in a release could only
// move by deleting it from one release and creating it in another (Helm refuses an object another release owns), a
// window without injection for the tag's namespaces. Istio's Helm upgrade guide renders the chart's revision-tags
// template and applies it outside Helm for the same reason; here each tag is one MutatingWebhookConfiguration (and,
// from 1.28, one Service) that a move patches in place. Their shape follows the istiod chart's
// templates/revision-tags-mwc.yaml and revision-tags-svc.yaml (1.28–1.31; revision-tags.yaml before 1.28).
import { ClusterSnapshot, HelmRelease, RevisionUse } from "../preflight/snapshot";
import { OWNER_ANNOTATION } from "../preflight/conflicts";
import { ControllerSpec, revisionOf } from "../spec/validate";
import {
    IstioVersion,
    compareVersions,
    formatVersion,
    minorFacts,
    parseVersion,
    soloChartRepository,
    soloImageRepository,
    soloTag,
    ZTUNNEL_ISTIOD_SKEW_MINORS,
} from "../spec/versions";

/** The revision of an istiod installed without one (InPlace, or before the switch to RevisionBased). */
export const DEFAULT_REVISION = "default";
/** The tag that also serves `istio-injection=enabled` namespaces and istiod's default validation. */
export const DEFAULT_TAG = "default";

/** Helm release of a revision: `istiod-1-31-1`; the revision-less istiod keeps its release `istiod`. */
export function revisionRelease(revision: string): "istiod" | `istiod-${string}` {
    return revision === DEFAULT_REVISION ? "istiod" : `istiod-${revision}`;
}

/** What the istiod chart names after the revision (deployment.yaml, service.yaml, mutatingwebhook.yaml, validatingwebhookconfiguration.yaml). */
export function revisionObjects(revision: string, installNamespace: string) {
    const suffix = revision === DEFAULT_REVISION ? "" : `-${revision}`;
    return {
        deployment: `istiod${suffix}`,
        service: `istiod${suffix}`,
        mutating: installNamespace === "istio-system" ? `istio-sidecar-injector${suffix}` : `istio-sidecar-injector${suffix}-${installNamespace}`,
        validating: `istio-validator${suffix}-${installNamespace}`,
    };
}

/** An istiod revision installed in the install namespace, read from its Helm release. */
export interface DeployedRevision {
    name: string;
    release: string;
    version: IstioVersion;
}

const REVISION_RELEASE = /^istiod-(1-\d+-\d+)$/;

export function deployedRevisions(releases: HelmRelease[], installNamespace: string): DeployedRevision[] {
    const found: DeployedRevision[] = [];
    for (const r of releases) {
        if (r.namespace !== installNamespace || r.chart !== "istiod") continue;
        const name = r.name === "istiod" ? DEFAULT_REVISION : REVISION_RELEASE.exec(r.name)?.[1];
        const version = parseVersion(/^v?(1\.\d+\.\d+)/.exec(r.version)?.[1] ?? "");
        if (name && version) found.push({ name, release: r.name, version });
    }
    return found.sort((a, b) => compareVersions(a.version, b.version));
}

/** Where each tag points now, from the tag webhooks in the snapshot (label istio.io/rev). */
export function deployedTags(snapshot: ClusterSnapshot, installNamespace: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const o of snapshot.objects) {
        if (o.kind !== "MutatingWebhookConfiguration" || !o.labels["istio.io/tag"]) continue;
        if (o.name !== tagWebhookName(o.labels["istio.io/tag"], installNamespace)) continue;
        tags[o.labels["istio.io/tag"]] = o.labels["istio.io/rev"] ?? "";
    }
    return tags;
}

/** The spec as it installs `version`: image tag, chart repository and per-minor facts of that version's minor. */
export function specAt(spec: ControllerSpec, version: IstioVersion): ControllerSpec {
    if (compareVersions(version, spec.version) === 0) return spec;
    const facts = minorFacts(version)?.facts ?? spec.minor;
    // Repositories the user did not choose follow the minor (the Solo registries changed layout at 1.29).
    const image = spec.image.repository === soloImageRepository(spec.minor.registry) ? soloImageRepository(facts.registry) : spec.image.repository;
    const charts = spec.repository.url === soloChartRepository(spec.minor.registry) ? soloChartRepository(facts.registry) : spec.repository.url;
    return {
        ...spec,
        version,
        versionText: formatVersion(version),
        minor: facts,
        image: { ...spec.image, repository: image, tag: soloTag(version, spec.distribution) },
        repository: { ...spec.repository, url: charts },
        license: spec.license === "none" ? "none" : facts.license,
    };
}

export interface RevisionPlan {
    name: string;
    release: string;
    version: IstioVersion;
    active: boolean;
    tags: string[];
    pods: number;
    /** `namespace=count` of the pods using it. */
    namespaces: string[];
    /** Namespaces whose next pods it injects: labelled istio.io/rev with its name or a tag on it (default: istio-injection=enabled too). */
    labelledNamespaces: string[];
    /** Why it stays, in words (for the log). */
    why: string;
}

export interface TagPlan {
    name: string;
    revision: string;
    /** Where it pointed before this update, when it moves. */
    from?: string;
}

export interface RevisionDecision {
    /** Revisions the update keeps or installs, oldest first. */
    revisions: RevisionPlan[];
    /** Installed revisions the update removes, and why. */
    removed: { name: string; release: string; why: string }[];
    tags: TagPlan[];
    /** The new record of when each kept, unused revision was first seen unused (ISO times). */
    inactiveSince: Record<string, string>;
    /** Refusals, naming the field. */
    problems: string[];
    /** What the preview should tell (tag moves and the namespaces they move, revisions kept for their pods). */
    notes: string[];
}

function podsOf(use: RevisionUse | undefined, revision: string): { count: number; namespaces: string[] } {
    const counts = new Map<string, number>();
    for (const p of use?.pods ?? []) {
        if (p.revision === revision) counts.set(p.namespace, (counts.get(p.namespace) ?? 0) + 1);
    }
    const namespaces = [...counts.keys()].sort().map((ns) => `${ns}=${counts.get(ns)}`);
    return { count: [...counts.values()].reduce((a, b) => a + b, 0), namespaces };
}

/** Namespaces labelled istio.io/rev=<name> (a tag or a revision); for the `default` tag also istio-injection=enabled ones. */
export function namespacesLabelled(use: RevisionUse | undefined, tag: string): string[] {
    return (use?.namespaces ?? [])
        .filter((n) => n.rev === tag || (tag === DEFAULT_TAG && n.injection === "enabled" && n.rev === undefined))
        .map((n) => n.name)
        .sort();
}

/** Namespaces labelled with a revision's own name; `default` there means the tag, which always exists. */
function labelledWith(use: RevisionUse | undefined, revision: string): string[] {
    return revision === DEFAULT_REVISION ? [] : (use?.namespaces ?? []).filter((n) => n.rev === revision).map((n) => n.name).sort();
}

/**
 * Decides the revisions and tags of a RevisionBased update from what is installed (`deployed`), who uses it (`use`),
 * where the tags point now (`current`) and the time of the update.
 */
export function planRevisions(
    spec: ControllerSpec,
    deployed: DeployedRevision[],
    use: RevisionUse | undefined,
    current: Record<string, string>,
    now: Date,
): RevisionDecision {
    const { activeRevision, graceSeconds, force } = spec.upgrade;
    const problems: string[] = [];
    const notes: string[] = [];
    const installed = new Map(deployed.map((d) => [d.name, d]));
    const userTags = spec.upgrade.tags;
    const tags: TagPlan[] = [
        ...(userTags.some((t) => t.name === DEFAULT_TAG) ? [] : [{ name: DEFAULT_TAG, revision: activeRevision }]),
        ...userTags.map((t) => ({ name: t.name, revision: t.revision ?? activeRevision })),
    ];
    const known = [...new Set([...deployed.map((d) => d.name), activeRevision])];
    for (const t of tags) {
        if (t.revision !== activeRevision && !installed.has(t.revision)) {
            problems.push(
                `revisionTags: tag "${t.name}" points at revision "${t.revision}", which is not installed (got "${t.revision}"); allowed: ${known.join(", ")}`,
            );
        }
        if (current[t.name] !== undefined && current[t.name] !== t.revision) {
            t.from = current[t.name];
            const moving = namespacesLabelled(use, t.name);
            notes.push(
                `tag ${t.name} moves from revision ${t.from} to ${t.revision}: ${moving.length ? `pods of namespaces ${moving.join(", ")} move at their next restart` : "no namespace is labelled with it"}`,
            );
        }
    }
    for (const [tag, revision] of Object.entries(current)) {
        const labelled = namespacesLabelled(use, tag);
        if (tags.some((t) => t.name === tag) || !labelled.length) continue;
        problems.push(
            spec.upgrade.strategy === "RevisionBased"
                ? `revisionTags: tag "${tag}" (on revision ${revision}) is no longer listed, but namespaces ${labelled.join(", ")} are labelled istio.io/rev=${tag}: removing it stops injection there (got revisionTags without "${tag}"); allowed: keep "${tag}" in revisionTags, or first relabel those namespaces with a tag that stays`
                : `upgradeStrategy: InPlace keeps no revision tag but default, and namespaces ${labelled.join(", ")} are labelled istio.io/rev=${tag} (tag ${tag} on revision ${revision}): their pods would no longer be injected (got "InPlace"); allowed: first relabel them (kubectl label namespace ${labelled[0]} istio.io/rev=default --overwrite, or istio-injection=enabled) with upgradeStrategy RevisionBased, then switch to InPlace; or keep upgradeStrategy RevisionBased`,
        );
    }
    for (const f of force) {
        if (f === activeRevision || !installed.has(f)) {
            problems.push(
                `forceRemoveRevisions: "${f}" is ${f === activeRevision ? "the active revision" : "not installed"} (got "${f}"); allowed: an installed revision other than ${activeRevision}: ${deployed.map((d) => d.name).filter((n) => n !== activeRevision).join(", ") || "none"}`,
            );
        }
    }
    for (const t of tags.filter((t) => force.includes(t.revision))) {
        problems.push(`forceRemoveRevisions: "${t.revision}" is the revision of tag "${t.name}"; allowed: move the tag first (revisionTags)`);
    }

    const revisions: RevisionPlan[] = [];
    const removed: RevisionDecision["removed"] = [];
    const inactiveSince: Record<string, string> = {};
    // The active revision runs `version`: for a revision that is its name; the revision-less istiod (InPlace) upgrades in place.
    const activeEntry = { name: activeRevision, release: revisionRelease(activeRevision), version: spec.version };
    const candidates = installed.has(activeRevision) ? deployed.map((d) => (d.name === activeRevision ? activeEntry : d)) : [...deployed, activeEntry];
    for (const d of candidates) {
        const tagged = tags.filter((t) => t.revision === d.name).map((t) => t.name);
        const pods = podsOf(use, d.name);
        const labelledNamespaces = [...new Set([...labelledWith(use, d.name), ...tagged.flatMap((t) => namespacesLabelled(use, t))])].sort();
        const plan = (why: string): RevisionPlan => ({
            ...d,
            active: d.name === activeRevision,
            tags: tagged,
            pods: pods.count,
            namespaces: pods.namespaces,
            labelledNamespaces,
            why,
        });
        if (d.name === activeRevision) {
            revisions.push(plan("active"));
        } else if (tagged.length) {
            revisions.push(plan(`tags ${tagged.join(", ")} point at it`));
        } else if (force.includes(d.name)) {
            removed.push({ name: d.name, release: d.release, why: `forceRemoveRevisions names it; ${pods.count} pods (${pods.namespaces.join(", ") || "none"}) lose their control plane until restarted` });
        } else if (pods.count > 0) {
            revisions.push(plan(`${pods.count} pods use it (${pods.namespaces.join(", ")})`));
            notes.push(`revision ${d.name} (${formatVersion(d.version)}) is kept: ${pods.count} pods still use it (${pods.namespaces.join(", ")}); restart them onto a tag of ${activeRevision}`);
        } else if (labelledWith(use, d.name).length) {
            // A namespace labelled with the revision itself (not a tag) would inject nothing once it is gone, as Sail's InUse counts it.
            const labelled = labelledWith(use, d.name);
            revisions.push(plan(`namespaces ${labelled.join(", ")} are labelled istio.io/rev=${d.name}`));
            notes.push(`revision ${d.name} (${formatVersion(d.version)}) is kept: namespaces ${labelled.join(", ")} are labelled istio.io/rev=${d.name}; label them with a tag instead`);
        } else {
            const seen = use?.inactiveSince[d.name];
            const since = seen && !Number.isNaN(Date.parse(seen)) ? new Date(seen) : now;
            const idle = (now.getTime() - since.getTime()) / 1000;
            if (idle >= graceSeconds) {
                removed.push({ name: d.name, release: d.release, why: `no pod has used it for ${Math.floor(idle)}s (grace period ${graceSeconds}s)` });
            } else {
                inactiveSince[d.name] = since.toISOString();
                revisions.push(plan(`unused since ${since.toISOString()}; removed by an update after the ${graceSeconds}s grace period`));
            }
        }
    }
    for (const r of removed) {
        notes.push(`revision ${r.name} (release ${r.release}) is removed: ${r.why}`);
    }
    if (spec.installZtunnel) problems.push(...ztunnelSkew(spec.version, revisions));
    return { revisions, removed, tags, inactiveSince, problems, notes };
}

/**
 * ztunnel and istio-cni upgrade in place to `version`: refused when that puts them beyond ZTUNNEL_ISTIOD_SKEW_MINORS
 * of an istiod revision the update keeps (its waypoints and proxies still run against it, and moving `version` back
 * to it would make it active again).
 */
export function ztunnelSkew(version: IstioVersion, kept: Pick<RevisionPlan, "name" | "version">[]): string[] {
    const far = kept.filter((r) => Math.abs(r.version.minor - version.minor) > ZTUNNEL_ISTIOD_SKEW_MINORS);
    if (!far.length) return [];
    const list = far.map((r) => `${r.name} (${formatVersion(r.version)})`).join(", ");
    const names = far.map((r) => r.name);
    return [
        `version: ztunnel and istio-cni upgrade in place to ${formatVersion(version)}, more than ${ZTUNNEL_ISTIOD_SKEW_MINORS} minor from istiod revisions ${list} still kept, beyond the skew Istio's ambient upgrade guide allows (ztunnel 1.x with istiod 1.x and 1.x+1) (got version "${formatVersion(version)}"); allowed: first remove ${names.join(", ")} (an update once unused and past inactiveRevisionDeletionGracePeriodSeconds, or forceRemoveRevisions: [${names.map((n) => `"${n}"`).join(", ")}] after moving its tags), then this version; or a version within ${ZTUNNEL_ISTIOD_SKEW_MINORS} minor of them`,
    ];
}

/**
 * upgradeStrategy InPlace on a cluster where an earlier RevisionBased left revisions (the way back): the revision-less
 * istiod is installed next to them at the version of the revision the `default` tag points at, the tag moves to it in
 * place (so injection never stops), and the revisions stay until unused and past the grace period, as in the switch the
 * other way. Once only the revision-less istiod is left, the install is InPlace again (no decision): its release takes
 * its injection webhook back and the tag goes. Refused where that cannot keep injection: a version change in the same
 * update (the tag's namespaces would change istiod and version at once) or namespaces labelled with another tag.
 */
export function planWayBack(
    spec: ControllerSpec,
    deployed: DeployedRevision[],
    use: RevisionUse | undefined,
    current: Record<string, string>,
    now: Date,
): { decision?: RevisionDecision; problems: string[]; notes: string[] } {
    const revisioned = deployed.filter((d) => d.name !== DEFAULT_REVISION);
    if (!revisioned.length) return { problems: [], notes: [] };
    const problems: string[] = [];
    const from = deployed.find((d) => d.name === current[DEFAULT_TAG]) ?? revisioned[revisioned.length - 1];
    if (from.name !== DEFAULT_REVISION && compareVersions(from.version, spec.version) !== 0) {
        const at = formatVersion(from.version);
        problems.push(
            `upgradeStrategy: InPlace over istiod revisions ${revisioned.map((d) => d.name).join(", ")} installs the revision-less istiod next to them at the version of revision ${from.name} (where tag default points), so version must be ${at} (got version "${formatVersion(spec.version)}"); allowed: version ${at} with upgradeStrategy InPlace first, then version ${formatVersion(spec.version)} in a later update; or keep upgradeStrategy RevisionBased for the version change`,
        );
    }
    const decision = planRevisions(spec, deployed, use, current, now);
    const notes = [
        `upgradeStrategy InPlace: back from revisions ${revisioned.map((d) => d.name).join(", ")}; the revision-less istiod takes tag default (istio-injection=enabled and istio.io/rev=default namespaces)`,
        ...decision.notes,
    ];
    // Nothing left but the revision-less istiod, already behind tag default: an InPlace install like any other from this
    // update on. While the tag points at a revision, it first moves in place (never two istiods' webhooks at once).
    const left = decision.revisions.some((r) => r.name !== DEFAULT_REVISION);
    const tagElsewhere = current[DEFAULT_TAG] !== undefined && current[DEFAULT_TAG] !== DEFAULT_REVISION;
    return { decision: left || tagElsewhere ? decision : undefined, problems: [...problems, ...decision.problems], notes };
}

/** Name of a tag's webhook configuration, as the chart and `istioctl tag set` name it. */
export function tagWebhookName(tag: string, installNamespace: string): string {
    return installNamespace === "istio-system" ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${installNamespace}`;
}

type Selector = { matchExpressions: { key: string; operator: string; values?: string[] }[] };
const notDisabled = { key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] };

/**
 * A tag's MutatingWebhookConfiguration, shaped as the istiod chart's revision-tags template renders it for one tag:
 * `rev.namespace.` and `rev.object.` webhooks selecting istio.io/rev=<tag>, plus for `default` the `namespace.` and
 * `object.` webhooks of the default revision (istio-injection=enabled, sidecar.istio.io/inject=true); all sent to the
 * revision's istiod Service at /inject. `owner` marks it as this component's for the next pre-flight.
 */
export function tagWebhook(tag: string, revision: string, installNamespace: string, owner: string) {
    const service = revisionObjects(revision, installNamespace).service;
    const hook = (prefix: string, namespaceSelector: Selector, objectSelector: Selector) => ({
        name: `${prefix}sidecar-injector.istio.io`,
        clientConfig: { service: { name: service, namespace: installNamespace, path: "/inject", port: 443 } },
        sideEffects: "None",
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
        failurePolicy: "Fail",
        reinvocationPolicy: "Never",
        admissionReviewVersions: ["v1"],
        namespaceSelector,
        objectSelector,
    });
    const webhooks = [
        hook(
            "rev.namespace.",
            { matchExpressions: [{ key: "istio.io/rev", operator: "In", values: [tag] }, { key: "istio-injection", operator: "DoesNotExist" }] },
            { matchExpressions: [notDisabled] },
        ),
        hook(
            "rev.object.",
            { matchExpressions: [{ key: "istio.io/rev", operator: "DoesNotExist" }, { key: "istio-injection", operator: "DoesNotExist" }] },
            { matchExpressions: [notDisabled, { key: "istio.io/rev", operator: "In", values: [tag] }] },
        ),
    ];
    if (tag === DEFAULT_TAG) {
        webhooks.push(
            hook("namespace.", { matchExpressions: [{ key: "istio-injection", operator: "In", values: ["enabled"] }] }, { matchExpressions: [notDisabled] }),
            hook(
                "object.",
                { matchExpressions: [{ key: "istio-injection", operator: "DoesNotExist" }, { key: "istio.io/rev", operator: "DoesNotExist" }] },
                {
                    matchExpressions: [
                        { key: "sidecar.istio.io/inject", operator: "In", values: ["true"] },
                        { key: "istio.io/rev", operator: "DoesNotExist" },
                    ],
                },
            ),
        );
    }
    return {
        apiVersion: "admissionregistration.k8s.io/v1" as const,
        kind: "MutatingWebhookConfiguration" as const,
        metadata: {
            name: tagWebhookName(tag, installNamespace),
            labels: { "istio.io/tag": tag, "istio.io/rev": revision, app: "sidecar-injector", "app.kubernetes.io/name": "istiod" },
            annotations: { [OWNER_ANNOTATION]: owner },
        },
        webhooks,
    };
}

/** A tag's Service (charts 1.28+, templates/revision-tags-svc.yaml): istiod's ports, selecting the revision's pods. */
export function tagService(tag: string, revision: string, installNamespace: string, owner: string) {
    const selector: Record<string, string> = revision === DEFAULT_REVISION ? { app: "istiod", istio: "pilot" } : { app: "istiod", "istio.io/rev": revision };
    return {
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: {
            name: `istiod-revision-tag-${tag}`,
            namespace: installNamespace,
            labels: { "istio.io/rev": revision, "istio.io/tag": tag, app: "istiod", istio: "pilot", "app.kubernetes.io/name": "istiod" },
            annotations: { [OWNER_ANNOTATION]: owner },
        },
        spec: {
            ports: [
                { port: 15010, name: "grpc-xds", protocol: "TCP" },
                { port: 15012, name: "https-dns", protocol: "TCP" },
                { port: 443, name: "https-webhook", targetPort: 15017, protocol: "TCP" },
                { port: 15014, name: "http-monitoring", protocol: "TCP" },
            ],
            selector,
        },
    };
}

/** Whether a tag on `revision` of `version` gets a Service (the chart's minor renders one). */
export function tagHasService(version: IstioVersion): boolean {
    return (minorFacts(version)?.facts ?? { revisionTagService: true }).revisionTagService;
}

export { revisionOf };
