// CA material made outside the component, as a PKI (or Istio's certificate Makefiles) would make it: a root and, per
// cluster, an intermediate CA (CA:true, pathlen 0) in the `cacerts` file layout `<dir>/<cluster>/{ca-cert.pem,
// ca-key.pem, root-cert.pem, cert-chain.pem}`. Made with the openssl CLI.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface IssuedCa {
    caCertPem: string;
    caKeyPem: string;
    rootCertPem: string;
    certChainPem: string;
}

function openssl(cwd: string, ...args: string[]) {
    execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

/** Writes a root and one intermediate per cluster under `dir`; returns the material by cluster. */
export function issueClusterCas(dir: string, clusters: string[], opts: { intermediateCa?: boolean; days?: number; org?: string } = {}): Record<string, IssuedCa> {
    fs.mkdirSync(dir, { recursive: true });
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", String((opts.days ?? 30) * 2), "-subj", `/O=${opts.org ?? "Example PKI"}/CN=Root CA`,
        "-keyout", "root-key.pem", "-out", "root-cert.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    const root = fs.readFileSync(path.join(dir, "root-cert.pem"), "utf8");
    const result: Record<string, IssuedCa> = {};
    for (const cluster of clusters) {
        const d = path.join(dir, cluster);
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, "ext.cnf"), `basicConstraints=critical,CA:${opts.intermediateCa === false ? "FALSE" : "TRUE,pathlen:0"}\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectAltName=DNS:istiod.istio-system.svc\n`);
        openssl(d, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", `/O=${opts.org ?? "Example PKI"}/CN=Intermediate CA/L=${cluster}`, "-keyout", "ca-key.pem", "-out", "ca.csr");
        openssl(d, "x509", "-req", "-in", "ca.csr", "-CA", "../root-cert.pem", "-CAkey", "../root-key.pem", "-CAcreateserial", "-days", String(opts.days ?? 30), "-extfile", "ext.cnf", "-out", "ca-cert.pem");
        fs.copyFileSync(path.join(dir, "root-cert.pem"), path.join(d, "root-cert.pem"));
        const ca = fs.readFileSync(path.join(d, "ca-cert.pem"), "utf8");
        fs.writeFileSync(path.join(d, "cert-chain.pem"), ca + root);
        result[cluster] = { caCertPem: ca, caKeyPem: fs.readFileSync(path.join(d, "ca-key.pem"), "utf8"), rootCertPem: root, certChainPem: ca + root };
    }
    return result;
}
