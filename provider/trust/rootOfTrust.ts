// RootOfTrust: the shared root CA of a multicluster mesh and one intermediate CA per cluster, in the shape of Istio's
// plug-in CA Secret `cacerts`. Generated with @pulumi/tls (keys stay Pulumi secrets), issued from an imported root,
// or taken as issued elsewhere and only checked. With `rotation`, a second root's material is made the same ways and
// each cluster's `cacerts` is the stage's combination of both (stages.ts).
import { X509Certificate } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { SpecError } from "../spec/inputs";
import { ClusterCa, ClusterCacerts, ClusterTrust, RootOfTrustArgs, RotationStage } from "./args";
import { CacertsFiles, certificateExpiry, checkCacerts, fingerprint, splitPemCertificates } from "./pki";
import { Stage, stageCacerts } from "./stages";
import { TrustSpec, resolveTrustSpec } from "./validate";
export const ROOT_OF_TRUST_TYPE = "servicemesh:index:RootOfTrust";

const CA_USES = ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"];

interface Root {
    certPem: pulumi.Output<string>;
    keyPem: pulumi.Output<string>;
    expiry: pulumi.Output<string>;
}

/** Where one root's material comes from: the current root's inputs, or the rotation's next root. */
interface Source {
    mode: TrustSpec["mode"];
    rootCertPem?: pulumi.Input<string>;
    rootKeyPem?: pulumi.Input<string>;
    clusterCas?: ClusterCa[];
    /** Input field the material came from, for messages (`` or `rotation.next.`). */
    field: string;
}

/** One root's material: each cluster's cacerts files issued under it, and the root certificate. */
interface Material {
    perCluster: Record<string, pulumi.Output<CacertsFiles>>;
    rootCertPem: pulumi.Output<string>;
}

/** The rotation a RootOfTrust is at, by root fingerprint, for MultiClusterMesh's check of the deployed clusters. */
export interface RotationInfo {
    stage: Stage;
    current: string;
    next?: string;
}

// Kept out of the class: every class property becomes a schema output.
const rotations = new WeakMap<RootOfTrust, pulumi.Output<RotationInfo>>();

export function rotationOf(trust: RootOfTrust): pulumi.Output<RotationInfo> | undefined {
    return rotations.get(trust);
}

/**
 * A shared root of trust for a multicluster mesh: a root CA (generated, or imported) and one intermediate CA per
 * cluster (CA:true, pathlen 0), output as each cluster's `cacerts` material; or per-cluster material issued by a PKI
 * elsewhere, checked to chain to one root. With `rotation`, the material of a staged move to the next root.
 */
export class RootOfTrust extends pulumi.ComponentResource {
    /** The root certificate(s) every cluster trusts (PEM): two while a rotation trusts both roots. */
    public readonly rootCertPem!: pulumi.Output<string>;
    /** Each cluster's `cacerts` material, by cluster name. Secret: it holds the intermediate keys. */
    public readonly cacerts!: pulumi.Output<Record<string, ClusterCacerts>>;
    /** When the root that issues the intermediates expires (RFC 3339). */
    public readonly rootExpiry!: pulumi.Output<string>;
    /** When each cluster's intermediate certificate expires (RFC 3339), by cluster name. */
    public readonly intermediateExpiries!: pulumi.Output<Record<string, string>>;
    /** The rotation stage the material is at (`Current` without a rotation). */
    public readonly rotationStage!: pulumi.Output<RotationStage>;
    /** @deprecated Renamed to `rotationStage` (published under both names until 0.3). */
    public readonly stage!: pulumi.Output<RotationStage>;
    /** The next root certificate of a rotation (PEM; empty without one). */
    public readonly nextRootCertPem!: pulumi.Output<string>;
    /** Per cluster: the roots trusted, the issuing root and days until each certificate expires. */
    public readonly clusterTrust!: pulumi.Output<ClusterTrust[]>;

