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

/** Oldest minor the charts' value layout is known for. */
export const MIN_SUPPORTED_VERSION: IstioVersion = { major: 1, minor: 22, patch: 0 };

/**
 * The Solo distribution publishes images and charts under a per-minor repository key. From public Solo material;
 * the official list sits behind a login, so an unknown minor needs explicit repositories.
 */
export const SOLO_REPO_KEYS: Readonly<Record<string, string>> = {
    "1.22": "a9ee4fe9f69a",
    "1.23": "207627c16668",
    "1.24": "4d37697f9711",
    "1.25": "e038d180f90a",
    "1.26": "d4cba2aff3ef",
    "1.27": "d11c80c0c3fc",
    "1.28": "594e990587b9",
};

export function minorKey(v: IstioVersion): string {
    return `${v.major}.${v.minor}`;
}

export function soloImageRepository(repoKey: string): string {
    return `us-docker.pkg.dev/gloo-mesh/istio-${repoKey}`;
}

export function soloChartRepository(repoKey: string): string {
    return `oci://us-docker.pkg.dev/gloo-mesh/istio-helm-${repoKey}`;
}

/** Istio 1.22.0–1.22.3 must run proxies with ISTIO_DELTA_XDS=false (fixed in 1.22.4). */
export function needsDeltaXdsWorkaround(v: IstioVersion): boolean {
    return v.minor === 22 && v.patch <= 3;
}
