// Pure Helm values for each Istio chart, computed from the resolved spec. Keys follow Istio's charts: istiod and cni
// take the `pilot.*` / `cni.*` prefixed forms, which every minor from 1.22 reads (1.24+ also reads them unprefixed);
// ztunnel is flat. Only what the spec decides is set, so the charts' own defaults stay in force for the rest.
import { ControllerSpec } from "../spec/validate";
import { platformValues } from "../preflight/platform";
import { needsDeltaXdsWorkaround } from "../spec/versions";

export type HelmValues = { [key: string]: unknown };

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
