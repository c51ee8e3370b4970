// Validation of ServiceMeshController inputs. `resolveControllerSpec` is pure: it checks every field with zod, applies
// the Gloo operator's defaults and returns the resolved spec the renderers work from, or throws one SpecError that
// lists every problem as `field: what is wrong (got <value>); allowed: <what>`. The component calls it before it
// registers any resource, so a rejected input creates nothing.
import { z } from "zod";
import {
    IstioVersion,
    MIN_AMBIENT_VERSION,
    MIN_SUPPORTED_VERSION,
    SOLO_REPO_KEYS,
    compareVersions,
    formatVersion,
    minorKey,
    parseVersion,
    soloChartRepository,
    soloImageRepository,
} from "./versions";

export const DEFAULT_INSTALL_NAMESPACE = "istio-system";
export const DEFAULT_TRUST_DOMAIN = "cluster.local";
export const DEFAULT_GATEWAY_API_MANIFEST =
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml";
export const DEFAULT_TIMEOUT_SECONDS = 600;

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
    gatewayApi: { install: boolean; manifest: string };
    createNamespace: boolean;
    timeoutSeconds: number;
    /** Derived: the istio-cni chart is installed (Ambient, or Sidecar with trafficCaptureMode Auto). */
    installCni: boolean;
    /** Derived: the ztunnel chart is installed (Ambient only). */
    installZtunnel: boolean;
}

/** Raised when inputs are invalid; `problems` holds one line per bad field. */
export class SpecError extends Error {
    constructor(
        readonly component: string,
        readonly problems: string[],
    ) {
        super(`invalid ${component} inputs:\n  - ${problems.join("\n  - ")}`);
        this.name = "SpecError";
    }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Registry host[:port] and path, lower case, no scheme, no tag or digest.
const IMAGE_REPOSITORY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

function dnsLabel(what: string) {
    return z
        .string()
        .max(63, { error: `must be at most 63 characters; allowed: a DNS label (${what})` })
        .regex(DNS_LABEL, {
            error: `is not a DNS label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit (${what})`,
        });
}

function dnsSubdomain(what: string) {
    return z
        .string()
        .max(253, { error: `must be at most 253 characters (${what})` })
        .regex(DNS_SUBDOMAIN, {
            error: `is not a DNS name; allowed: lower-case letters, digits, '-' and '.' (${what})`,
        });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `is not allowed; allowed values: ${values.join(", ")}` });
}

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
                        ? "is required; allowed: an Istio patch version `1.x.y` with no tags, e.g. 1.24.3"
                        : "is not a string; allowed: an Istio patch version `1.x.y` with no tags, e.g. 1.24.3",
            }).regex(/^1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, {
            error: "is not an Istio patch version; allowed: `1.x.y` with no tags or prefix, e.g. 1.24.3",
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
        createNamespace: z.boolean({ error: "is not a boolean; allowed: true or false" }).default(true),
        timeoutSeconds: z
            .number({ error: "is not a number; allowed: whole seconds from 30 to 3600" })
            .int({ error: "is not a whole number; allowed: whole seconds from 30 to 3600" })
            .min(30, { error: "is too short; allowed: whole seconds from 30 to 3600" })
            .max(3600, { error: "is too long; allowed: whole seconds from 30 to 3600" })
            .default(DEFAULT_TIMEOUT_SECONDS),
        // Cluster access is checked for shape only: these may be secrets or outputs of other resources.
        kubeconfig: z.any().optional(),
        context: z.any().optional(),
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

/** Renders a zod issue as `field: problem (got value)`. */
function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.length ? issue.path.map(String).join(".") : "(inputs)";
    if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => `"${k}"`).join(", ");
        return `${field === "(inputs)" ? "" : field + ": "}unknown field ${keys}; check the spelling against the documented inputs`;
    }
    const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
    return `${field}: ${issue.message}${got}`;
}

/**
 * Validates raw ServiceMeshController inputs and applies defaults. Throws SpecError listing every problem.
 * `component` names the component in the error (e.g. `ServiceMeshController "mesh"`).
 */
export function resolveControllerSpec(raw: unknown, component = "ServiceMeshController"): ControllerSpec {
    const parsed = inputSchema.safeParse(raw ?? {}, { reportInput: true });
    if (!parsed.success) {
        throw new SpecError(component, parsed.error.issues.map(describeIssue));
    }
    const problems: string[] = [];
    const spec = applyDefaults(parsed.data, problems);
    if (problems.length) {
        throw new SpecError(component, problems);
    }
    return spec;
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

    const repoKey = SOLO_REPO_KEYS[minorKey(version)];
    const imageRepository = input.image?.repository ?? (repoKey ? soloImageRepository(repoKey) : undefined);
    const chartRepository = input.repository?.url ?? (repoKey ? soloChartRepository(repoKey) : undefined);
    if (!imageRepository) {
        problems.push(
            `image.repository: no Solo repository is known for Istio ${minorKey(version)} (got version "${v}"); allowed: set image.repository explicitly, or a version of ${Object.keys(SOLO_REPO_KEYS).join(", ")}`,
        );
    }
    if (!chartRepository) {
        problems.push(
            `repository.url: no Solo chart repository is known for Istio ${minorKey(version)} (got version "${v}"); allowed: set repository.url explicitly, or a version of ${Object.keys(SOLO_REPO_KEYS).join(", ")}`,
        );
    }

    const installNamespace = input.installNamespace;
    const repositorySecrets = (input.repository?.secrets ?? []).map((text) => toSecretRef(text, installNamespace));
    for (const ref of repositorySecrets) {
        if (input.createNamespace && ref.namespace === installNamespace) {
            problems.push(
                `repository.secrets: Secret "${ref.name}" would be read from the install namespace "${installNamespace}", which this component creates, so it cannot exist yet (got "${ref.name}"); allowed: "<namespace>/${ref.name}" in an existing namespace, or createNamespace: false`,
            );
        }
    }

    const distribution = input.distribution;
    const tag = `${v}-solo${distribution === "FIPS" ? "-fips" : ""}`;
    const sidecar = input.dataplaneMode === "Sidecar";
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
            manifest: input.gatewayApi?.manifest ?? DEFAULT_GATEWAY_API_MANIFEST,
        },
        createNamespace: input.createNamespace,
        timeoutSeconds: input.timeoutSeconds,
        installCni: !sidecar || input.trafficCaptureMode === "Auto",
        installZtunnel: !sidecar,
    };
}

function toSecretRef(text: string, defaultNamespace: string): SecretRef {
    const [a, b] = text.split("/");
    return b === undefined ? { namespace: defaultNamespace, name: a } : { namespace: a, name: b };
}