    constructor(name: string, args: RootOfTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `RootOfTrust "${name}"`;
        const spec = resolveTrustSpec(args, label);
        super(ROOT_OF_TRUST_TYPE, name, {}, opts);

        const currentPrefix = spec.rootName ? `${name}-${spec.rootName}` : name;
        const current = material(currentPrefix, { mode: spec.mode, rootCertPem: args.rootCertPem, rootKeyPem: args.rootKeyPem, clusterCas: args.clusterCas, field: "" }, spec, label, this);
        const rotation = spec.rotation;
        const nextArgs = args.rotation?.next ?? {};
        const next = rotation
            ? material(`${name}-${rotation.name}`, { mode: rotation.mode, rootCertPem: nextArgs.rootCertPem, rootKeyPem: nextArgs.rootKeyPem, clusterCas: nextArgs.clusterCas, field: "rotation.next." }, spec, label, this)
            : undefined;
        const stage: Stage = rotation?.stage ?? "Current";

        const clusters = spec.clusters;
        const staged = clusters.map((c) =>
            pulumi.all([current.perCluster[c], next ? next.perCluster[c] : undefined]).apply(([cur, nxt]) => stageCacerts(stage, cur, nxt)),
        );
        const publicParts = pulumi.unsecret(pulumi.all(staged).apply((all) => all.map((f) => ({ rootCertPem: f.rootCertPem, caCertPem: f.caCertPem }))));
        this.rootCertPem = publicParts.apply((all) => all[0].rootCertPem);
        this.rootExpiry = publicParts.apply((all) => certificateExpiry(issuerOf(all[0])));
        this.cacerts = pulumi.secret(pulumi.all(staged).apply((files) => Object.fromEntries(clusters.map((c, i) => [c, files[i]]))));
        this.intermediateExpiries = publicParts.apply((all) => Object.fromEntries(clusters.map((c, i) => [c, certificateExpiry(all[i].caCertPem)])));
        this.rotationStage = pulumi.output(stage);
        this.stage = this.rotationStage;
        this.nextRootCertPem = next ? next.rootCertPem : pulumi.output("");
        this.clusterTrust = publicParts.apply((all) => clusters.map((c, i) => clusterTrust(c, all[i])));
        this.clusterTrust.apply((trust) => {
            const soon = expiringSoon(trust, spec.expiryWarningDays);
            if (soon.length) {
                pulumi.log.warn(`${label}: certificates expire within ${spec.expiryWarningDays} days: ${soon.join("; ")}`, this);
            }
        });
        rotations.set(
            this,
            pulumi.all([current.rootCertPem, next ? next.rootCertPem : undefined]).apply(([cur, nxt]) => ({
                stage,
                current: fingerprint(cur),
                next: nxt ? fingerprint(nxt) : undefined,
            })),
        );
        this.registerOutputs({
            rootCertPem: this.rootCertPem,
            cacerts: this.cacerts,
            rootExpiry: this.rootExpiry,
            intermediateExpiries: this.intermediateExpiries,
            rotationStage: this.rotationStage,
            stage: this.stage,
            nextRootCertPem: this.nextRootCertPem,
            clusterTrust: this.clusterTrust,
        });
    }
}

/** Generated, issued from an imported root, or taken as issued elsewhere. */
function material(prefix: string, source: Source, spec: TrustSpec, label: string, parent: pulumi.Resource): Material {
    if (source.mode === "external") {
        return externalMaterial(source, label);
    }
    const issuer = source.mode === "generate" ? generateRoot(prefix, spec, parent) : importedRoot(source, label);
    const perCluster: Record<string, pulumi.Output<CacertsFiles>> = {};
    for (const cluster of spec.clusters) {
        perCluster[cluster] = issueIntermediate(prefix, cluster, spec, issuer, parent);
    }
    return { perCluster, rootCertPem: issuer.certPem };
}

/** The root of `root-cert.pem` that issued `ca-cert.pem` (the first one when none matches). */
function issuerOf(files: { rootCertPem: string; caCertPem: string }): string {
    const ca = new X509Certificate(files.caCertPem);
    const roots = splitPemCertificates(files.rootCertPem);
    return roots.find((r) => ca.verify(new X509Certificate(r).publicKey)) ?? roots[0];
}

const DAY_MS = 24 * 3600 * 1000;

function daysLeft(expiry: string, now: Date): number {
    return Math.floor((new Date(expiry).getTime() - now.getTime()) / DAY_MS);
}

/** What one cluster's cacerts trusts, issuing root first, with days until each certificate expires. */
export function clusterTrust(cluster: string, files: { rootCertPem: string; caCertPem: string }, now = new Date()): ClusterTrust {
    const issuer = fingerprint(issuerOf(files));
    const roots = splitPemCertificates(files.rootCertPem).map((pem) => {
        const cert = new X509Certificate(pem);
        const expiry = new Date(cert.validTo).toISOString();
        return { fingerprint: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ", "), expiry, daysLeft: daysLeft(expiry, now) };
    });
    roots.sort((a, b) => Number(b.fingerprint === issuer) - Number(a.fingerprint === issuer));
    const intermediateExpiry = certificateExpiry(files.caCertPem);
    return { cluster, trustedRoots: roots, issuingRoot: issuer, intermediateExpiry, intermediateDaysLeft: daysLeft(intermediateExpiry, now) };
}

/** Lines naming every certificate that expires within `days`. */
export function expiringSoon(trust: ClusterTrust[], days: number): string[] {
    const lines = new Set<string>();
    for (const t of trust) {
        if (t.intermediateDaysLeft < days) {
            lines.add(`cluster ${t.cluster}: intermediate CA expires on ${t.intermediateExpiry} (${t.intermediateDaysLeft} days)`);
        }
        for (const r of t.trustedRoots.filter((r) => r.daysLeft < days)) {
            lines.add(`root "${r.subject}" (${r.fingerprint.slice(0, 11)}) expires on ${r.expiry} (${r.daysLeft} days)`);
        }
    }
    return [...lines];
}

