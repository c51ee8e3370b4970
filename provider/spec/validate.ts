// Validation of ServiceMeshController inputs. `resolveControllerSpec` is pure: it checks every field with zod, applies
// the Gloo operator's defaults and returns the resolved spec the renderers work from, or throws one SpecError that
// lists every problem as `field: what is wrong (got <value>); allowed: <what>`. The component calls it before it
// registers any resource, so a rejected input creates nothing.
import { z } from "zod";
import { isIP } from "net";
import { PLATFORMS, PlatformName } from "../preflight/platform";
import { checkOverrides, isPlainObject, overridesShapeProblems } from "../render/overrides";
import type { ChartName } from "../render/releases";
import { EastWestSpec } from "../render/eastwest";
import { DEFAULT_EASTWEST_NAMESPACE, eastWestSchema, resolveEastWest } from "./eastwest";

export { DEFAULT_EASTWEST_NAMESPACE, eastWestAddress, isEastWestAddress } from "./eastwest";
import { DNS_SUBDOMAIN, dnsLabel, dnsSubdomain, oneOf, resolveInputs } from "./inputs";
import {
    IstioVersion,
    MIN_AMBIENT_REVISIONS_VERSION,
    MIN_AMBIENT_VERSION,
    MIN_MULTICLUSTER_VERSION,
    MIN_SUPPORTED_VERSION,
    MINORS,
    MinorFacts,
    compareVersions,
    CURRENT_VERSION,
    formatVersion,
    minorFacts,
    minorKey,
    parseVersion,
    soloChartRepository,
    soloImageRepository,
    soloTag,
} from "./versions";

export { SpecError } from "./inputs";

