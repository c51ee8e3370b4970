// Helm values a root rotation adds to istiod and ztunnel (pure), kept apart from values.ts so that other value
// sources merge into one place. While `cacerts` holds two roots:
// - istiod runs with ISTIO_MULTIROOT_MESH=true, so it hands every root to the proxies and ztunnel, not only the one
//   that issued its intermediate;
// - proxies get PROXY_CONFIG_XDS_AGENT=true in their metadata, so a root change reaches running proxies over xDS
//   instead of needing their restart (proxies started before it was set still need one);
// - the istiod and ztunnel pod templates carry a digest of the trust state, so each stage change is a rollout: istiod
//   reads root-cert.pem at start, ztunnel asks for new certificates at start. The component orders them (ztunnel's
//   release waits for istiod's) and Helm waits for each rollout to complete.
// A single root leaves everything as without a rotation, so finishing one rolls both once more and then stays quiet.
import { TrustState, trustDigest } from "../trust/stages";
import { mergeValues } from "./overrides";
import { HelmValues, TRUST_ANNOTATION } from "./values";
export { TRUST_ANNOTATION };


/** What a trust state adds to a release's values (nothing for one root, or for other charts). */
export function trustValues(release: string, state: TrustState): HelmValues {
    if (state.roots.length < 2) {
        return {};
    }
    const podAnnotations = { [TRUST_ANNOTATION]: trustDigest(state) };
    if (release === "istiod") {
        return {
            meshConfig: { defaultConfig: { proxyMetadata: { PROXY_CONFIG_XDS_AGENT: "true" } } },
            pilot: { env: { ISTIO_MULTIROOT_MESH: "true" }, podAnnotations },
        };
    }
    if (release === "ztunnel") {
        return { podAnnotations };
    }
    return {};
}

export function withTrustValues(release: string, values: HelmValues, state: TrustState): HelmValues {
    return mergeValues(values, trustValues(release, state));
}
