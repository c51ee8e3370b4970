// Validation of RootOfTrust inputs (pure). PEM contents may be secrets or outputs of other resources, so they are
// checked when known (see pki.ts); everything else is checked here, before anything is registered.
import { z } from "zod";
import { SpecError, dnsLabel, oneOf, parseInputs } from "../spec/inputs";

export interface TrustSpec {
    mode: "generate" | "importRoot" | "external";
    clusters: string[];
    keyAlgorithm: "RSA" | "ECDSA";
    rsaBits: number;
    ecdsaCurve: "P256" | "P384" | "P521";
    organization: string;
    rootValidityHours: number;
    intermediateValidityHours: number;
    installNamespace: string;
}

const hours = (what: string) =>
    z
        .number({ error: `is not a number; allowed: whole hours from 1 to 876000 (${what})` })
        .int({ error: `is not a whole number; allowed: whole hours from 1 to 876000 (${what})` })
        .min(1, { error: `is too short; allowed: whole hours from 1 to 876000 (${what})` })
        .max(876000, { error: `is too long; allowed: whole hours from 1 to 876000 (${what})` });

const clusterName = dnsLabel("a cluster name");

const schema = z
    .object({
        clusters: z.array(clusterName).optional(),
        keyAlgorithm: oneOf(["RSA", "ECDSA"]).default("RSA"),
        rsaBits: z
            .union([z.literal(2048), z.literal(3072), z.literal(4096)], { error: "is not allowed; allowed values: 2048, 3072, 4096" })
            .default(4096),
        ecdsaCurve: oneOf(["P256", "P384", "P521"]).default("P256"),
        organization: z.string().min(1, { error: "is empty; allowed: a non-empty organization name" }).default("Istio"),
        rootValidityHours: hours("root validity").default(87600),
        intermediateValidityHours: hours("intermediate validity").default(17520),
        installNamespace: dnsLabel("a namespace name").default("istio-system"),
        rootCertPem: z.any().optional(),
        rootKeyPem: z.any().optional(),
        clusterCas: z
            .array(
                z.object({ cluster: clusterName, caCertPem: z.any(), caKeyPem: z.any(), rootCertPem: z.any(), certChainPem: z.any() }).strict(),
            )
            .optional(),
    })
    .strict();

export function resolveTrustSpec(raw: unknown, component = "RootOfTrust"): TrustSpec {
    const input = parseInputs(schema, raw, component);
    const problems: string[] = [];
    const external = input.clusterCas !== undefined;
    const importRoot = input.rootCertPem !== undefined || input.rootKeyPem !== undefined;
    if (importRoot && (input.rootCertPem === undefined || input.rootKeyPem === undefined)) {
        problems.push(`rootCertPem/rootKeyPem: an imported root needs both the certificate and its key (got only ${input.rootCertPem === undefined ? "rootKeyPem" : "rootCertPem"})`);
    }
    if (external && importRoot) {
        problems.push("clusterCas: cannot be combined with rootCertPem/rootKeyPem; allowed: per-cluster material issued elsewhere, or a root to issue from");
    }
    if (external && input.clusters !== undefined) {
        problems.push(`clusters: must be omitted when clusterCas is given (got ${JSON.stringify(input.clusters)}); the clusters are those of clusterCas`);
    }
    const clusters = external ? input.clusterCas!.map((c) => c.cluster) : (input.clusters ?? []);
    const seen = new Set<string>();
    for (const name of clusters) {
        if (seen.has(name)) {
            problems.push(`${external ? "clusterCas" : "clusters"}: cluster "${name}" is listed twice; allowed: unique cluster names`);
        }
        seen.add(name);
    }
    if (clusters.length === 0) {
        problems.push("clusters: no cluster given (got []); allowed: at least one cluster name, or clusterCas");
    }
    if (problems.length) {
        throw new SpecError(component, problems);
    }
    return {
        mode: external ? "external" : importRoot ? "importRoot" : "generate",
        clusters,
        keyAlgorithm: input.keyAlgorithm,
        rsaBits: input.rsaBits,
        ecdsaCurve: input.ecdsaCurve,
        organization: input.organization,
        rootValidityHours: input.rootValidityHours,
        intermediateValidityHours: input.intermediateValidityHours,
        installNamespace: input.installNamespace,
    };
}
