// Answers for the tls provider under Pulumi mocks: real keys and certificates made with Node's crypto and the openssl
// CLI, honouring the inputs RootOfTrust sets (subject, CA flag, path length, validity, issuer), so a chain made under
// mocks is checked the way istiod would check it.
import { execFileSync } from "child_process";
import { X509Certificate, generateKeyPairSync } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let dir: string | undefined;
let n = 0;

function file(content: string): string {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-tls-"));
    const f = path.join(dir, `f${n++}.pem`);
    fs.writeFileSync(f, content);
    return f;
}

function openssl(args: string[]): string {
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function subject(s: any = {}): string {
    const parts = [["O", s.organization], ["CN", s.commonName], ["L", s.locality]].filter(([, v]) => v);
    return "/" + parts.map(([k, v]) => `${k}=${v}`).join("/");
}

function caExtensions(inputs: any): string[] {
    if (!inputs.isCaCertificate) return ["basicConstraints=critical,CA:FALSE"];
    const pathlen = inputs.maxPathLength !== undefined && inputs.maxPathLength >= 0 ? `,pathlen:${inputs.maxPathLength}` : "";
    return [`basicConstraints=critical,CA:TRUE${pathlen}`, "keyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment", "subjectKeyIdentifier=hash"];
}

function days(hours: number): string {
    return String(Math.max(1, Math.ceil(hours / 24)));
}

function times(certPem: string) {
    const c = new X509Certificate(certPem);
    return { validityStartTime: new Date(c.validFrom).toISOString(), validityEndTime: new Date(c.validTo).toISOString() };
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Mocks pass secret inputs wrapped in a signature object; the double needs the values. */
function unwrapSecrets(value: any): any {
    if (value && typeof value === "object") {
        if (Object.values(value).includes(SECRET_SIG)) return unwrapSecrets(value.value);
        if (Array.isArray(value)) return value.map(unwrapSecrets);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** State for a tls resource, or undefined when `type` is not a tls resource. */
export function tlsState(type: string, rawInputs: any): any | undefined {
    if (!type.startsWith("tls:")) return undefined;
    const inputs = unwrapSecrets(rawInputs);
    switch (type) {
        case "tls:index/privateKey:PrivateKey": {
            const { privateKey, publicKey } =
                inputs.algorithm === "ECDSA"
                    ? generateKeyPairSync("ec", { namedCurve: { P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" }[inputs.ecdsaCurve as string] ?? "prime256v1" })
                    : generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048 });
            return {
                ...inputs,
                privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }),
                publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
            };
        }
        case "tls:index/selfSignedCert:SelfSignedCert": {
            const ext = caExtensions(inputs).flatMap((e) => ["-addext", e]);
            const certPem = openssl(["req", "-x509", "-new", "-key", file(inputs.privateKeyPem), "-subj", subject(inputs.subject), "-days", days(inputs.validityPeriodHours), ...ext]);
            return { ...inputs, certPem, ...times(certPem) };
        }
        case "tls:index/certRequest:CertRequest": {
            const san = (inputs.dnsNames ?? []).map((d: string) => `DNS:${d}`).join(",");
            const certRequestPem = openssl(["req", "-new", "-key", file(inputs.privateKeyPem), "-subj", subject(inputs.subject), ...(san ? ["-addext", `subjectAltName=${san}`] : [])]);
            return { ...inputs, certRequestPem };
        }
        case "tls:index/locallySignedCert:LocallySignedCert": {
            const extfile = file(caExtensions(inputs).join("\n") + "\n");
            const certPem = openssl([
                "x509", "-req", "-in", file(inputs.certRequestPem), "-CA", file(inputs.caCertPem), "-CAkey", file(inputs.caPrivateKeyPem),
                "-CAcreateserial", "-days", days(inputs.validityPeriodHours), "-extfile", extfile, "-copy_extensions", "copyall",
            ]);
            return { ...inputs, certPem, ...times(certPem) };
        }
    }
    return undefined;
}

/** `openssl x509 -text` of a certificate, to read extensions Node does not expose (path length). */
export function certText(certPem: string): string {
    return openssl(["x509", "-noout", "-text", "-in", file(certPem)]);
}
