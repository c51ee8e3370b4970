// A self-signed certificate for 127.0.0.1, made once per process with openssl, for local HTTPS test servers.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface TestCert {
    key: Buffer;
    cert: Buffer;
    /** The certificate's file: trust it as a CA (e.g. NODE_EXTRA_CA_CERTS) to verify the server. */
    caFile: string;
}

let cached: TestCert | undefined;

export function selfSignedCert(): TestCert {
    if (!cached) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-cert-"));
        execFileSync(
            "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
            { stdio: "ignore" },
        );
        cached = { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")), caFile: path.join(dir, "cert.pem") };
    }
    return cached;
}

/** A .dockerconfigjson document with one entry for `host`. */
export function dockerConfig(host: string, user: string, password: string): string {
    return JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } } });
}