function keyArgs(spec: TrustSpec): tls.PrivateKeyArgs {
    return spec.keyAlgorithm === "RSA" ? { algorithm: "RSA", rsaBits: spec.rsaBits } : { algorithm: "ECDSA", ecdsaCurve: spec.ecdsaCurve };
}

/** Istio's reference root: `O=<organization>, CN=Root CA`, a CA that may sign intermediates. */
function generateRoot(name: string, spec: TrustSpec, parent: pulumi.Resource): Root {
    const key = new tls.PrivateKey(`${name}-root-key`, keyArgs(spec), { parent });
    const cert = new tls.SelfSignedCert(
        `${name}-root-cert`,
        {
            privateKeyPem: key.privateKeyPem,
            subject: { organization: spec.organization, commonName: "Root CA" },
            isCaCertificate: true,
            validityPeriodHours: spec.rootValidityHours,
            allowedUses: CA_USES,
            setSubjectKeyId: true,
        },
        { parent },
    );
    return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem), expiry: cert.validityEndTime };
}

/** A root given as input: checked to be a CA whose key matches before anything is issued from it. */
function importedRoot(source: Source, label: string): Root {
    const checked = pulumi.all([source.rootCertPem!, pulumi.secret(source.rootKeyPem!)]).apply(([certPem, keyPem]) => {
        const problems = checkCacerts({ caCertPem: certPem, caKeyPem: keyPem, rootCertPem: certPem, certChainPem: `${certPem}\n${certPem}` }, "root");
        if (problems.length) {
            const f = source.field;
            throw new SpecError(label, problems.map((p) => p.replace(/^root\.caCertPem/, `${f}rootCertPem`).replace(/^root\.caKeyPem/, `${f}rootKeyPem`).replace(/^root\./, f)));
        }
        return { certPem, keyPem };
    });
    return {
        certPem: checked.apply((c) => c.certPem),
        keyPem: pulumi.secret(checked.apply((c) => c.keyPem)),
        expiry: checked.apply((c) => certificateExpiry(c.certPem)),
    };
}

/** Istio's reference intermediate: `O=<organization>, CN=Intermediate CA, L=<cluster>`, CA:true, pathlen 0. */
function issueIntermediate(name: string, cluster: string, spec: TrustSpec, issuer: Root, parent: pulumi.Resource) {
    const key = new tls.PrivateKey(`${name}-${cluster}-key`, keyArgs(spec), { parent });
    const csr = new tls.CertRequest(
        `${name}-${cluster}-csr`,
        {
            privateKeyPem: key.privateKeyPem,
            subject: { organization: spec.organization, commonName: "Intermediate CA", locality: cluster },
            dnsNames: [`istiod.${spec.installNamespace}.svc`],
        },
        { parent },
    );
    const cert = new tls.LocallySignedCert(
        `${name}-${cluster}-cert`,
        {
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: issuer.keyPem,
            caCertPem: issuer.certPem,
            isCaCertificate: true,
            maxPathLength: 0,
            validityPeriodHours: spec.intermediateValidityHours,
            allowedUses: CA_USES,
            setSubjectKeyId: true,
        },
        { parent },
    );
    const files = pulumi.all([cert.certPem, key.privateKeyPem, issuer.certPem]).apply(([caCertPem, caKeyPem, rootCertPem]) => ({
        caCertPem,
        caKeyPem,
        rootCertPem,
        certChainPem: `${caCertPem.trimEnd()}\n${rootCertPem.trimEnd()}\n`,
    }));
    return pulumi.secret(files);
}

/** Material issued elsewhere: every cluster's chain is checked, and all must share one root. */
function externalMaterial(source: Source, label: string): Material {
    const cas = source.clusterCas!;
    const field = `${source.field}clusterCas`;
    const checked = pulumi.secret(
        pulumi
            .all(
                cas.map((c) =>
                    pulumi.all([c.caCertPem, c.caKeyPem, c.rootCertPem, c.certChainPem]).apply(([caCertPem, caKeyPem, rootCertPem, certChainPem]) => ({
                        caCertPem,
                        caKeyPem,
                        rootCertPem,
                        certChainPem,
                    })),
                ),
            )
            .apply((all) => {
                const problems = all.flatMap((files, i) => checkCacerts(files, `${field}[${i}] (${cas[i].cluster})`));
                if (!problems.length) {
                    const roots = new Set(all.map((f) => f.rootCertPem.trim()));
                    if (roots.size > 1 || all.some((f) => splitPemCertificates(f.rootCertPem).length !== 1)) {
                        problems.push(`${field}: the clusters carry ${roots.size} different root certificates; allowed: one shared root, a single certificate (the rotation stages combine roots)`);
                    }
                }
                if (problems.length) {
                    throw new SpecError(label, problems);
                }
                return all;
            }),
    );
    const perCluster: Record<string, pulumi.Output<CacertsFiles>> = {};
    cas.forEach((c, i) => {
        perCluster[c.cluster] = checked.apply((all) => all[i]);
    });
    return { perCluster, rootCertPem: pulumi.unsecret(checked.apply((all) => all[0].rootCertPem)) };
}
