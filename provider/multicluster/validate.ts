// Validation of MultiClusterMesh inputs and resolution of its links (pure). Shared settings are validated by
// resolving one ServiceMeshController spec per cluster, so the mesh rejects exactly what a cluster would.
import { z } from "zod";
import { ControllerSpec, resolveControllerSpec } from "../spec/validate";
import { SpecError, dnsLabel, dnsSubdomain, holdsDeferred, resolveInputs } from "../spec/inputs";
import { checkOverrides, isPlainObject, layerOverrides, overridesShapeProblems } from "../render/overrides";
import { MIN_MULTICLUSTER_VERSION, compareVersions, formatVersion, parseVersion } from "../spec/versions";
import { rotationRefusal } from "../trust/support";
import { MeshAccessOptions, meshAccessProblems } from "../cluster/provider";
import { withCurrentNames } from "../spec/renames";
import { remotePeerProblems } from "./remote";

export interface ResolvedCluster {
    name: string;
    network: string;
    trustDomain: string;
    eastWestAddress?: string;
    /** The cluster's own east-west gateway settings (merged over the mesh's). */
    eastWestGateway?: Record<string, unknown>;
    /** The cluster's own `values` (merged over the mesh's). */
    values?: unknown;
    /** The cluster's own revision settings, replacing the mesh's (CLUSTER_REVISION_FIELDS). */
    revisions: Record<string, unknown>;
}

/** Revision settings a cluster may set for itself (e.g. one cluster canaried before the others). */
const CLUSTER_REVISION_FIELDS = ["upgradeStrategy", "revisionTags", "forceRemoveRevisions"] as const;

export interface ResolvedLink {
    from: string;
    to: string;
}

export interface MeshSpec {
    clusters: ResolvedCluster[];
    links: ResolvedLink[];
    /** Each cluster's controller spec, by cluster name. */
    controllers: Record<string, ControllerSpec>;
    /** The inputs under their current names (provider/spec/renames.ts). */
    inputs: unknown;
    /** One warning per deprecated name the inputs used. */
    deprecations: string[];
}

/** The mesh's inputs with each cluster's deprecated names moved to the current ones. */
function meshWithCurrentNames(raw: unknown): { value: unknown; warnings: string[]; problems: string[] } {
    const clusters = (raw as { clusters?: unknown } | undefined)?.clusters;
    if (!Array.isArray(clusters)) return { value: raw, warnings: [], problems: [] };
    const renamed = clusters.map((c, i) => withCurrentNames("MeshCluster", c, `clusters[${i}]`));
    return {
        value: { ...(raw as object), clusters: renamed.map((r) => r.value) },
        warnings: renamed.flatMap((r) => r.warnings),
        problems: renamed.flatMap((r) => r.problems),
    };
}

const clusterSchema = z
    .object({
        cluster: dnsLabel("the cluster name"),
        network: dnsLabel("the network name").optional(),
        trustDomain: dnsSubdomain("a trust domain").optional(),
        kubeconfig: z.any().optional(),
        context: z.any().optional(),
        // A Kubernetes provider resource (checked by cluster/provider.ts meshAccessProblems).
        provider: z.any().optional(),
        // Checked with the mesh's settings, as the member's eastWestGateway (spec/eastwest.ts).
        eastWestGateway: z.record(z.string(), z.any(), { error: "is not an object; allowed: east-west gateway settings, e.g. {annotations: {...}}" }).optional(),
        values: z.any().optional(),
        // Checked with the cluster's controller spec.
        upgradeStrategy: z.any().optional(),
        revisionTags: z.any().optional(),
        forceRemoveRevisions: z.any().optional(),
    })
    .strict();

// Only the mesh's own fields; the shared ServiceMeshController settings pass through to resolveControllerSpec.
const meshSchema = z
    .object({
        clusters: z.array(clusterSchema, { error: "is required; allowed: a list of {cluster, network?, trustDomain?, kubeconfig?, context?, provider?}" }),
        links: z.array(z.object({ from: z.string(), to: z.string() }).strict()).optional(),
        rootOfTrust: z.any().optional(),
        // Checked by remotePeerProblems (now, or once known when it comes from a StackReference).
        remotePeers: z.any().optional(),
        eastWestGateway: z.record(z.string(), z.any(), { error: "is not an object; allowed: east-west gateway settings, e.g. {exposure: Internal}" }).optional(),
    })
    .passthrough();

const SHARED_FIELDS = [
    "version",
    "dataplaneMode",
    "distribution",
    "image",
    "repository",
    "scalingProfile",
    "installNamespace",
    "onConflict",
    "platform",
    "allowVersionSkew",
    "removeCrdsOnDelete",
    "trafficCaptureMode",
    "gatewayApi",
    "timeoutSeconds",
    "license",
    "allowProtectedValueOverrides",
    "upgradeStrategy",
    "revisionTags",
    "inactiveRevisionDeletionGracePeriodSeconds",
    "forceRemoveRevisions",
] as const;
type SharedField = (typeof SHARED_FIELDS)[number];