export const DEFAULT_INSTALL_NAMESPACE = "istio-system";
export const DEFAULT_TRUST_DOMAIN = "cluster.local";
/** The Gateway API project's standard-channel release manifest of one bundle version. */
export function gatewayApiReleaseManifest(bundle: string): string {
    return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${bundle}/standard-install.yaml`;
}
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** Seconds a Helm release or a Gateway may take to become ready. */
export function timeoutSeconds() {
    return z
        .number({ error: "is not a number; allowed: whole seconds from 30 to 3600" })
        .int({ error: "is not a whole number; allowed: whole seconds from 30 to 3600" })
        .min(30, { error: "is too short; allowed: whole seconds from 30 to 3600" })
        .max(3600, { error: "is too long; allowed: whole seconds from 30 to 3600" })
        .default(DEFAULT_TIMEOUT_SECONDS);
}

/** A reference to a Secret in the cluster. */
export interface SecretRef {
    namespace: string;
    name: string;
}

/** The validated, defaulted ServiceMeshController spec. */
export interface ControllerSpec {
    version: IstioVersion;
    /** `1.x.y` as given. */
    versionText: string;
    cluster?: string;
    network?: string;
    dataplaneMode: "Ambient" | "Sidecar";
    distribution: "Standard" | "FIPS";
    image: { repository: string; tag: string; secrets: string[] };
    installNamespace: string;
    onConflict: "Force" | "Abort";
    repository: { url: string; kind: "oci" | "http"; secrets: SecretRef[]; insecureSkipVerify: boolean };
    scalingProfile: "Default" | "Large";
    trafficCaptureMode: "Auto" | "InitContainer";
    trustDomain: string;
    /** `manifest` defaults to the standard-channel release of the minor's Gateway API bundle (`defaultBundle`). */
    gatewayApi: { install: boolean; manifest: string; defaultBundle: string; manifestGiven: boolean };
    /** The versions table's row for the minor (for a minor newer than the table: the newest row). */
    minor: MinorFacts;
    /** False for a minor newer than the versions table: served like the newest one, untested. */
    minorKnown: boolean;
    createNamespace: boolean;
    timeoutSeconds: number;
    /** Set for a multicluster member (eastWestGateway given). */
    eastWest?: EastWestSpec;
    /** A license is given; how istiod gets it depends on the minor. */
    license: "none" | "secretRef" | "env";
    /** Set by the platform input, or by the pre-flight's detection; undefined = not decided yet. */
    platform?: PlatformName;
    allowVersionSkew: boolean;
    removeCrdsOnDelete: boolean;
    /** Owned values may be overridden through `values` (each one is logged as a warning). */
    allowProtectedValueOverrides: boolean;
    /** Derived: the istio-cni chart is installed (Ambient, or Sidecar with trafficCaptureMode Auto). */
    installCni: boolean;
    /** Derived: the ztunnel chart is installed (Ambient only). */
    installZtunnel: boolean;
    upgrade: UpgradeSpec;
}

/** How version changes reach istiod (render/revisions.ts plans the revisions from it). */
export interface UpgradeSpec {
    strategy: "InPlace" | "RevisionBased";
    /** The revision `version` installs: `1-31-1` (RevisionBased), `default` (InPlace). */
    activeRevision: string;
    /** Tags the user placed, with their revision as a revision name (undefined: the active one). */
    tags: { name: string; revision?: string }[];
    graceSeconds: number;
    force: string[];
}

/** Istio's revision naming for a version, as its canary guides and Sail use it: 1.31.1 → `1-31-1`. */
export function revisionOf(v: IstioVersion): string {
    return `${v.major}-${v.minor}-${v.patch}`;
}

/** A tag's `revision` input as a revision name: `1.30.2` → `1-30-2`; `1-30-2` and `default` as they are. */
export function revisionNameOf(text: string): string {
    const v = parseVersion(text);
    return v ? revisionOf(v) : text;
}

export const DEFAULT_GRACE_SECONDS = 30;
const REVISION_REF = /^(1\.(0|[1-9]\d*)\.(0|[1-9]\d*)|1-(0|[1-9]\d*)-(0|[1-9]\d*)|default)$/;

// Registry host[:port] and path, lower case, no scheme, no tag or digest.
const IMAGE_REPOSITORY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

const secretRefText = z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
        error: "is not a Secret reference; allowed: `name` (in the install namespace) or `namespace/name`",
    });

const inputSchema = z
    .object({
        version: z
            .string({
                error: (iss) =>
                    iss.input === undefined
                        ? `is required; allowed: an Istio patch version \`1.x.y\` with no tags, e.g. ${CURRENT_VERSION}`
                        : `is not a string; allowed: an Istio patch version \`1.x.y\` with no tags, e.g. ${CURRENT_VERSION}`,
            }).regex(/^1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, {
            error: `is not an Istio patch version; allowed: \`1.x.y\` with no tags or prefix, e.g. ${CURRENT_VERSION}`,
        }),
        cluster: dnsLabel("the cluster name").optional(),
        network: dnsLabel("the network name").optional(),
        dataplaneMode: oneOf(["Ambient", "Sidecar"]).default("Ambient"),
        distribution: oneOf(["Standard", "FIPS"]).default("Standard"),
        image: z
            .strictObject(
                {
                    repository: z
                        .string()
                        .regex(IMAGE_REPOSITORY, {
                            error: "is not an image repository; allowed: `registry[:port]/path` in lower case, without scheme, image name or tag",
                        })
                        .optional(),
                    secrets: z
                        .array(dnsSubdomain("a Secret name"))
                        .refine((s) => new Set(s).size === s.length, { error: "lists a Secret twice" })
                        .optional(),
                },
                { error: "is not an object; allowed fields: repository, secrets" },
            )
            .optional(),
        installNamespace: dnsLabel("a namespace name").default(DEFAULT_INSTALL_NAMESPACE),
        onConflict: oneOf(["Force", "Abort"]).default("Abort"),
        repository: z
            .strictObject(
                {
                    url: z
                        .string()
                        .refine(isChartRepositoryUrl, {
                            error: "is not a chart repository URL; allowed: oci://host/path, https://host/path or http://host/path",
                        })
                        .optional(),
                    secrets: z
                        .array(secretRefText)
                        .refine((s) => new Set(s).size === s.length, { error: "lists a Secret twice" })
                        .optional(),
                    insecureSkipVerify: z.boolean({ error: "is not a boolean; allowed: true or false" }).optional(),
                },
                { error: "is not an object; allowed fields: url, secrets, insecureSkipVerify" },
            )
            .optional(),
        scalingProfile: oneOf(["Default", "Large"]).default("Default"),
        trafficCaptureMode: oneOf(["Auto", "InitContainer"]).default("Auto"),
        trustDomain: dnsSubdomain("a trust domain").optional(),
        gatewayApi: z
            .strictObject(
                {
                    install: z.boolean({ error: "is not a boolean; allowed: true or false" }).optional(),
                    manifest: z.string().min(1, { error: "is empty; allowed: a file path or an http(s) URL" }).optional(),
                },
                { error: "is not an object; allowed fields: install, manifest" },
            )
            .optional(),
        eastWestGateway: eastWestSchema.optional(),
        platform: oneOf(PLATFORMS).optional(),
        allowVersionSkew: z.boolean({ error: "is not a boolean; allowed: true or false" }).default(false),
        removeCrdsOnDelete: z.boolean({ error: "is not a boolean; allowed: true or false" }).default(false),
        cacerts: z.any().optional(),
        license: z.any().optional(),
        // Free-form Helm values (possibly holding secrets): checked by render/overrides.ts.
        values: z.any().optional(),
        allowProtectedValueOverrides: z.boolean({ error: "is not a boolean; allowed: true or false" }).default(false),
        createNamespace: z.boolean({ error: "is not a boolean; allowed: true or false" }).default(true),
        timeoutSeconds: timeoutSeconds(),
        upgradeStrategy: oneOf(["InPlace", "RevisionBased"]).default("InPlace"),
        revisionTags: z
            .array(
                z.strictObject(
                    {
                        name: dnsLabel("a revision tag name"),
                        revision: z
                            .string({ error: "is not a string; allowed: an installed revision's version (1.30.2) or name (1-30-2)" })
                            .regex(REVISION_REF, { error: "is not a revision; allowed: an installed revision's version (1.30.2) or name (1-30-2), or default" })
                            .optional(),
                    },
                    { error: "is not an object; allowed fields: name, revision" },
                ),
            )
            .refine((tags) => new Set(tags.map((t) => t.name)).size === tags.length, { error: "names a tag twice; allowed: each tag once" })
            .optional(),
        inactiveRevisionDeletionGracePeriodSeconds: z
            .number({ error: "is not a number; allowed: whole seconds, 0 or more" })
            .int({ error: "is not a whole number; allowed: whole seconds, 0 or more" })
            .min(0, { error: "is negative; allowed: whole seconds, 0 or more" })
            .optional(),
        forceRemoveRevisions: z.array(dnsLabel("a revision name, e.g. 1-30-2")).optional(),
        // Cluster access is checked for shape only: these may be secrets or outputs of other resources.
        kubeconfig: z.any().optional(),
        context: z.any().optional(),
        // A Kubernetes provider resource (checked with the resource options: cluster/provider.ts accessProblems).
        provider: z.any().optional(),
    })
    .strict();

