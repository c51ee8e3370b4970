// Validation of RootOfTrust inputs (pure). PEM contents may be secrets or outputs of other resources, so they are
// checked when known (see pki.ts); everything else is checked here, before anything is registered.
import { z } from "zod";
import { dnsLabel, oneOf, resolveInputs } from "../spec/inputs";
import { ROTATION_STAGES, Stage } from "./stages";

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
    /** Prefix of the current root's resources: the component name, or `<name>-<rootName>`. */
    rootName?: string;
    rotation?: { stage: Stage; mode: "generate" | "importRoot" | "external"; name: string };
    expiryWarningDays: number;
}

const hours = (what: string) =>
    z
        .number({ error: `is not a number; allowed: whole hours from 1 to 876000 (${what})` })
        .int({ error: `is not a whole number; allowed: whole hours from 1 to 876000 (${what})` })
        .min(1, { error: `is too short; allowed: whole hours from 1 to 876000 (${what})` })
        .max(876000, { error: `is too long; allowed: whole hours from 1 to 876000 (${what})` });

const clusterName = dnsLabel("a cluster name");

const clusterCas = z.array(z.object({ cluster: clusterName, caCertPem: z.any(), caKeyPem: z.any(), rootCertPem: z.any(), certChainPem: z.any() }).strict());

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
        clusterCas: clusterCas.optional(),
        rootName: dnsLabel("a root name").optional(),
        rotation: z
            .strictObject(
                {
                    stage: oneOf(ROTATION_STAGES),
                    next: z
                        .strictObject(
                            { name: dnsLabel("a root name").optional(), rootCertPem: z.any().optional(), rootKeyPem: z.any().optional(), clusterCas: clusterCas.optional() },
                            { error: "is not an object; allowed fields: name, rootCertPem, rootKeyPem, clusterCas" },
                        )
                        .optional(),
                },
                { error: "is not an object; allowed fields: stage, next" },
            )
            .optional(),
        expiryWarningDays: z
            .number({ error: "is not a number; allowed: whole days from 0 to 3650" })
            .int({ error: "is not a whole number; allowed: whole days from 0 to 3650" })
            .min(0, { error: "is negative; allowed: whole days from 0 to 3650" })
            .max(3650, { error: "is too long; allowed: whole days from 0 to 3650" })
            .default(30),
    })
    .strict();

export function resolveTrustSpec(raw: unknown, component = "RootOfTrust"): TrustSpec {
    return resolveInputs(schema, raw, component, checkTrust);
}

function checkTrust(input: z.infer<typeof schema>, problems: string[]): TrustSpec {
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
    const rotation = input.rotation && resolveRotation(input.rotation, external, clusters, input.rootName, problems);
    return {
        rootName: input.rootName,
        rotation,
        expiryWarningDays: input.expiryWarningDays,
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

type RotationInput = { stage: Stage; next?: { name?: string; rootCertPem?: unknown; rootKeyPem?: unknown; clusterCas?: { cluster: string }[] } };

/** The next root's source must match the current one's kind: material issued elsewhere is followed by the same. */
function resolveRotation(rotation: RotationInput, external: boolean, clusters: string[], rootName: string | undefined, problems: string[]): TrustSpec["rotation"] {
    const next = rotation.next ?? {};
    const name = next.name ?? "next";
    const nextExternal = next.clusterCas !== undefined;
    const nextImport = next.rootCertPem !== undefined || next.rootKeyPem !== undefined;
    if (nextImport && (next.rootCertPem === undefined || next.rootKeyPem === undefined)) {
        problems.push(`rotation.next.rootCertPem/rootKeyPem: an imported next root needs both the certificate and its key (got only ${next.rootCertPem === undefined ? "rootKeyPem" : "rootCertPem"})`);
    }
    if (nextExternal && nextImport) {
        problems.push("rotation.next.clusterCas: cannot be combined with rotation.next.rootCertPem/rootKeyPem; allowed: one source for the next root");
    }
    if (external && !nextExternal) {
        problems.push("rotation.next.clusterCas: is required when the current material is clusterCas (issued elsewhere); allowed: the next root's per-cluster material, one entry per cluster");
    }
    if (!external && nextExternal) {
        problems.push("rotation.next.clusterCas: needs the current material as clusterCas too; allowed with a generated or imported root: a generated (default) or imported next root");
    }
    if (nextExternal) {
        const given = next.clusterCas!.map((c) => c.cluster);
        const missing = clusters.filter((c) => !given.includes(c));
        const extra = given.filter((c) => !clusters.includes(c));
        if (missing.length || extra.length || new Set(given).size !== given.length) {
            problems.push(`rotation.next.clusterCas: must hold one entry per cluster of clusterCas (missing: ${missing.join(", ") || "none"}; not in clusterCas: ${extra.join(", ") || "none"})`);
        }
    }
    if (name === (rootName ?? "")) {
        problems.push(`rotation.next.name: "${name}" is the current rootName; allowed: a different name for the next root`);
    }
    return { stage: rotation.stage, mode: nextExternal ? "external" : nextImport ? "importRoot" : "generate", name };
}