/**
 * The ServiceMeshController inputs of one mesh member: the mesh's shared settings (those it was given) plus the
 * cluster's identity and its east-west gateway. Validation and the component build members from the same inputs.
 */
export function controllerArgsFor<T extends object>(mesh: T, cluster: ResolvedCluster): Pick<T, Extract<keyof T, SharedField>> & MemberArgs {
    const record = mesh as Record<string, unknown>;
    // A cluster kept InPlace does not take the mesh's revision tags (they would be refused there); the grace period and
    // forced removals still apply to revisions it goes back from.
    const inPlace = cluster.revisions.upgradeStrategy === "InPlace";
    const revisionOnly = ["revisionTags"];
    const shared = Object.fromEntries(
        SHARED_FIELDS.filter((f) => record[f] !== undefined && !(inPlace && revisionOnly.includes(f))).map((f) => [f, record[f]]),
    );
    return {
        ...(shared as Pick<T, Extract<keyof T, SharedField>>),
        cluster: cluster.name,
        network: cluster.network,
        trustDomain: cluster.trustDomain,
        eastWestGateway: memberEastWest(record.eastWestGateway as Record<string, unknown> | undefined, cluster),
        values: layerOverrides(record.values, cluster.values),
        ...cluster.revisions,
    };
}

/** A member's east-west settings: the mesh's, the cluster's over them (maps merged key by key), its fixed address. */
function memberEastWest(mesh: Record<string, unknown> | undefined, cluster: ResolvedCluster): Record<string, unknown> {
    const own = cluster.eastWestGateway ?? {};
    const merged: Record<string, unknown> = { ...mesh, ...own };
    for (const key of ["annotations", "labels"]) {
        const layers = [mesh?.[key], own[key]].filter((v) => v !== undefined);
        if (layers.length === 2) merged[key] = Object.assign({}, ...layers);
    }
    if (cluster.eastWestAddress !== undefined) merged.address = cluster.eastWestAddress;
    // The mesh's load balancer settings do not bind a cluster whose own gateway is a NodePort one.
    if (merged.serviceType === "NodePort") {
        for (const key of ["exposure", "loadBalancerSourceRanges"]) {
            if (own[key] === undefined) delete merged[key];
        }
    }
    return merged;
}

interface MemberArgs {
    cluster: string;
    network: string;
    trustDomain: string;
    eastWestGateway: Record<string, unknown>;
    values: ReturnType<typeof layerOverrides>;
}

export function resolveMeshSpec(raw: unknown, component = "MultiClusterMesh", access: MeshAccessOptions = {}): MeshSpec {
    const renamed = meshWithCurrentNames(raw);
    let spec: Resolved;
    try {
        spec = resolveInputs(meshSchema, renamed.value, component, (input, problems) => checkMesh(input as MeshInput, problems, component, access));
    } catch (e) {
        throw e instanceof SpecError && renamed.problems.length ? new SpecError(component, [...renamed.problems, ...e.problems]) : e;
    }
    if (renamed.problems.length) throw new SpecError(component, renamed.problems);
    return { ...spec, inputs: renamed.value, deprecations: renamed.warnings };
}

type MeshInput = z.infer<typeof meshSchema> & Record<string, unknown>;
type Resolved = Omit<MeshSpec, "inputs" | "deprecations">;

