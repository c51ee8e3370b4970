// What the pre-flight checks read from a cluster, as plain data: the pure checks (support.ts, platform.ts,
// conflicts.ts) decide from this snapshot alone, so they are tested without a cluster.
import * as zlib from "zlib";
import { KubeGet, KubeReadError } from "./kube";
import { PresentObject } from "./gatewayapi";

/** A Helm release as its newest storage Secret (`owner=helm`) records it. */
export interface HelmRelease {
    name: string;
    namespace: string;
    chart: string;
    /** Chart version, e.g. `1.24.3-solo`. */
    version: string;
    status: string;
    revision: number;
}

/** An object found by name (Deployments, webhook configurations, operator resources). */
export interface FoundObject {
    kind: string;
    namespace?: string;
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** For Deployments: the first container image. */
    image?: string;
}

export interface ClusterSnapshot {
    /** The API server's /version `gitVersion`, e.g. `v1.33.13` or `v1.30.5-gke.1014001`. */
    serverVersion: string;
    /** Node labels and providerIDs (a sample: the first nodes listed). */
    nodes: { name: string; labels: Record<string, string>; providerID: string }[];
    /** API group names served, e.g. `config.openshift.io`. */
    apiGroups: string[];
    helmReleases: HelmRelease[];
    /** Deployments labelled `app=istiod`, webhook configurations of Istio, and Istio operator resources. */
    objects: FoundObject[];
    /** The public half of the install namespace's `cacerts` Secret (undefined when there is none). */
    cacerts?: { rootCertPem: string; caCertPem: string };
    /** Annotations of the install namespace (undefined when it does not exist). */
    installNamespace?: { annotations: Record<string, string> };
    /** The objects of the Gateway API bundle to apply that already exist (read by name). */
    gatewayApi?: PresentObject[];
    /** What could not be read (e.g. forbidden), so the caller can say what was not checked. */
    unread: string[];
    /** Read for upgradeStrategy RevisionBased only: which revisions pods and namespaces use (REVISION_READS). */
    revisions?: RevisionUse;
    /**
     * The repository Secrets asked for (repository.secrets), in order; undefined when none were asked for or one could
     * not be read (forbidden), so that the engine reads them instead. Kept in memory only: never logged or returned.
     */
    repositorySecrets?: RepositorySecret[];
}

/** A Secret as the chart pull needs it: its type and `.dockerconfigjson` (base64, as the API serves it). */
export interface RepositorySecret {
    namespace: string;
    name: string;
    /** Undefined when there is no Secret of that name. */
    type?: string;
    dockerConfigJson?: string;
}

/** Who uses which istiod revision, as the cluster says before the update. */
export interface RevisionUse {
    /**
     * Pods that run a revision, istiod's own left out: injected ones by the revision their sidecar reports (podRevision),
     * others (ztunnel, gateways of a revision) by their `istio.io/rev` label.
     */
    pods: { namespace: string; revision: string }[];
    /** Namespaces labelled `istio.io/rev` or `istio-injection`, with those labels. */
    namespaces: { name: string; rev?: string; injection?: string }[];
    /** The component's record of when each revision was first seen unused (ConfigMap REVISION_STATE_CONFIGMAP). */
    inactiveSince: Record<string, string>;
}

/**
 * The ConfigMap in the install namespace where the component records since when a revision has had no pods, one
 * annotation per revision (REVISION_IDLE_PREFIX + revision): annotations update in place, where the Kubernetes
 * provider replaces a ConfigMap whose data changes.
 */
export const REVISION_STATE_CONFIGMAP = "servicemesh-revisions";
export const REVISION_IDLE_PREFIX = "servicemesh.pulumi.com/unused-since-";

/** The record's annotations as revision → ISO time. */
export function idleRecord(annotations: Record<string, string> | undefined): Record<string, string> {
    return Object.fromEntries(
        Object.entries(annotations ?? {})
            .filter(([k]) => k.startsWith(REVISION_IDLE_PREFIX))
            .map(([k, v]) => [k.slice(REVISION_IDLE_PREFIX.length), v]),
    );
}

