// Istio version facts the component depends on: parsing, ordering and the Solo distribution's per-minor repositories.

/** A parsed `1.x.y` Istio version. */
export interface IstioVersion {
    major: number;
    minor: number;
    patch: number;
}

export const VERSION_PATTERN = /^1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseVersion(text: string): IstioVersion | undefined {
    const m = VERSION_PATTERN.exec(text);
    return m ? { major: 1, minor: Number(m[1]), patch: Number(m[2]) } : undefined;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: IstioVersion, b: IstioVersion): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(v: IstioVersion): string {
    return `${v.major}.${v.minor}.${v.patch}`;
}

/** Ambient mode in the Solo distribution needs 1.22.3 or later (Gloo Mesh Core 2.6+). */
export const MIN_AMBIENT_VERSION: IstioVersion = { major: 1, minor: 22, patch: 3 };

/** Multicluster ambient in the Solo distribution needs 1.24.3 or later (Gloo Mesh 2.7+). */
export const MIN_MULTICLUSTER_VERSION: IstioVersion = { major: 1, minor: 24, patch: 3 };

/**
 * Ambient meshes can run istiod revisions side by side from 1.23: its ztunnel chart follows the `revision` value
 * (istio.io/rev label, XDS and CA address istiod-<revision>) and Istio's ambient upgrade guide organises namespaces
 * and waypoints by revision tags from that release. ztunnel and istio-cni themselves are upgraded in place only.
 */
export const MIN_AMBIENT_REVISIONS_VERSION: IstioVersion = { major: 1, minor: 23, patch: 0 };

/**
 * Minors of difference ztunnel (and istio-cni) may have from an istiod: Istio's ambient upgrade guide (1.22–1.31)
 * "the ztunnel at version 1.x is generally compatible with the control plane at version 1.x+1 and 1.x" (the CNI
 * node agent likewise). The pre-flight holds ztunnel within it of every istiod revision an update keeps.
 */
export const ZTUNNEL_ISTIOD_SKEW_MINORS = 1;

/** Oldest minor the charts' value layout is known for. */
export const MIN_SUPPORTED_VERSION: IstioVersion = { major: 1, minor: 22, patch: 0 };

/** Where the Solo distribution of one minor publishes its images and charts. */
export type Registry =
    /** `us-docker.pkg.dev/gloo-mesh/istio-<key>` images, `oci://us-docker.pkg.dev/gloo-mesh/istio-helm-<key>` charts. */
    | { layout: "repo-key"; key: string }
    /** From 1.29 the Solo builds are public, without a per-minor key. */
    | { layout: "public" };

/** What the component needs to know about one Istio minor. */
export interface MinorFacts {
    registry: Registry;
    /** Kubernetes minors Istio supports for it (istio.io support table), inclusive. */
    kubernetes: [number, number];
    /** The Gateway API release it is built against (`sigs.k8s.io/gateway-api` in Istio's go.mod). */
    gatewayApi: string;
    /** How the istiod chart takes the Solo license: `pilot.env.SOLO_LICENSE_KEY` or `license.secretRef` (1.25+). */
    license: "env" | "secretRef";
    /** Solo's current peering settings on istiod (PILOT_ENABLE_IP_AUTOALLOCATE / _K8S_SELECT_WORKLOAD_ENTRIES). */
    peeringEnv: boolean;
    /**
     * istiod applies a Gateway's `spec.infrastructure.parametersRef` ConfigMap (keys deployment, service,
     * serviceAccount, horizontalPodAutoscaler, podDisruptionBudget: `supportedOverlays` in
     * pilot/pkg/config/kube/gateway{,common}/deploymentcontroller.go, from 1.26). Infrastructure labels and annotations are
     * copied on every minor that can be a multicluster member (1.24+).
     */
    gatewayParameters: boolean;
    /** Solo's peering reaches a NodePort east-west gateway (beta from Solo 1.28). */
    nodePortPeering: boolean;
    /**
     * The istiod chart's revision tags include a Service `istiod-revision-tag-<tag>` (templates/revision-tags-svc.yaml,
     * 1.28+), which istiod's tag watcher reads next to the tag webhook; before 1.28 a tag is its webhook alone.
     */
    revisionTagService: boolean;
    /** istiod environment variables this minor removed: istiod ignores them from this minor on. */
    removedIstiodEnv?: string[];
}

const repoKey = (key: string): Registry => ({ layout: "repo-key", key });
const PUBLIC: Registry = { layout: "public" };

/**
 * One row per supported minor; sources in shared/docs/istio-facts.md §4–§5. Repository keys come from public Solo
 * material (the official list sits behind a login). 1.31's Kubernetes range follows Istio's pattern (one minor up per
 * release) and is unconfirmed; istiod itself refuses Kubernetes older than 1.32 there.
 *
 * Install changes of 1.29–1.31, checked against istio/istio's charts and release notes at 1.29.3, 1.30.2 and the
 * release-1.31 branch: every value the component sets is still read (the `pilot.*`/`cni.*` forms, ztunnel's flat keys
 * and `network`, the platform overlays, `profile: ambient`) and every istiod variable it sets is still registered.
 * Nothing else needs a row: the base chart has held no RBAC but the reader ServiceAccount since 1.19 (1.30 adds
 * `global.enableReaderRBAC`, left at its default); ambient DNS capture is on by default since 1.25 and
 * `cni.ambient.reconcileIptablesOnStartup` since 1.29 (both left to the chart); debug-endpoint authorisation (1.29,
 * `DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES` from 1.29.1) does not touch the component, which reads only Kubernetes
 * objects; 1.30's Helm v4/server-side-apply fix drops the webhooks' `failurePolicy` from upgrades, which istiod sets
 * itself. What 1.31 removed from istiod is listed in its row, so an override of it is reported (render/overrides.ts).
 */
