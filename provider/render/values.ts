// Pure Helm values for each Istio chart, computed from the resolved spec. Keys follow Istio's charts: istiod and cni
// take the `pilot.*` / `cni.*` prefixed forms, which every minor from 1.22 reads (1.24+ also reads them unprefixed);
// ztunnel is flat. Only what the spec decides is set, so the charts' own defaults stay in force for the rest.
import { ControllerSpec } from "../spec/validate";
import { platformValues } from "../preflight/platform";
import { needsDeltaXdsWorkaround } from "../spec/versions";
import type { ChartName } from "./releases";

export type HelmValues = { [key: string]: unknown };

/**
 * A value the component owns: it carries an input's meaning (or something the component relies on), so the `values`
 * input may not override it (render/overrides.ts). Every value the functions below set is covered by a row here
 * (a unit test checks it), together with the other spellings the chart reads as the same value (`pilot.X` / `X` in
 * istiod 1.24+, `global.X` / `X` in ztunnel), which would otherwise bypass or be silently overruled by the owned one.
 */
export interface OwnedValue {
    /** Dotted path in the chart's values; everything under it is owned too. */
    path: string;
    /** The path's keys, where one holds a dot itself (an annotation name); default: `path` split at dots. */
    segments?: string[];
    /** The input that decides it: the refusal tells the user to set this instead. */
    input?: string;
    /** Why it is owned, when no input decides it. */
    reason?: string;
    /** Owned only when the override matches (e.g. an image name that is a full reference). */
    when?: (override: unknown) => boolean;
}

const owned = (input: string, ...paths: string[]): OwnedValue[] => paths.map((path) => ({ path, input }));
const fixed = (reason: string, ...paths: string[]): OwnedValue[] => paths.map((path) => ({ path, reason }));
// A chart's `image` with a "/" is a full image reference that replaces hub, tag and variant.
const fullImage = (...paths: string[]): OwnedValue[] =>
    paths.map((path) => ({ path, input: "image.repository (and version, distribution)", when: (v) => typeof v === "string" && v.includes("/") }));
const DEFAULT_REVISION = "the component names istiod's revisions itself (upgradeStrategy) and reads them back";
const ROTATION = "rootOfTrust.rotation (or cacerts holding two roots)";
/** The istiod and ztunnel pod annotation render/trust.ts sets during a root rotation. */
export const TRUST_ANNOTATION = "servicemesh.pulumi.com/trust";
// render/trust.ts's pod annotation: a digest of the trust state that rolls the workload at each rotation stage.
const trustAnnotation = (...prefixes: string[]): OwnedValue[] =>
    prefixes.map((prefix) => ({ path: `${prefix}.${TRUST_ANNOTATION}`, segments: [...prefix.split("."), TRUST_ANNOTATION], input: ROTATION }));

/** The values each chart may not be given through the `values` input, and the input to use instead. */
export const OWNED_VALUES: Record<ChartName, readonly OwnedValue[]> = {
    base: [
        ...owned("installNamespace", "global.istioNamespace"),
        ...owned("image.secrets", "global.imagePullSecrets"),
        ...owned("platform", "global.platform"),
        ...fixed(DEFAULT_REVISION, "defaultRevision"),
    ],
    istiod: [
        ...owned("dataplaneMode", "profile", "pilot.env.PILOT_ENABLE_AMBIENT", "env.PILOT_ENABLE_AMBIENT"),
        ...owned("image.repository", "global.hub", "pilot.hub", "hub"),
        ...owned("version and distribution", "global.tag", "pilot.tag", "tag"),
        ...owned("distribution", "global.variant", "pilot.variant", "variant"),
        ...fullImage("pilot.image", "image"),
        ...owned("image.secrets", "global.imagePullSecrets"),
        ...owned("installNamespace", "global.istioNamespace"),
        ...owned("cluster", "global.multiCluster.clusterName"),
        ...owned("network", "global.network"),
        ...owned("platform", "global.platform", "platform"),
        ...owned("trustDomain", "meshConfig.trustDomain"),
        ...owned("version (set for 1.22.0–1.22.3)", "meshConfig.defaultConfig.proxyMetadata.ISTIO_DELTA_XDS"),
        ...owned(
            "scalingProfile",
            ...["resources", "autoscaleEnabled", "autoscaleMin", "autoscaleMax", "cpu.targetAverageUtilization"].flatMap((k) => [`pilot.${k}`, k]),
        ),
        ...owned("trafficCaptureMode", "pilot.cni.enabled", "cni.enabled"),
        ...owned(
            "eastWestGateway (multicluster peering)",
            "platforms.peering",
            "pilot.env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN",
            "env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN",
        ),
        ...owned("license", "license", "pilot.env.SOLO_LICENSE_KEY", "env.SOLO_LICENSE_KEY"),
        ...owned(ROTATION, "pilot.env.ISTIO_MULTIROOT_MESH", "env.ISTIO_MULTIROOT_MESH", "meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT"),
        ...trustAnnotation("pilot.podAnnotations", "podAnnotations"),
        ...fixed(DEFAULT_REVISION, "revision"),
        ...owned("revisionTags (upgradeStrategy RevisionBased)", "revisionTags"),
    ],
    cni: [
        ...owned("dataplaneMode", "profile", "cni.ambient.enabled", "ambient.enabled"),
        ...owned("image.repository", "global.hub", "cni.hub", "hub"),
        ...owned("version and distribution", "global.tag", "cni.tag", "tag"),
        ...owned("distribution", "global.variant", "cni.variant", "variant"),
        ...fullImage("cni.image", "image"),
        ...owned("image.secrets", "global.imagePullSecrets"),
        ...owned("platform", "global.platform", "platform"),
    ],
    ztunnel: [
        ...owned("dataplaneMode", "profile"),
        ...owned("image.repository", "hub", "global.hub"),
        ...owned("version and distribution", "tag", "global.tag"),
        ...owned("distribution", "variant", "global.variant"),
        ...fullImage("image", "global.image"),
        ...owned("image.secrets", "imagePullSecrets", "global.imagePullSecrets"),
        ...owned("installNamespace", "istioNamespace", "global.istioNamespace"),
        ...owned("cluster", "multiCluster.clusterName", "global.multiCluster.clusterName"),
        ...owned("network", "network", "global.network"),
        ...owned("eastWestGateway (multicluster peering)", "env.SKIP_VALIDATE_TRUST_DOMAIN"),
        ...owned("platform", "platform", "global.platform"),
        ...trustAnnotation("podAnnotations"),
        ...fixed(DEFAULT_REVISION, "revision"),
    ],
};

