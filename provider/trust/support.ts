// Where a root rotation can be done without breaking mTLS, per Istio minor and dataplane mode: one table, and the
// refusal that names the minor and the mode. "Multi-root" means: with ISTIO_MULTIROOT_MESH=true on istiod, a proxy
// trusts every root of root-cert.pem, not only the one that issued its own certificate.
//
// Sidecar (Envoy): multi-root trust bundles work on every supported minor except two patches in which istiod sent the
//   SDS ROOTCA resource with a single root (istio#55793): introduced in 1.24.4 and 1.25.1, fixed in 1.24.5 and 1.25.2
//   (their release notes).
// Ambient (ztunnel): before ztunnel parsed several roots out of the CA's response it kept only the root that issued
//   its intermediate (istio#47427), so workloads issued from the other root were refused. Fixed by ztunnel#1510, in
//   1.26.0, backported as ztunnel#1546 (first tag 1.24.6) and ztunnel#1547 (first tag 1.25.3); read from the ztunnel
//   repository's tags. ztunnel only learns roots from its own istiod's cacerts, not from meshConfig.caCertificates
//   (istio#61719, open), so every cluster must carry both roots in its own cacerts: the staging does exactly that.
import { IstioVersion, compareVersions, formatVersion } from "../spec/versions";

type Mode = "Sidecar" | "Ambient";

interface MinorSupport {
    /** First patch with multi-root trust for this mode; undefined = none on this minor. */
    from?: number;
    /** Patches that must not be used (regressions). */
    broken?: number[];
    why: string;
}

/** Per minor (1.22–1.31) and mode. Minors after the last row are taken to behave like it. */
export const ROTATION_SUPPORT: Readonly<Record<number, Record<Mode, MinorSupport>>> = {
    22: { Sidecar: { from: 0, why: "" }, Ambient: { why: "ztunnel keeps only the root that issued its intermediate (istio#47427)" } },
    23: { Sidecar: { from: 0, why: "" }, Ambient: { why: "ztunnel keeps only the root that issued its intermediate (istio#47427)" } },
    24: {
        Sidecar: { from: 0, broken: [4], why: "1.24.4 sends proxies a single root (istio#55793, fixed in 1.24.5)" },
        Ambient: { from: 6, why: "ztunnel trusts several roots from 1.24.6 (ztunnel#1546); earlier it keeps only the issuing root (istio#47427)" },
    },
    25: {
        Sidecar: { from: 0, broken: [1], why: "1.25.1 sends proxies a single root (istio#55793, fixed in 1.25.2)" },
        Ambient: { from: 3, why: "ztunnel trusts several roots from 1.25.3 (ztunnel#1547); earlier it keeps only the issuing root (istio#47427)" },
    },
    26: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
    27: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
    28: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
    29: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
    30: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
    31: { Sidecar: { from: 0, why: "" }, Ambient: { from: 0, why: "" } },
};

const LAST_MINOR = Math.max(...Object.keys(ROTATION_SUPPORT).map(Number));

/** Why a root rotation cannot be done safely on `version` in `mode`, or undefined when it can. */
export function rotationRefusal(version: IstioVersion, mode: Mode): string | undefined {
    const row = ROTATION_SUPPORT[Math.min(version.minor, LAST_MINOR)]?.[mode];
    const v = formatVersion(version);
    if (!row) {
        return `a root rotation is not known to be safe on Istio ${v} (${mode}); allowed: Istio 1.22 to 1.${LAST_MINOR}`;
    }
    const broken = row.broken?.includes(version.patch);
    if (row.from === undefined || version.patch < row.from || broken) {
        const next = row.from === undefined ? undefined : { ...version, patch: Math.max(row.from, broken ? version.patch + 1 : 0) };
        const minimum = Object.entries(ROTATION_SUPPORT).find(([, r]) => r[mode].from !== undefined)!;
        const allowed = next && compareVersions(next, version) > 0 ? `${formatVersion(next)} or later` : `1.${minimum[0]}.${minimum[1][mode].from} or later`;
        return `a root rotation cannot keep mTLS working on Istio ${v} in ${mode} mode: ${row.why}; allowed: upgrade to ${allowed} first`;
    }
    return undefined;
}
