// Local HTTPS chart servers for tests: a Helm HTTP repository with basic auth, and an OCI registry with the bearer
// token flow. The certificate is self-signed (made with openssl), so TLS verification is exercised for real.
import * as crypto from "crypto";
import * as https from "https";
import { AddressInfo } from "net";
import { dockerConfig as dockerConfigFor, selfSignedCert } from "../support/certs";

export interface TestServer {
    url: string;
    host: string;
    caFile: string;
    requests: { path: string; authorization?: string }[];
    close(): Promise<void>;
}

export const CHART_BYTES = Buffer.from("not really a tarball, but bytes with a digest");
export const USER = "chart-reader";
export const PASSWORD = "s3cret-pass";
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
const digest = crypto.createHash("sha256").update(CHART_BYTES).digest("hex");

function listen(handler: (req: import("http").IncomingMessage, res: import("http").ServerResponse, server: TestServer) => void): Promise<TestServer> {
    const { key, cert, caFile } = selfSignedCert();
    const state: TestServer = { url: "", host: "", caFile, requests: [], close: async () => undefined };
    const server = https.createServer({ key, cert }, (req, res) => {
        state.requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
        handler(req, res, state);
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as AddressInfo).port;
            state.host = `127.0.0.1:${port}`;
            state.close = () => new Promise((r) => server.close(() => r()));
            resolve(state);
        });
    });
}

/** A Helm repository at https://127.0.0.1:<port>/charts serving `<chart>` versions `versions`. */
export async function helmRepository(charts: string[], version: string): Promise<TestServer> {
    const server = await listen((req, res) => {
        if (req.headers.authorization !== basic) {
            res.writeHead(401, { "www-authenticate": 'Basic realm="charts"' }).end();
            return;
        }
        if (req.url === "/charts/index.yaml") {
            const entries = charts
                .map((c) => `  ${c}:\n  - name: ${c}\n    version: ${version}\n    digest: ${digest}\n    urls: [${c}-${version}.tgz]\n`)
                .join("");
            res.writeHead(200).end(`apiVersion: v1\nentries:\n${entries}`);
            return;
        }
        const m = /^\/charts\/(.+)-(\d.*)\.tgz$/.exec(req.url ?? "");
        if (m && charts.includes(m[1]) && m[2] === version) {
            res.writeHead(200).end(CHART_BYTES);
            return;
        }
        res.writeHead(404).end();
    });
    server.url = `https://${server.host}/charts`;
    return server;
}

/** An OCI registry at oci://127.0.0.1:<port>/istio-helm with a token endpoint that takes basic credentials. */
export async function ociRegistry(charts: string[], version: string): Promise<TestServer> {
    const token = "token-" + crypto.randomBytes(8).toString("hex");
    const server = await listen((req, res, s) => {
        const url = new URL(req.url ?? "/", `https://${s.host}`);
        if (url.pathname === "/token") {
            if (req.headers.authorization !== basic) {
                res.writeHead(401).end();
                return;
            }
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
            return;
        }
        if (req.headers.authorization !== `Bearer ${token}`) {
            res.writeHead(401, {
                "www-authenticate": `Bearer realm="https://${s.host}/token",service="${s.host}",scope="repository:x:pull"`,
            }).end();
            return;
        }
        const m = /^\/v2\/istio-helm\/([^/]+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
        if (m && charts.includes(m[1]) && m[2] === "manifests" && m[3] === version) {
            res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" }).end(
                JSON.stringify({
                    schemaVersion: 2,
                    layers: [{ mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", digest: `sha256:${digest}`, size: CHART_BYTES.length }],
                }),
            );
            return;
        }
        if (m && m[2] === "blobs" && m[3] === `sha256:${digest}`) {
            res.writeHead(200).end(CHART_BYTES);
            return;
        }
        res.writeHead(404).end();
    });
    server.url = `oci://${server.host}/istio-helm`;
    return server;
}

/** A .dockerconfigjson document for `host`. */
export function dockerConfig(host: string, user = USER, password = PASSWORD): string {
    return dockerConfigFor(host, user, password);
}