const REVISION_READS = {
    pods: "/api/v1/pods?labelSelector=istio.io%2Frev%2Capp%21%3Distiod",
    revNamespaces: "/api/v1/namespaces?labelSelector=istio.io%2Frev",
    injectionNamespaces: "/api/v1/namespaces?labelSelector=istio-injection",
    /** Every pod of a namespace labelled for injection: the injector labels no pod, it annotates it. */
    namespacePods: (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods?labelSelector=app%21%3Distiod`,
};

/**
 * The revision a pod runs: the injector records it in the `sidecar.istio.io/status` annotation (JSON, "revision",
 * `default` for the revision-less istiod) and labels nothing, since the pod's `istio.io/rev` label may name a tag
 * (pkg/kube/inject/webhook.go getInjectionStatus, 1.22–1.31). Without that annotation, the pod's own `istio.io/rev`
 * label (ztunnel and gateways of a revision carry it); undefined when it has neither.
 */
export function podRevision(metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): string | undefined {
    const status = metadata?.annotations?.["sidecar.istio.io/status"];
    if (status) {
        try {
            const revision = JSON.parse(status)?.revision;
            if (typeof revision === "string" && revision) return revision;
        } catch {
            // Not JSON: fall back to the label.
        }
    }
    return metadata?.labels?.["istio.io/rev"] || undefined;
}

async function readRevisionUse(get: KubeGet, installNamespace: string, unread: string[]): Promise<RevisionUse> {
    const [labelledPods, revNs, injNs, state] = await Promise.all([
        list(get, REVISION_READS.pods, "pods labelled istio.io/rev", unread),
        list(get, REVISION_READS.revNamespaces, "namespaces labelled istio.io/rev", unread),
        list(get, REVISION_READS.injectionNamespaces, "namespaces labelled istio-injection", unread),
        get(`/api/v1/namespaces/${installNamespace}/configmaps/${REVISION_STATE_CONFIGMAP}`).catch((e) => {
            if (e instanceof KubeReadError && (e.status === 403 || e.status === 401)) {
                unread.push(`ConfigMap ${installNamespace}/${REVISION_STATE_CONFIGMAP} (HTTP ${e.status})`);
                return undefined;
            }
            throw e;
        }),
    ]);
    const namespaces = new Map<string, { name: string; rev?: string; injection?: string }>();
    for (const n of [...revNs, ...injNs]) {
        const labels = n.metadata?.labels ?? {};
        namespaces.set(n.metadata?.name, { name: n.metadata?.name, rev: labels["istio.io/rev"], injection: labels["istio-injection"] });
    }
    const namespacePods = await Promise.all([...namespaces.keys()].map((ns) => list(get, REVISION_READS.namespacePods(ns), `pods of namespace ${ns}`, unread)));
    const pods = new Map<string, { namespace: string; revision: string }>();
    for (const p of [...labelledPods, ...namespacePods.flat()]) {
        const revision = podRevision(p.metadata);
        const namespace = p.metadata?.namespace ?? "";
        if (revision) pods.set(`${namespace}/${p.metadata?.name ?? ""}`, { namespace, revision });
    }
    return {
        pods: [...pods.values()],
        namespaces: [...namespaces.values()],
        inactiveSince: idleRecord(state?.metadata?.annotations),
    };
}

/** An object to look up by name: its apiVersion, kind and name (cluster-scoped unless a namespace is given). */
export interface ObjectRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
}

/** The REST path of an object: `apiextensions.k8s.io/v1` CustomResourceDefinition `x` → /apis/apiextensions.k8s.io/v1/customresourcedefinitions/x. */
export function objectPath(ref: ObjectRef): string {
    const lower = ref.kind.toLowerCase();
    const plural = lower.endsWith("y") ? `${lower.slice(0, -1)}ies` : lower.endsWith("s") ? `${lower}es` : `${lower}s`;
    const base = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    return `${base}${ref.namespace ? `/namespaces/${ref.namespace}` : ""}/${plural}/${ref.name}`;
}

/** The objects of `refs` that exist, read at once and kept in `refs`' order; a forbidden read is recorded in `unread`. */
async function presentObjects(get: KubeGet, refs: ObjectRef[], unread: string[]): Promise<PresentObject[]> {
    const items = await Promise.all(
        refs.map((ref) =>
            get(objectPath(ref)).catch((e) => {
                if (e instanceof KubeReadError && (e.status === 403 || e.status === 401)) {
                    unread.push(`${ref.kind} ${ref.name} (HTTP ${e.status})`);
                    return undefined;
                }
                throw e;
            }),
        ),
    );
    return refs.flatMap((ref, i) => {
        const item = items[i];
        return item
            ? [
                  {
                      kind: ref.kind,
                      name: ref.name,
                      labels: item.metadata?.labels ?? {},
                      annotations: item.metadata?.annotations ?? {},
                      managers: ((item.metadata?.managedFields ?? []) as { manager?: string }[]).map((f) => f.manager ?? ""),
                  },
              ]
            : [];
    });
}

/** Istio operator resources other installers leave: the group, its resource and what to call it. */
export const OPERATOR_RESOURCES = [
    { group: "install.istio.io", resource: "istiooperators", kind: "IstioOperator" },
    { group: "sailoperator.io", resource: "istios", kind: "Istio (Sail operator)" },
    { group: "operator.gloo.solo.io", resource: "servicemeshcontrollers", kind: "ServiceMeshController (Gloo operator)" },
] as const;

function meta(item: any, kind: string): FoundObject {
    return {
        kind,
        namespace: item.metadata?.namespace,
        name: item.metadata?.name ?? "",
        labels: item.metadata?.labels ?? {},
        annotations: item.metadata?.annotations ?? {},
        image: item.spec?.template?.spec?.containers?.[0]?.image,
    };
}

/** Helm stores a release as base64(gzip(JSON)) inside the Secret's (base64) data. */
export function decodeHelmRelease(secretData: string): HelmRelease | undefined {
    try {
        const inner = Buffer.from(Buffer.from(secretData, "base64").toString("utf8"), "base64");
        const json = JSON.parse((inner[0] === 0x1f && inner[1] === 0x8b ? zlib.gunzipSync(inner) : inner).toString("utf8"));
        return {
            name: json.name,
            namespace: json.namespace,
            chart: json.chart?.metadata?.name ?? "",
            version: json.chart?.metadata?.version ?? "",
            status: json.info?.status ?? "",
            revision: json.version ?? 0,
        };
    } catch {
        return undefined;
    }
}

/** Reads one list; a forbidden read is recorded in `unread` instead of failing the whole pre-flight. */
async function list(get: KubeGet, apiPath: string, what: string, unread: string[]): Promise<any[]> {
    try {
        return (await get(apiPath))?.items ?? [];
    } catch (e) {
        if (e instanceof KubeReadError && (e.status === 403 || e.status === 401)) {
            unread.push(`${what} (HTTP ${e.status})`);
            return [];
        }
        throw e;
    }
}

/**
 * Helm's release Secrets, newest record of each release. Superseded records are left out by label: a release's newest
 * record is never superseded, and the older ones (every upgrade keeps one, each holding the whole chart) are most of
 * the bytes.
 */
export const HELM_RELEASES_PATH = "/api/v1/secrets?labelSelector=owner%3Dhelm%2Cstatus%21%3Dsuperseded";

function newestHelmReleases(secrets: any[]): HelmRelease[] {
    const newest = new Map<string, any>();
    for (const s of secrets) {
        const key = `${s.metadata.namespace}/${s.metadata.labels?.name}`;
        const rev = Number(s.metadata.labels?.version ?? 0);
        if (!newest.has(key) || Number(newest.get(key).metadata.labels?.version ?? 0) < rev) {
            newest.set(key, s);
        }
    }
    return [...newest.values()].map((s) => decodeHelmRelease(s.data?.release ?? "")).filter((r): r is HelmRelease => r !== undefined);
}

const WEBHOOK_KINDS = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/**
 * One pass over the cluster: every read that does not depend on another is sent at once, then the operator
 * resources of the API groups the cluster serves. Each path is read once.
 */
export async function readSnapshot(
    get: KubeGet,
    installNamespace: string,
    gatewayApi: ObjectRef[] = [],
    revisions = false,
    secrets: { namespace: string; name: string }[] = [],
): Promise<ClusterSnapshot> {
    const unread: string[] = [];
    const [version, apis, nodes, istiods, helmSecrets, ns, cacerts, present, repositorySecrets, revisionUse, ...webhookLists] = await Promise.all([
        get("/version"),
        get("/apis"),
        list(get, "/api/v1/nodes?limit=5", "nodes", unread),
        list(get, "/apis/apps/v1/deployments?labelSelector=app%3Distiod", "istiod Deployments", unread),
        list(get, HELM_RELEASES_PATH, "Helm release Secrets", unread),
        get(`/api/v1/namespaces/${installNamespace}`).catch((e) => {
            if (e instanceof KubeReadError && e.status === 403) {
                unread.push(`namespace ${installNamespace} (HTTP 403)`);
                return undefined;
            }
            throw e;
        }),
        deployedCacerts(get, installNamespace, unread),
        presentObjects(get, gatewayApi, unread),
        readRepositorySecrets(get, secrets),
        revisions ? readRevisionUse(get, installNamespace, unread) : Promise.resolve(undefined),
        ...WEBHOOK_KINDS.map((kind) => list(get, `/apis/admissionregistration.k8s.io/v1/${kind.toLowerCase()}s`, `${kind}s`, unread)),
    ]);
    const groups = (apis?.groups ?? []) as { name: string; preferredVersion?: { version: string } }[];
    const operators = await Promise.all(
        OPERATOR_RESOURCES.map(async (op) => {
            const group = groups.find((g) => g.name === op.group);
            if (!group?.preferredVersion) return [];
            const items = await list(get, `/apis/${op.group}/${group.preferredVersion.version}/${op.resource}`, op.kind, unread);
            return items.map((i) => meta(i, op.kind));
        }),
    );
    const objects: FoundObject[] = [
        ...istiods.map((d) => meta(d, "Deployment")),
        ...WEBHOOK_KINDS.flatMap((kind, i) => webhookLists[i].filter((w: any) => /istio/.test(w.metadata?.name ?? "")).map((w: any) => meta(w, kind))),
        ...operators.flat(),
    ];
    return {
        cacerts,
        serverVersion: version?.gitVersion ?? "",
        nodes: nodes.map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {}, providerID: n.spec?.providerID ?? "" })),
        apiGroups: groups.map((g) => g.name),
        helmReleases: newestHelmReleases(helmSecrets),
        objects,
        installNamespace: ns ? { annotations: ns.metadata?.annotations ?? {} } : undefined,
        gatewayApi: present,
        unread: unread.sort(),
        ...(revisionUse ? { revisions: revisionUse } : {}),
        ...(repositorySecrets ? { repositorySecrets } : {}),
    };
}

/**
 * The repository Secrets, read with the rest of the snapshot so that the charts are pulled as soon as the pre-flight
 * passes (an engine read would queue behind the other steps of every cluster). Undefined when none are asked for or one
 * is forbidden: the engine then reads them with the provider's own credentials.
 */
async function readRepositorySecrets(get: KubeGet, refs: { namespace: string; name: string }[]): Promise<RepositorySecret[] | undefined> {
    if (!refs.length) return undefined;
    try {
        return await Promise.all(
            refs.map(async (ref) => {
                const secret = await get(`/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/secrets/${encodeURIComponent(ref.name)}`);
                return { ...ref, type: secret?.type, dockerConfigJson: secret?.data?.[".dockerconfigjson"] };
            }),
        );
    } catch (e) {
        if (e instanceof KubeReadError && (e.status === 403 || e.status === 401)) return undefined;
        throw e;
    }
}

/** Only the certificates are kept: the key is never decoded. */
async function deployedCacerts(get: KubeGet, installNamespace: string, unread: string[]): Promise<ClusterSnapshot["cacerts"]> {
    const secret = await get(`/api/v1/namespaces/${installNamespace}/secrets/cacerts`).catch((e) => {
        if (e instanceof KubeReadError && (e.status === 403 || e.status === 401)) {
            unread.push(`Secret ${installNamespace}/cacerts (HTTP ${e.status})`);
            return undefined;
        }
        throw e;
    });
    const file = (key: string) => (secret?.data?.[key] ? Buffer.from(secret.data[key], "base64").toString("utf8") : "");
    return secret && file("root-cert.pem") && file("ca-cert.pem") ? { rootCertPem: file("root-cert.pem"), caCertPem: file("ca-cert.pem") } : undefined;
}
