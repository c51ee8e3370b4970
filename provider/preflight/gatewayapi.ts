// Pure decision of the pre-flight on the Gateway API objects already in the cluster: install the bundle, upgrade an
// older standard one, or leave what is there alone. The component never downgrades these CRDs, never takes over ones
// another tool manages, and never deletes on destroy objects it did not create (patches of others' objects are
// retained on delete, see gatewayapi/resources.ts).
import { BUNDLE_VERSION_ANNOTATION, Bundle, CHANNEL_ANNOTATION, compareBundleVersions, isCrd } from "../gatewayapi/bundle";
import { OWNER_ANNOTATION } from "./conflicts";

/** How the component applied an object, recorded on it: `created` (deleted on destroy) or `upgraded` (kept). */
export const APPLIED_ANNOTATION = "servicemesh.pulumi.com/gateway-api";

/** A Gateway API object found in the cluster. */
export interface PresentObject {
    kind: string;
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** Field managers in its managedFields (e.g. `kubectl-client-side-apply`, `pulumi-kubernetes-1a2b3c4d`). */
    managers: string[];
}

export interface GatewayApiPlan {
    /** install: none present; upgrade: an older standard bundle is replaced; manage: ours, applied again; leave: untouched. */
    action: "install" | "upgrade" | "manage" | "leave";
    /** Per bundle object (`Kind/name`): created as a resource, or patched over what is there. Empty when left alone. */
    modes: Record<string, "create" | "patch">;
    /** The bundle in force after the update. */
    version: string;
    channel: string;
    /** Whether this component applies (and so upgrades) the bundle. */
    managed: boolean;
    /** What was decided and why, for the component's log. */
    message: string;
    /** Set when the update must stop: the component's own CRDs were upgraded by someone else past its bundle. */
    error?: string;
}

export const objectKey = (o: { kind: string; metadata?: { name: string }; name?: string }): string => `${o.kind}/${o.metadata?.name ?? o.name}`;

/** Labels by which cloud add-ons and other tools mark objects they keep in place. */
const MANAGER_LABELS: [string, (value: string) => string | undefined][] = [
    ["addonmanager.kubernetes.io/mode", (v) => `the cluster's add-on manager (mode ${v})`],
    ["app.kubernetes.io/managed-by", (v) => (v.toLowerCase() === "pulumi" ? undefined : `"${v}" (app.kubernetes.io/managed-by)`)],
    ["argocd.argoproj.io/instance", (v) => `Argo CD application "${v}"`],
    ["kustomize.toolkit.fluxcd.io/name", (v) => `Flux kustomization "${v}"`],
    ["helm.toolkit.fluxcd.io/name", (v) => `Flux Helm release "${v}"`],
];

/** Who else manages an object, or undefined. Another component's owner mark counts too. */
export function otherManager(o: PresentObject, owner: string): string | undefined {
    const mark = o.annotations[OWNER_ANNOTATION];
    // An object another component only upgraded (and kept when it was destroyed) is no more its than ours.
    if (mark && mark !== owner && o.annotations[APPLIED_ANNOTATION] !== "upgraded") {
        return `the servicemesh component ${mark}`;
    }
    for (const [label, describe] of MANAGER_LABELS) {
        const value = o.labels[label];
        const who = value !== undefined ? describe(value) : undefined;
        if (who) return who;
    }
    return undefined;
}

function newest(crds: PresentObject[]): { version?: string; unreadable: boolean } {
    let best: string | undefined;
    let unreadable = false;
    for (const c of crds) {
        const v = c.annotations[BUNDLE_VERSION_ANNOTATION];
        if (!v || compareBundleVersions(v, v) === undefined) {
            unreadable = true;
            continue;
        }
        if (!best || compareBundleVersions(v, best)! > 0) best = v;
    }
    return { version: best, unreadable };
}

/**
 * Objects this component applied: marked with its owner, or (applied by a version of it from before the mark) unmarked
 * but written by the Pulumi Kubernetes provider. The latter may also be another Pulumi program's: then registering
 * them fails on "already exists", alone, instead of deleting anything.
 */
function isOurs(p: PresentObject, owner: string): boolean {
    const mark = p.annotations[OWNER_ANNOTATION];
    return mark === owner || (mark === undefined && p.managers.some((m) => m.startsWith("pulumi-kubernetes")));
}

