// RootOfTrust: the shared root CA of a multicluster mesh and one intermediate CA per cluster, in the shape of Istio's
// plug-in CA Secret `cacerts`. Generated with @pulumi/tls (keys stay Pulumi secrets), issued from an imported root,
// or taken as issued elsewhere and only checked.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { SpecError } from "../spec/inputs";
import { ClusterCacerts, RootOfTrustArgs } from "./args";
import { CacertsFiles, certificateExpiry, checkCacerts, fingerprint } from "./pki";
import { TrustSpec, resolveTrustSpec } from "./validate";

export const ROOT_OF_TRUST_TYPE = "servicemesh:index:RootOfTrust";

const CA_USES = ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"];

interface Root {
    certPem: pulumi.Output<string>;
    keyPem: pulumi.Output<string>;
    expiry: pulumi.Output<string>;
}

/**
 * A shared root of trust for a multicluster mesh: a root CA (generated, or imported) and one intermediate CA per
 * cluster (CA:true, pathlen 0), output as each cluster's `cacerts` material; or per-cluster material issued by a PKI
 * elsewhere, checked to chain to one root.
 */
export class RootOfTrust extends pulumi.ComponentResource {
    /** The root certificate every cluster trusts (PEM). */
    public readonly rootCertPem!: pulumi.Output<string>;
    /** Each cluster's `cacerts` material, by cluster name. Secret: it holds the intermediate keys. */
    public readonly cacerts!: pulumi.Output<Record<string, ClusterCacerts>>;
    /** When the root certificate expires (RFC 3339). */
    public readonly rootExpiry!: pulumi.Output<string>;
    /** When each cluster's intermediate certificate expires (RFC 3339), by cluster name. */
    public readonly intermediateExpiries!: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RootOfTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `RootOfTrust "${name}"`;
        const spec = resolveTrustSpec(args, label);
        super(ROOT_OF_TRUST_TYPE, name, {}, opts);

        let perCluster: Record<string, { files: pulumi.Output<CacertsFiles>; expiry: pulumi.Output<string> }>;
        let root: pulumi.Output<{ certPem: string; expiry: string }>;
        if (spec.mode === "external") {
            ({ perCluster, root } = externalMaterial(args, label));
        } else {
            const issuer = spec.mode === "generate" ? generateRoot(name, spec, this) : importedRoot(args, label);
            perCluster = {};
            for (const cluster of spec.clusters) {
                perCluster[cluster] = issueIntermediate(name, cluster, spec, issuer, this);
            }
            root = pulumi.all([issuer.certPem, issuer.expiry]).apply(([certPem, expiry]) => ({ certPem, expiry }));
        }

        const clusters = Object.keys(perCluster);
        this.rootCertPem = root.apply((r) => r.certPem);
        this.rootExpiry = root.apply((r) => r.expiry);
        this.cacerts = pulumi.secret(
            pulumi.all(clusters.map((c) => perCluster[c].files)).apply((files) => Object.fromEntries(clusters.map((c, i) => [c, files[i]]))),
        );
        this.intermediateExpiries = pulumi
            .all(clusters.map((c) => perCluster[c].expiry))
            .apply((times) => Object.fromEntries(clusters.map((c, i) => [c, times[i]])));
        this.registerOutputs({
            rootCertPem: this.rootCertPem,
            cacerts: this.cacerts,
            rootExpiry: this.rootExpiry,
            intermediateExpiries: this.intermediateExpiries,
        });
    }
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
function importedRoot(args: RootOfTrustArgs, label: string): Root {
    const checked = pulumi.all([args.rootCertPem!, pulumi.secret(args.rootKeyPem!)]).apply(([certPem, keyPem]) => {
        const problems = checkCacerts({ caCertPem: certPem, caKeyPem: keyPem, rootCertPem: certPem, certChainPem: `${certPem}\n${certPem}` }, "root");
        if (problems.length) {
            throw new SpecError(label, problems.map((p) => p.replace(/^root\.caCertPem/, "rootCertPem").replace(/^root\.caKeyPem/, "rootKeyPem")));
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
    return { files: pulumi.secret(files), expiry: cert.validityEndTime };
}

/** Material issued elsewhere: every cluster's chain is checked, and all must share one root. */
function externalMaterial(args: RootOfTrustArgs, label: string) {
    const cas = args.clusterCas!;
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
                const problems = all.flatMap((files, i) => checkCacerts(files, `clusterCas[${i}] (${cas[i].cluster})`));
                if (!problems.length) {
                    const roots = new Set(all.map((f) => fingerprint(f.rootCertPem)));
                    if (roots.size > 1) {
                        problems.push(`clusterCas: the clusters carry ${roots.size} different root certificates; allowed: one shared root`);
                    }
                }
                if (problems.length) {
                    throw new SpecError(label, problems);
                }
                return all;
            }),
    );
    const perCluster: Record<string, { files: pulumi.Output<CacertsFiles>; expiry: pulumi.Output<string> }> = {};
    cas.forEach((c, i) => {
        const files = checked.apply((all) => all[i]);
        perCluster[c.cluster] = { files, expiry: pulumi.unsecret(files.apply((f) => certificateExpiry(f.caCertPem))) };
    });
    const root = pulumi.unsecret(checked.apply((all) => ({ certPem: all[0].rootCertPem, expiry: certificateExpiry(all[0].rootCertPem) })));
    return { perCluster, root };
}