type ParsedInput = z.infer<typeof inputSchema>;

export function isChartRepositoryUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return ["oci:", "https:", "http:"].includes(url.protocol) && url.hostname !== "";
    } catch {
        return false;
    }
}

/**
 * Validates raw ServiceMeshController inputs and applies defaults. Throws SpecError listing every problem.
 * `component` names the component in the error (e.g. `ServiceMeshController "mesh"`).
 */
export function resolveControllerSpec(raw: unknown, component = "ServiceMeshController"): ControllerSpec {
    // An unparsable version is replaced by the current one for the other checks (whose version problems are dropped).
    return resolveInputs(inputSchema, raw, component, applyDefaults, { version: CURRENT_VERSION });
}

function applyDefaults(input: ParsedInput, problems: string[]): ControllerSpec {
    const version = parseVersion(input.version)!;
    const v = formatVersion(version);
    if (compareVersions(version, MIN_SUPPORTED_VERSION) < 0) {
        problems.push(`version: ${v} is older than this component supports (got "${v}"); allowed: 1.22.0 or later`);
    }
    if (input.dataplaneMode === "Ambient" && compareVersions(version, MIN_AMBIENT_VERSION) < 0) {
        problems.push(
            `version: ambient mode needs ${formatVersion(MIN_AMBIENT_VERSION)} or later (got "${v}"); allowed: 1.22.3 or later, or dataplaneMode: Sidecar`,
        );
    }
    if (input.trafficCaptureMode === "InitContainer" && input.dataplaneMode !== "Sidecar") {
        problems.push(
            `trafficCaptureMode: InitContainer requires dataplaneMode: Sidecar (got dataplaneMode "${input.dataplaneMode}"); allowed with Ambient: Auto`,
        );
    }

    if (input.removeCrdsOnDelete && version.minor < 24) {
        problems.push(
            `removeCrdsOnDelete: needs Istio 1.24 or later, whose base chart renders the CRDs as templates (got version "${v}"); before 1.24 they sit in the chart's crds/ directory, which Helm never deletes; allowed: false, or version 1.24.0 or later`,
        );
    }
    if (input.eastWestGateway) {
        if (compareVersions(version, MIN_MULTICLUSTER_VERSION) < 0) {
            problems.push(
                `version: multicluster (eastWestGateway) needs ${formatVersion(MIN_MULTICLUSTER_VERSION)} or later (got "${v}"); allowed: 1.24.3 or later`,
            );
        }
        if (input.dataplaneMode !== "Ambient") {
            problems.push(
                `dataplaneMode: multicluster (eastWestGateway) supports Ambient only (got "${input.dataplaneMode}"); Sidecar multi-primary is not supported yet`,
            );
        }
        if ((input.eastWestGateway.namespace ?? DEFAULT_EASTWEST_NAMESPACE) === input.installNamespace) {
            problems.push(
                `eastWestGateway.namespace: must differ from installNamespace (got "${input.installNamespace}"); allowed: its own namespace, default istio-eastwest`,
            );
        }
        for (const field of ["cluster", "network"] as const) {
            if (!input[field]) {
                problems.push(`${field}: is required for a multicluster member (eastWestGateway set); allowed: a DNS label, e.g. the cluster name`);
            }
        }
    }

    const row = minorFacts(version);
    const imageRepository = input.image?.repository ?? (row ? soloImageRepository(row.facts.registry) : undefined);
    const chartRepository = input.repository?.url ?? (row ? soloChartRepository(row.facts.registry) : undefined);
    const oldest = Math.min(...Object.keys(MINORS).map(Number));
    const known = `1.${oldest} or later`;
    if (!imageRepository) {
        problems.push(
            `image.repository: no Solo repository is known for Istio ${minorKey(version)} (got version "${v}"); allowed: set image.repository explicitly, or a version of ${known}`,
        );
    }
    if (!chartRepository) {
        problems.push(
            `repository.url: no Solo chart repository is known for Istio ${minorKey(version)} (got version "${v}"); allowed: set repository.url explicitly, or a version of ${known}`,
        );
    }
    const facts = row?.facts ?? MINORS[oldest];

    const installNamespace = input.installNamespace;
    const repositorySecrets = (input.repository?.secrets ?? []).map((text) => toSecretRef(text, installNamespace));
    for (const ref of repositorySecrets) {
        if (input.createNamespace && ref.namespace === installNamespace) {
            problems.push(
                `repository.secrets: Secret "${ref.name}" would be read from the install namespace "${installNamespace}", which this component creates, so it cannot exist yet (got "${ref.name}"); allowed: "<namespace>/${ref.name}" in an existing namespace, or createNamespace: false`,
            );
        }
    }

    const sidecar = input.dataplaneMode === "Sidecar";
    const installCni = !sidecar || input.trafficCaptureMode === "Auto";
    const installed: ChartName[] = ["base", "istiod", ...(installCni ? ["cni" as const] : []), ...(sidecar ? [] : ["ztunnel" as const])];
    problems.push(...overridesShapeProblems(input.values, installed));
    // Here only the plain parts; parts held in Outputs are checked by the component once they resolve.
    if (isPlainObject(input.values)) {
        problems.push(...checkOverrides(input.values, input.allowProtectedValueOverrides).problems);
    }

    const upgrade = upgradeSpec(input, version, problems);
    const distribution = input.distribution;
    const tag = soloTag(version, distribution);
    return {
        version,
        versionText: v,
        cluster: input.cluster,
        network: input.network,
        dataplaneMode: input.dataplaneMode,
        distribution,
        image: { repository: imageRepository ?? "", tag, secrets: input.image?.secrets ?? [] },
        installNamespace,
        onConflict: input.onConflict,
        repository: {
            url: (chartRepository ?? "").replace(/\/+$/, ""),
            kind: chartRepository?.startsWith("oci://") ? "oci" : "http",
            secrets: repositorySecrets,
            insecureSkipVerify: input.repository?.insecureSkipVerify ?? false,
        },
        scalingProfile: input.scalingProfile,
        trafficCaptureMode: input.trafficCaptureMode,
        trustDomain: input.trustDomain ?? input.cluster ?? DEFAULT_TRUST_DOMAIN,
        gatewayApi: {
            install: input.gatewayApi?.install ?? true,
            manifest: input.gatewayApi?.manifest ?? gatewayApiReleaseManifest(facts.gatewayApi),
            defaultBundle: facts.gatewayApi,
            manifestGiven: input.gatewayApi?.manifest !== undefined,
        },
        minor: facts,
        minorKnown: row?.known ?? false,
        eastWest: input.eastWestGateway ? resolveEastWest(input.eastWestGateway, facts, v, problems) : undefined,
        license: input.license === undefined ? "none" : facts.license,
        createNamespace: input.createNamespace,
        timeoutSeconds: input.timeoutSeconds,
        platform: input.platform,
        allowVersionSkew: input.allowVersionSkew,
        removeCrdsOnDelete: input.removeCrdsOnDelete,
        allowProtectedValueOverrides: input.allowProtectedValueOverrides,
        installCni,
        installZtunnel: !sidecar,
        upgrade,
    };
}