/** The seed's istiod scaling profiles, exactly. */
export const SCALING_PROFILES = {
    Default: {
        resources: { requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "2Gi" } },
        autoscaleEnabled: true,
        autoscaleMin: 2,
        autoscaleMax: 25,
        cpu: { targetAverageUtilization: 80 },
    },
    Large: {
        resources: { requests: { cpu: "4000m", memory: "4Gi" }, limits: { cpu: "4000m", memory: "4Gi" } },
        autoscaleEnabled: true,
        autoscaleMin: 4,
        autoscaleMax: 50,
        cpu: { targetAverageUtilization: 75 },
    },
} as const;

/** Adds the platform's `global.*` values to a chart's values (each chart reads `global.platform`). */
export function withPlatform(spec: ControllerSpec, values: HelmValues): HelmValues {
    const overlay = platformValues(spec.platform ?? "Generic", spec.version).global as HelmValues | undefined;
    return overlay ? { ...values, global: { ...((values.global as HelmValues) ?? {}), ...overlay } } : values;
}

function ambientProfile(spec: ControllerSpec): HelmValues {
    return spec.dataplaneMode === "Ambient" ? { profile: "ambient" } : {};
}

/** hub/tag/pull secrets as the istiod, cni and base charts read them (under `global`). */
function globalImage(spec: ControllerSpec): HelmValues {
    return {
        hub: spec.image.repository,
        tag: spec.image.tag,
        imagePullSecrets: [...spec.image.secrets],
    };
}

export function baseValues(spec: ControllerSpec): HelmValues {
    return {
        defaultRevision: "default",
        global: { istioNamespace: spec.installNamespace, imagePullSecrets: [...spec.image.secrets] },
    };
}

/** Where a multicluster member's Solo license lives in the install namespace. */
export const LICENSE_SECRET = { name: "solo-istio-license", key: "license-key" } as const;

export function istiodValues(spec: ControllerSpec): HelmValues {
    const scaling = SCALING_PROFILES[spec.scalingProfile];
    const meshConfig: HelmValues = { trustDomain: spec.trustDomain };
    if (needsDeltaXdsWorkaround(spec.version)) {
        // Read by the proxy agent, so it belongs in proxy metadata, not in istiod's environment (istio#50977).
        meshConfig.defaultConfig = { proxyMetadata: { ISTIO_DELTA_XDS: "false" } };
    }
    const global: HelmValues = { ...globalImage(spec), istioNamespace: spec.installNamespace };
    if (spec.cluster) {
        global.multiCluster = { clusterName: spec.cluster };
    }
    if (spec.network) {
        global.network = spec.network;
    }
    const multicluster: HelmValues = {};
    const env: Record<string, string> = {};
    if (spec.eastWest) {
        // Solo's peering discovers remote clusters through their east-west gateways; each cluster keeps its own
        // trust domain, so istiod must accept peers' identities from other trust domains.
        multicluster.platforms = { peering: { enabled: true } };
        env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN = "true";
        if (spec.minor.peeringEnv) {
            // Solo's current peering (1.29+): IPs allocated to remote services, and no Kubernetes-selected
            // WorkloadEntries, which Solo documents as required for its multicluster.
            env.PILOT_ENABLE_IP_AUTOALLOCATE = "true";
            env.PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES = "false";
        }
    }
    if (spec.license === "secretRef") {
        multicluster.license = { secretRef: { name: LICENSE_SECRET.name, key: LICENSE_SECRET.key } };
    }
    return {
        ...ambientProfile(spec),
        global,
        meshConfig,
        ...multicluster,
        pilot: {
            ...(Object.keys(env).length ? { env } : {}),
            resources: structuredClone(scaling.resources),
            autoscaleEnabled: scaling.autoscaleEnabled,
            autoscaleMin: scaling.autoscaleMin,
            autoscaleMax: scaling.autoscaleMax,
            cpu: { ...scaling.cpu },
            // With the CNI capturing traffic, injected sidecars skip the privileged istio-init container.
            cni: { enabled: spec.installCni },
        },
    };
}

export function cniValues(spec: ControllerSpec): HelmValues {
    return {
        ...ambientProfile(spec),
        global: globalImage(spec),
    };
}

export function ztunnelValues(spec: ControllerSpec): HelmValues {
    const values: HelmValues = {
        ...ambientProfile(spec),
        hub: spec.image.repository,
        tag: spec.image.tag,
        imagePullSecrets: [...spec.image.secrets],
        istioNamespace: spec.installNamespace,
    };
    if (spec.cluster) {
        values.multiCluster = { clusterName: spec.cluster };
    }
    if (spec.eastWest) {
        values.env = { SKIP_VALIDATE_TRUST_DOMAIN: "true" };
    }
    if (spec.network) {
        // Solo's ztunnel chart (and upstream from 1.27) turns this into ztunnel's NETWORK.
        values.network = spec.network;
    }
    return values;
}