/** The checks across the mesh's fields, and its resolution (returned even with problems: the caller throws). */
function checkMesh(input: MeshInput, problems: string[], component: string, access: MeshAccessOptions): Resolved {
    problems.push(...meshAccessProblems(input.clusters.map((c) => ({ ...c, name: c.cluster })), access));

    const unknown = Object.keys(input).filter((k) => !["clusters", "links", "remotePeers", "rootOfTrust", "values", "eastWestGateway", ...SHARED_FIELDS].includes(k));
    if ((input.eastWestGateway as Record<string, unknown> | undefined)?.address !== undefined) {
        problems.push(`eastWestGateway.address: is per cluster (got ${JSON.stringify(input.eastWestGateway!.address)}); allowed: clusters[].eastWestGateway.address`);
    }
    if (unknown.length) {
        problems.push(`unknown field ${unknown.map((k) => `"${k}"`).join(", ")}; check the spelling against the documented inputs`);
    }
    const version = typeof input.version === "string" ? parseVersion(input.version) : undefined;
    if (version && compareVersions(version, MIN_MULTICLUSTER_VERSION) < 0) {
        problems.push(`version: multicluster needs ${formatVersion(MIN_MULTICLUSTER_VERSION)} or later (got "${input.version}"); allowed: 1.24.3 or later`);
    }
    const stage = (input.rootOfTrust as { rotation?: { stage?: unknown } } | undefined)?.rotation?.stage;
    const refusal = version && stage !== undefined && stage !== "Current" && rotationRefusal(version, "Ambient");
    if (refusal) {
        problems.push(`rootOfTrust.rotation.stage: ${stage} (got version "${input.version}"): ${refusal}`);
    }
    if (input.dataplaneMode !== undefined && input.dataplaneMode !== "Ambient") {
        problems.push(
            `dataplaneMode: multicluster supports Ambient only (got ${JSON.stringify(input.dataplaneMode)}); Sidecar multi-primary is not supported yet`,
        );
    }

    const clusters: ResolvedCluster[] = input.clusters.map((c) => ({
        name: c.cluster,
        network: c.network ?? c.cluster,
        trustDomain: c.trustDomain ?? c.cluster,
        eastWestAddress: c.eastWestGateway?.address as string | undefined,
        eastWestGateway: c.eastWestGateway,
        values: c.values,
        revisions: Object.fromEntries(CLUSTER_REVISION_FIELDS.filter((f) => c[f] !== undefined).map((f) => [f, c[f]])),
    }));
    if (clusters.length === 0) {
        problems.push("clusters: is empty; allowed: at least one cluster");
    }
    for (const [field, what, values] of [
        ["cluster", "cluster name", clusters.map((c) => c.name)],
        ["network", "network", clusters.map((c) => c.network)],
    ] as const) {
        const dupes = [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
        for (const d of dupes) {
            problems.push(`clusters[].${field}: "${d}" is used by more than one cluster; allowed: a unique ${what} per cluster`);
        }
    }

    // Values are checked per layer, so a problem names the layer it is in; the merged ones are not reported again below.
    const allowProtected = input.allowProtectedValueOverrides === true;
    const ambientCharts = ["base", "istiod", "cni", "ztunnel"] as const;
    for (const [field, values] of [["values", input.values], ...input.clusters.map((c, i) => [`clusters[${i}] (${c.cluster}).values`, c.values])] as [string, unknown][]) {
        problems.push(...overridesShapeProblems(values, ambientCharts, field));
        if (isPlainObject(values)) {
            problems.push(...checkOverrides(values, allowProtected, field).problems);
        }
    }

    const names = new Set(clusters.map((c) => c.name));
    const cas = (input.rootOfTrust as { clusterCas?: { cluster?: string }[] } | undefined)?.clusterCas;
    if (cas) {
        const given = cas.map((c) => c.cluster ?? "");
        const missing = [...names].filter((n) => !given.includes(n));
        const extra = given.filter((n) => !names.has(n));
        if (missing.length || extra.length) {
            problems.push(
                `rootOfTrust.clusterCas: must hold one entry per cluster of the mesh (missing: ${missing.join(", ") || "none"}; not in the mesh: ${extra.join(", ") || "none"})`,
            );
        }
    }
    let links: ResolvedLink[];
    if (input.links === undefined) {
        links = clusters.flatMap((a) => clusters.filter((b) => b.name !== a.name).map((b) => ({ from: a.name, to: b.name })));
    } else {
        // A link to a cluster of another stack (remotePeers) is the remote side's (remote.ts); `from` is always local.
        const remote = input.remotePeers !== undefined;
        links = input.links.filter((l) => !remote || names.has(l.to));
        const seen = new Set<string>();
        input.links.forEach((l, i) => {
            for (const end of ["from", "to"] as const) {
                if (!names.has(l[end]) && !(remote && end === "to")) {
                    const owner = end === "from" && remote ? " (a link belongs to the stack of its sending cluster)" : "";
                    problems.push(`links[${i}].${end}: "${l[end]}" is not a cluster of this mesh${owner}; allowed: ${[...names].join(", ")}`);
                }
            }
            if (l.from === l.to) {
                problems.push(`links[${i}]: links cluster "${l.from}" to itself; allowed: a link between two different clusters`);
            }
            const key = `${l.from}->${l.to}`;
            if (seen.has(key)) {
                problems.push(`links[${i}]: ${key} is listed twice`);
            }
            seen.add(key);
        });
    }

    if (input.remotePeers !== undefined && !holdsDeferred(input.remotePeers)) {
        problems.push(...remotePeerProblems(input.remotePeers, clusters, input.links));
    }

    // Each cluster's controller spec: the shared settings plus the cluster's identity and multicluster role.
    const controllers: Record<string, ControllerSpec> = {};
    for (const c of clusters) {
        try {
            controllers[c.name] = resolveControllerSpec(controllerArgsFor(input, c), component);
        } catch (e) {
            if (!(e instanceof SpecError)) throw e;
            // Shared settings fail the same way for every cluster: report them once.
            for (const p of e.problems) {
                // The mesh states its own multicluster version/mode rules above.
                if (/^(version|dataplaneMode): multicluster/.test(p) || /^values[.:]/.test(p)) continue;
                const field = /^eastWestGateway\.([A-Za-z]+)/.exec(p)?.[1];
                const line = field && c.eastWestGateway && field in c.eastWestGateway ? `clusters (${c.name}): ${p}` : p;
                if (!problems.includes(line)) problems.push(line);
            }
        }
    }
    return { clusters, links, controllers };
}