export function decideGatewayApi(bundle: Bundle, present: PresentObject[], owner: string): GatewayApiPlan {
    const wanted = bundle.version ?? "unknown";
    const channel = bundle.channel ?? "standard";
    const byKey = new Map(present.map((p) => [objectKey(p), p]));
    const ours = (p: PresentObject) => isOurs(p, owner);
    // Absent objects and those this component created are resources of its own; the rest are patched over.
    const created = (p: PresentObject) => ours(p) && p.annotations[APPLIED_ANNOTATION] !== "upgraded";
    const modes = Object.fromEntries(
        bundle.objects.map((o) => {
            const p = byKey.get(objectKey(o));
            return [objectKey(o), !p || created(p) ? "create" : "patch"];
        }),
    ) as Record<string, "create" | "patch">;
    const crds = present.filter(isCrd);
    if (crds.length === 0) {
        return { action: "install", modes, version: wanted, channel, managed: true, message: `gatewayApi: installing the Gateway API ${wanted} (${channel}) bundle from ${bundle.source}` };
    }
    const found = newest(crds);
    const foundChannel = crds.map((c) => c.annotations[CHANNEL_ANNOTATION]).find((c) => c) ?? "unknown";
    const order = found.version && bundle.version ? compareBundleVersions(found.version, bundle.version) : undefined;
    const managedBy = present.map((p) => ({ p, who: ours(p) ? undefined : otherManager(p, owner) })).find((m) => m.who);
    const refuse = (error: string): GatewayApiPlan => ({ action: "leave", modes: {}, version: found.version ?? "unknown", channel: foundChannel, managed: false, message: error, error });

    // Objects of its own are never left alone: no longer registering them would delete them. It applies its bundle
    // again, or refuses when that would downgrade them or take over someone else's.
    if (present.some(ours)) {
        if (order !== undefined && order > 0) {
            return refuse(
                `gatewayApi: the Gateway API CRDs this component applied were upgraded outside it to ${found.version} (its bundle is ${wanted}); it does not downgrade them (got manifest "${bundle.source}"); allowed: a gatewayApi.manifest of ${found.version} or newer`,
            );
        }
        if (managedBy) {
            return refuse(
                `gatewayApi: ${managedBy.p.kind} ${managedBy.p.name} is managed by ${managedBy.who}, next to Gateway API objects this component applied; it neither takes it over nor leaves its own (got manifest "${bundle.source}"); allowed: gatewayApi.install: false after removing the component's objects from the stack, or removing the other manager's`,
            );
        }
        const what = order !== undefined && order < 0 ? `upgrading its Gateway API bundle from ${found.version} to ${wanted}` : `keeping its Gateway API ${wanted} bundle`;
        return { action: "manage", modes, version: wanted, channel, managed: true, message: `gatewayApi: ${what} (${channel})` };
    }

    const leave = (why: string): GatewayApiPlan => ({
        action: "leave",
        modes: {},
        version: found.version ?? "unknown",
        channel: foundChannel,
        managed: false,
        message: `gatewayApi: leaving the Gateway API CRDs in the cluster alone (${found.version ?? "bundle version unknown"}, channel ${foundChannel}): ${why}; the ${wanted} bundle is not applied`,
    });
    if (managedBy) {
        return leave(`${managedBy.p.kind} ${managedBy.p.name} is managed by ${managedBy.who}`);
    }
    if (crds.some((c) => c.annotations[CHANNEL_ANNOTATION] === "experimental")) {
        return leave("they are from the experimental channel, which the standard bundle must not replace");
    }
    if (found.unreadable || order === undefined) {
        return leave(`their bundle version cannot be compared with ${wanted}, so they are not replaced`);
    }
    if (order >= 0) {
        return leave(order === 0 ? "the same bundle is already installed" : "a newer bundle is already installed; the component never downgrades it");
    }
    return {
        action: "upgrade",
        modes,
        version: wanted,
        channel,
        managed: true,
        message: `gatewayApi: upgrading the Gateway API CRDs from ${found.version} (standard, applied outside this component) to ${wanted}; the upgraded objects are kept when the component is destroyed`,
    };
}
