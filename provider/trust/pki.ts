// Checks of CA material with Node's X.509 support: what istiod needs from a `cacerts` Secret is an intermediate CA
// whose key matches it, signed by one of the roots of `root-cert.pem` (two while a root rotation is in progress), with
// the chain `intermediate, issuing root`. Pure (no I/O).
import { X509Certificate, createPrivateKey } from "crypto";

/** The four files of Istio's plug-in CA Secret `cacerts`. */
export interface CacertsFiles {
    caCertPem: string;
    caKeyPem: string;
    rootCertPem: string;
    certChainPem: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function splitPemCertificates(pem: string): string[] {
    return pem.match(PEM_CERT) ?? [];
}

function parseCert(pem: string, what: string): X509Certificate {
    try {
        return new X509Certificate(pem);
    } catch (e) {
        throw new Error(`${what}: not a PEM certificate (${(e as Error).message})`);
    }
}

/** ISO time a certificate expires. */
export function certificateExpiry(pem: string): string {
    return new Date(parseCert(pem, "certificate").validTo).toISOString();
}

/** SHA-256 fingerprint, to compare roots across clusters. */
export function fingerprint(pem: string): string {
    return parseCert(pem, "certificate").fingerprint256;
}

/** The root of `roots` whose key signed `cert`, if any. */
export function issuingRoot(cert: X509Certificate, roots: X509Certificate[]): X509Certificate | undefined {
    return roots.find((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
}

/**
 * Problems with one cluster's CA material (empty when it is usable). `where` prefixes every message, e.g.
 * `clusterCas[0] (east)`. `now` is injectable for tests.
 */
export function checkCacerts(files: CacertsFiles, where: string, now = new Date()): string[] {
    const problems: string[] = [];
    let ca: X509Certificate;
    let roots: X509Certificate[];
    try {
        ca = parseCert(files.caCertPem, `${where}.caCertPem`);
        const pems = splitPemCertificates(files.rootCertPem);
        roots = (pems.length ? pems : [files.rootCertPem]).map((p) => parseCert(p, `${where}.rootCertPem`));
    } catch (e) {
        return [(e as Error).message];
    }
    if (!ca.ca) {
        problems.push(`${where}.caCertPem: is not a CA certificate (basic constraints CA:false); istiod needs an intermediate CA`);
    }
    if (roots.some((r) => !r.ca)) {
        problems.push(`${where}.rootCertPem: is not a CA certificate (basic constraints CA:false)`);
    }
    if (roots.length > 2) {
        problems.push(`${where}.rootCertPem: holds ${roots.length} certificates; allowed: the mesh root, or two roots while a rotation is in progress`);
    }
    const root = issuingRoot(ca, roots);
    if (!root) {
        problems.push(`${where}.caCertPem: is not signed by ${roots.length > 1 ? "any root of " : ""}rootCertPem (issuer "${ca.issuer.replace(/\n/g, ", ")}")`);
    }
    try {
        if (!ca.checkPrivateKey(createPrivateKey(files.caKeyPem))) {
            problems.push(`${where}.caKeyPem: does not match caCertPem`);
        }
    } catch {
        problems.push(`${where}.caKeyPem: not a PEM private key`);
    }
    const chain = splitPemCertificates(files.certChainPem);
    if (chain.length < 2 || parseCert(chain[0], `${where}.certChainPem`).fingerprint256 !== ca.fingerprint256) {
        problems.push(`${where}.certChainPem: must start with caCertPem and end with the root (got ${chain.length} certificate(s))`);
    } else if (root && parseCert(chain[chain.length - 1], `${where}.certChainPem`).fingerprint256 !== root.fingerprint256) {
        problems.push(`${where}.certChainPem: does not end with the root that signed caCertPem`);
    }
    for (const [cert, field] of [[ca, "caCertPem"] as const, ...roots.map((r) => [r, "rootCertPem"] as const)]) {
        if (new Date(cert.validTo) <= now) {
            problems.push(`${where}.${field}: expired on ${new Date(cert.validTo).toISOString()}`);
        }
    }
    return problems;
}
