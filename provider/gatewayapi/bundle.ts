// A Gateway API bundle as the component applies it: every object of the manifest (CRDs and, from v1.5, the
// safe-upgrades ValidatingAdmissionPolicy and its binding), and the bundle version and channel its CRDs declare.
import * as yaml from "js-yaml";

export const BUNDLE_VERSION_ANNOTATION = "gateway.networking.k8s.io/bundle-version";
export const CHANNEL_ANNOTATION = "gateway.networking.k8s.io/channel";

/** One object of a bundle, as the manifest gives it. */
export interface BundleObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: unknown;
}

export interface Bundle {
    /** `v1.5.1`, or undefined when the manifest's CRDs do not say. */
    version?: string;
    /** `standard` or `experimental`, or undefined when the manifest's CRDs do not say. */
    channel?: string;
    objects: BundleObject[];
    /** Where it was read from (a path or URL), for messages. */
    source: string;
}

/** Parses a manifest; throws naming `source` when a document is not a Kubernetes object. */
export function parseBundle(text: string, source: string): Bundle {
    const objects = (yaml.loadAll(text) as any[]).filter((d) => d) as BundleObject[];
    for (const o of objects) {
        if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
            throw new Error(`"${source}" holds a document that is not a Kubernetes object (apiVersion, kind and metadata.name are needed)`);
        }
    }
    const crds = objects.filter(isCrd);
    const first = (key: string) => crds.map((c) => c.metadata.annotations?.[key]).find((v) => v);
    return { version: first(BUNDLE_VERSION_ANNOTATION), channel: first(CHANNEL_ANNOTATION), objects, source };
}

export function isCrd(o: { apiVersion?: string; kind: string }): boolean {
    return o.kind === "CustomResourceDefinition";
}

/** `v1.5.1` → [1, 5, 1, 1]; a pre-release (`v1.5.0-rc.1`) sorts before its release. Undefined when unreadable. */
function versionKey(v: string): number[] | undefined {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(-.+)?$/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? 0 : 1] : undefined;
}

/** Negative when a < b, zero when equal, positive when a > b; undefined when either cannot be read. */
export function compareBundleVersions(a: string, b: string): number | undefined {
    const [x, y] = [versionKey(a), versionKey(b)];
    if (!x || !y) {
        return undefined;
    }
    for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) return x[i] - y[i];
    }
    return 0;
}
