// Pure conflict detection: which Istio installs in a snapshot belong to someone else, which of them onConflict Force
// can take over, and which Istio version is deployed where this component installs.
//
// Ownership: the component writes OWNER_ANNOTATION (`<project>/<stack>/<component name>`) on its install namespace
// before any release. A release is this component's when it sits in that namespace, has one of the component's release
// names and chart, and the namespace carries this component's owner value. Everything else of Istio is a conflict.
// The mark lives in the cluster (not only in Pulumi state), so an install made outside Pulumi is never mistaken for
// ours, and a stack that lost its state is told about the release it left behind instead of failing inside Helm.
import { IstioVersion } from "../spec/versions";
import { ClusterSnapshot, FoundObject, HelmRelease } from "./snapshot";

export const OWNER_ANNOTATION = "servicemesh.pulumi.com/owner";

/** Chart names of Istio control planes and data planes (upstream and older names). Gateways are user workloads. */
export const ISTIO_CHARTS = ["base", "istiod", "cni", "ztunnel", "istio-discovery", "istio-cni", "istiod-remote"];

export interface Conflict {
    /** One line naming the object, e.g. `Helm release istio-system/istiod (chart istiod 1.24.3-solo, deployed)`. */
    what: string;
    /** Set when onConflict Force can take it over: a Helm release of the same name and chart in the install namespace. */
    adopt?: { namespace: string; name: string };
    /** How to remove it by hand. */
    remedy: string;
}

export interface ConflictScan {
    conflicts: Conflict[];
    /** The Istio version running where this component installs, and where it was read. */
    deployed?: { version: IstioVersion; source: string };
}

export interface Ownership {
    installNamespace: string;
    owner: string;
    /** Release name → chart name of the releases this component installs. */
    releases: Record<string, string>;
    /** The component installs istiod revisions (RevisionBased): every `istiod-<revision>` and `istiod` release in the install namespace is its own. */
    revisions?: boolean;
}

function chartVersionOf(text: string | undefined): IstioVersion | undefined {
    const m = /^v?1\.(\d+)\.(\d+)/.exec(text ?? "");
    return m ? { major: 1, minor: Number(m[1]), patch: Number(m[2]) } : undefined;
}

function describeRelease(r: HelmRelease): string {
    return `Helm release ${r.namespace}/${r.name} (chart ${r.chart} ${r.version}, ${r.status})`;
}

function describeObject(o: FoundObject): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

export function scanConflicts(snapshot: ClusterSnapshot, own: Ownership): ConflictScan {
    const nsOwned = snapshot.installNamespace?.annotations[OWNER_ANNOTATION] === own.owner;
    const sameSlot = (r: HelmRelease) => r.namespace === own.installNamespace && (own.releases[r.name] === r.chart || isRevisionSlot(r, own));
    const istioReleases = snapshot.helmReleases.filter((r) => ISTIO_CHARTS.includes(r.chart));
    const conflicts: Conflict[] = [];
    for (const r of istioReleases) {
        if (sameSlot(r) && nsOwned) {
            continue;
        }
        conflicts.push({
            what: describeRelease(r),
            adopt: sameSlot(r) ? { namespace: r.namespace, name: r.name } : undefined,
            remedy: `helm uninstall -n ${r.namespace} ${r.name}`,
        });
    }
    const helmManaged = (o: FoundObject) =>
        istioReleases.some((r) => r.name === o.annotations["meta.helm.sh/release-name"] && r.namespace === o.annotations["meta.helm.sh/release-namespace"]);
    for (const o of snapshot.objects) {
        // Objects of a Helm release are covered by their release's line (ours, or listed above); revision tags this
        // component applied carry its owner mark.
        if (helmManaged(o) || o.annotations[OWNER_ANNOTATION] === own.owner) {
            continue;
        }
        const kind = o.kind.replace(/ \(.*\)$/, "");
        conflicts.push({
            what: describeObject(o),
            remedy: o.kind.includes("operator") || o.kind === "IstioOperator"
                ? `delete the ${kind} (its operator uninstalls the mesh it manages)`
                : `kubectl delete ${o.kind.toLowerCase()} ${o.namespace ? `-n ${o.namespace} ` : ""}${o.name}`,
        });
    }
    return { conflicts, deployed: deployedVersion(snapshot, own) };
}

/** An istiod revision release (`istiod-1-30-2`) of a component that installs revisions (RevisionBased). */
function isRevisionSlot(r: HelmRelease, own: Ownership): boolean {
    return !!own.revisions && r.chart === "istiod" && (/^istiod-1-\d+-\d+$/.test(r.name) || r.name === "istiod");
}

/**
 * From the istiod (else base) release where this component installs (with revisions: the newest istiod revision),
 * else from the istiod Deployment's image tag.
 */
function deployedVersion(snapshot: ClusterSnapshot, own: Ownership): ConflictScan["deployed"] {
    for (const chart of ["istiod", "base"]) {
        const r = snapshot.helmReleases
            .filter((x) => x.namespace === own.installNamespace && x.chart === chart && (own.releases[x.name] === chart || (chart === "istiod" && isRevisionSlot(x, own))))
            .sort((a, b) => (chartVersionOf(b.version)?.minor ?? 0) - (chartVersionOf(a.version)?.minor ?? 0) || (chartVersionOf(b.version)?.patch ?? 0) - (chartVersionOf(a.version)?.patch ?? 0))[0];
        const version = chartVersionOf(r?.version);
        if (r && version) {
            return { version, source: `Helm release ${r.namespace}/${r.name}, chart ${r.chart} ${r.version}` };
        }
    }
    const istiod = snapshot.objects.find((o) => o.kind === "Deployment" && o.namespace === own.installNamespace);
    const version = chartVersionOf(istiod?.image?.split(":").pop());
    return istiod && version ? { version, source: `Deployment ${own.installNamespace}/${istiod.name}, image ${istiod.image}` } : undefined;
}

/**
 * The pre-flight's verdict on conflicts: Abort refuses any; Force refuses only what it cannot take over (objects that
 * are not a same-named Helm release in the install namespace), naming each and how to remove it.
 */
export function conflictProblem(conflicts: Conflict[], onConflict: "Force" | "Abort", installNamespace: string): string | undefined {
    const blocking = onConflict === "Abort" ? conflicts : conflicts.filter((c) => !c.adopt);
    if (!blocking.length) {
        return undefined;
    }
    const found = blocking.map((c) => `${c.what} [remove: ${c.remedy}]`).join("; ");
    const force = blocking.every((c) => c.adopt)
        ? ", or onConflict: Force to take them over"
        : `; onConflict: Force takes over only Helm releases of this component's names and charts in ${installNamespace}`;
    return `onConflict: ${onConflict} found Istio installed by something other than this component: ${found}; allowed: remove them${force}`;
}