export const MINORS: Readonly<Record<number, MinorFacts>> = {
    22: { registry: repoKey("a9ee4fe9f69a"), kubernetes: [27, 30], gatewayApi: "v1.1.0", license: "env", peeringEnv: false, gatewayParameters: false, nodePortPeering: false, revisionTagService: false },
    23: { registry: repoKey("207627c16668"), kubernetes: [27, 30], gatewayApi: "v1.1.0", license: "env", peeringEnv: false, gatewayParameters: false, nodePortPeering: false, revisionTagService: false },
    24: { registry: repoKey("4d37697f9711"), kubernetes: [28, 31], gatewayApi: "v1.2.1", license: "env", peeringEnv: false, gatewayParameters: false, nodePortPeering: false, revisionTagService: false },
    25: { registry: repoKey("e038d180f90a"), kubernetes: [29, 32], gatewayApi: "v1.2.1", license: "secretRef", peeringEnv: false, gatewayParameters: false, nodePortPeering: false, revisionTagService: false },
    26: { registry: repoKey("d4cba2aff3ef"), kubernetes: [29, 33], gatewayApi: "v1.3.0", license: "secretRef", peeringEnv: false, gatewayParameters: true, nodePortPeering: false, revisionTagService: false },
    27: { registry: repoKey("d11c80c0c3fc"), kubernetes: [29, 33], gatewayApi: "v1.3.0", license: "secretRef", peeringEnv: false, gatewayParameters: true, nodePortPeering: false, revisionTagService: false },
    28: { registry: repoKey("594e990587b9"), kubernetes: [30, 34], gatewayApi: "v1.4.0", license: "secretRef", peeringEnv: false, gatewayParameters: true, nodePortPeering: true, revisionTagService: true },
    29: { registry: PUBLIC, kubernetes: [31, 35], gatewayApi: "v1.4.1", license: "secretRef", peeringEnv: true, gatewayParameters: true, nodePortPeering: true, revisionTagService: true },
    30: { registry: PUBLIC, kubernetes: [32, 36], gatewayApi: "v1.5.1", license: "secretRef", peeringEnv: true, gatewayParameters: true, nodePortPeering: true, revisionTagService: true },
    31: {
        registry: PUBLIC,
        kubernetes: [33, 37],
        gatewayApi: "v1.6.0",
        license: "secretRef",
        peeringEnv: true,
        gatewayParameters: true,
        nodePortPeering: true,
        revisionTagService: true,
        // Its behaviour (an upstream span per gateway request) is always on from 1.31.
        removedIstiodEnv: ["PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY"],
    },
};

/**
 * The version the README, the examples and the demo install, and error messages give as an example: the newest patch
 * of the newest minor this package is tested with (tests/unit/docs-versions.test.ts holds the docs to it).
 */
export const CURRENT_VERSION = "1.31.1";

/** The newest minor the table knows; newer ones are served like it, with a warning. */
export const NEWEST_KNOWN_MINOR = Math.max(...Object.keys(MINORS).map(Number));

/** The table's row for a minor, or, past the newest known minor, that minor's facts without a Kubernetes range. */
export function minorFacts(v: IstioVersion): { facts: MinorFacts; known: boolean; kubernetes?: [number, number] } | undefined {
    const row = MINORS[v.minor];
    if (row) {
        return { facts: row, known: true, kubernetes: row.kubernetes };
    }
    return v.minor > NEWEST_KNOWN_MINOR ? { facts: MINORS[NEWEST_KNOWN_MINOR], known: false } : undefined;
}

/** The istiod environment variables removed up to this version's minor, each with the minor that removed it. */
export function removedIstiodEnv(v: IstioVersion): Map<string, number> {
    const removed = new Map<string, number>();
    for (const [minor, row] of Object.entries(MINORS)) {
        if (Number(minor) <= v.minor) {
            for (const name of row.removedIstiodEnv ?? []) removed.set(name, Number(minor));
        }
    }
    return removed;
}

export function minorKey(v: IstioVersion): string {
    return `${v.major}.${v.minor}`;
}

export function soloImageRepository(registry: Registry): string {
    return registry.layout === "public" ? "us-docker.pkg.dev/soloio-img/istio" : `us-docker.pkg.dev/gloo-mesh/istio-${registry.key}`;
}

export function soloChartRepository(registry: Registry): string {
    return registry.layout === "public" ? "oci://us-docker.pkg.dev/soloio-img/istio-helm" : `oci://us-docker.pkg.dev/gloo-mesh/istio-helm-${registry.key}`;
}

/**
 * Image tag: `<x.y.z>-solo`, FIPS builds `<x.y.z>-solo-fips` (the charts append `-distroless` themselves). The FIPS
 * suffix is confirmed for the repo-key registries only; no public source shows the public registry's FIPS tags.
 */
export function soloTag(v: IstioVersion, distribution: "Standard" | "FIPS"): string {
    return `${formatVersion(v)}-solo${distribution === "FIPS" ? "-fips" : ""}`;
}

/** Istio 1.22.0–1.22.3 must run proxies with ISTIO_DELTA_XDS=false (fixed in 1.22.4). */
export function needsDeltaXdsWorkaround(v: IstioVersion): boolean {
    return v.minor === 22 && v.patch <= 3;
}
