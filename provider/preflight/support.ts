// Pure version decisions of the pre-flight: is the cluster's Kubernetes in the chosen Istio minor's support range, and
// is the step from the deployed Istio version to the requested one an in-place upgrade Istio supports.
import { IstioVersion, formatVersion, minorFacts } from "../spec/versions";

export interface Finding {
    /** error: the pre-flight fails; warning: logged on the component, the update goes on. */
    level: "error" | "warning" | "info";
    message: string;
}

/** `v1.33.13`, `v1.30.5-gke.1014001`, `v1.31.2+k3s1` → [1, 33]. */
export function kubernetesMinor(gitVersion: string): [number, number] | undefined {
    const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Older than the range is an error: Istio relies on APIs that cluster may not serve, and istiod checks its minimum
 * itself. Newer is a warning: untested by Istio but usually works, and clusters get upgraded under running meshes.
 */
export function kubernetesSupport(istio: IstioVersion, gitVersion: string): Finding | undefined {
    const range = minorFacts(istio)?.kubernetes;
    const k8s = kubernetesMinor(gitVersion);
    const istioText = `Istio 1.${istio.minor}`;
    if (!range) {
        return { level: "info", message: `no Kubernetes support range is known for ${istioText}; the server's ${gitVersion} was not checked` };
    }
    if (!k8s) {
        return { level: "warning", message: `cannot read the Kubernetes version from the API server (got "${gitVersion}")` };
    }
    const supported = `1.${range[0]}–1.${range[1]}`;
    if (k8s[0] === 1 && k8s[1] < range[0]) {
        return {
            level: "error",
            message: `kubernetes: the cluster runs ${gitVersion}, older than ${istioText} supports (got server version "${gitVersion}"); allowed: Kubernetes ${supported}, or an Istio version that supports 1.${k8s[1]}`,
        };
    }
    if (k8s[0] > 1 || k8s[1] > range[1]) {
        return { level: "warning", message: `the cluster runs Kubernetes ${gitVersion}, newer than ${istioText} is tested with (${supported})` };
    }
    return undefined;
}

/**
 * An in-place change from `deployed` to `requested`: the same version, a patch change or one minor up is fine.
 * Skipping a minor or going down is refused unless `allowVersionSkew` (Istio supports in-place upgrades one minor at
 * a time; a downgrade runs newer CRDs and config with older istiod). `source` says where `deployed` was read.
 */
export function versionStep(deployed: IstioVersion, requested: IstioVersion, allowVersionSkew: boolean, source: string): Finding | undefined {
    const from = formatVersion(deployed);
    const to = formatVersion(requested);
    const down = requested.minor < deployed.minor || (requested.minor === deployed.minor && requested.patch < deployed.patch);
    const skip = requested.minor > deployed.minor + 1;
    if (!down && !skip) {
        return undefined;
    }
    const what = down ? `a downgrade from ${from} (deployed, read from ${source}) to ${to}` : `an upgrade from ${from} (deployed, read from ${source}) to ${to} that skips 1.${deployed.minor + 1}`;
    if (allowVersionSkew) {
        return { level: "warning", message: `version: ${what}; going ahead because allowVersionSkew is true` };
    }
    return {
        level: "error",
        message: `version: ${what} is refused (got "${to}"); allowed: ${down ? `${from} or later` : `1.${deployed.minor}.x or 1.${deployed.minor + 1}.x`}, one minor at a time, or allowVersionSkew: true`,
    };
}