function upgradeSpec(input: ParsedInput, version: IstioVersion, problems: string[]): UpgradeSpec {
    const revisionBased = input.upgradeStrategy === "RevisionBased";
    // The grace period and forced removals also apply to InPlace, to the revisions it goes back from (planWayBack).
    if (!revisionBased && input.revisionTags !== undefined) {
        problems.push(
            `revisionTags: applies to upgradeStrategy RevisionBased only (got upgradeStrategy "${input.upgradeStrategy}"); allowed: unset it, or upgradeStrategy: RevisionBased`,
        );
    }
    if (revisionBased && input.dataplaneMode === "Ambient" && compareVersions(version, MIN_AMBIENT_REVISIONS_VERSION) < 0) {
        problems.push(
            `upgradeStrategy: RevisionBased with ambient needs Istio ${formatVersion(MIN_AMBIENT_REVISIONS_VERSION)} or later, whose ztunnel chart follows an istiod revision (got version "${formatVersion(version)}"); allowed: InPlace, or version 1.23.0 or later`,
        );
    }
    const active = revisionOf(version);
    for (const t of input.revisionTags ?? []) {
        if (REVISION_REF.test(t.name) && revisionNameOf(t.name) !== "default") {
            problems.push(`revisionTags: tag "${t.name}" looks like a revision name, which istiod would confuse with a revision (got "${t.name}"); allowed: a name that is not 1-x-y, e.g. prod-stable`);
        }
    }
    return {
        strategy: input.upgradeStrategy,
        activeRevision: revisionBased ? active : "default",
        tags: (input.revisionTags ?? []).map((t) => ({ name: t.name, revision: t.revision === undefined ? undefined : revisionNameOf(t.revision) })),
        graceSeconds: input.inactiveRevisionDeletionGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
        force: input.forceRemoveRevisions ?? [],
    };
}

function toSecretRef(text: string, defaultNamespace: string): SecretRef {
    const [a, b] = text.split("/");
    return b === undefined ? { namespace: defaultNamespace, name: a } : { namespace: a, name: b };
}
