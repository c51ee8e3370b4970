// A small read-only Kubernetes API client for the pre-flight checks. The checks run before the component registers
// its children, so they cannot use Pulumi resources (reads through the Kubernetes provider are registrations too).
// It understands what kubeconfigs commonly hold: a CA (data or file), client certificates, bearer tokens (inline, file
// or from an exec credential plugin, as EKS and GKE use) and basic auth. Credentials never reach a log line.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

export interface KubeConnection {
    server: string;
    /** What the connection was made from, for log lines (a context name, never a credential). */
    describe: string;
    agent: https.AgentOptions;
    headers: Record<string, string>;
}

/** A GET against the API server: the decoded JSON body, or undefined for 404. */
export type KubeGet = (apiPath: string) => Promise<any>;

export class KubeReadError extends Error {
    constructor(
        message: string,
        readonly status?: number,
    ) {
        super(message);
        this.name = "KubeReadError";
    }
}

interface NamedEntry<T> {
    name: string;
    [key: string]: T | string;
}

/** A kubeconfig given as a file path names a file that does not exist (the Kubernetes provider would fail on it too). */
export class MissingKubeconfig extends KubeReadError {
    constructor(readonly file: string) {
        super(`kubeconfig file "${file}" does not exist`);
        this.name = "MissingKubeconfig";
    }
}

/**
 * The kubeconfig text: `kubeconfig` as content, or as a file path or path list (a Kubernetes provider's kubeconfig
 * defaults to $KUBECONFIG, which may be one); unset = $KUBECONFIG (first file) or ~/.kube/config. A path given
 * that names no file throws MissingKubeconfig; with none given, no file found is undefined.
 */
export function kubeconfigText(kubeconfig: string | undefined): { text: string; dir: string } | undefined {
    if (kubeconfig !== undefined && /[\n{]|^apiVersion:/.test(kubeconfig)) {
        return { text: kubeconfig, dir: process.cwd() };
    }
    const file = (kubeconfig ?? process.env.KUBECONFIG)?.split(path.delimiter).find(Boolean) ?? path.join(os.homedir(), ".kube", "config");
    const resolved = file.replace(/^~(?=$|\/)/, os.homedir());
    if (!fs.existsSync(resolved)) {
        if (kubeconfig !== undefined) throw new MissingKubeconfig(resolved);
        return undefined;
    }
    return { text: fs.readFileSync(resolved, "utf8"), dir: path.dirname(path.resolve(resolved)) };
}

function fileOrData(dir: string, data: unknown, file: unknown): Buffer | undefined {
    if (typeof data === "string" && data) {
        return Buffer.from(data, "base64");
    }
    if (typeof file === "string" && file) {
        return fs.readFileSync(path.resolve(dir, file));
    }
    return undefined;
}

function byName(list: unknown, name: string | undefined, what: string): Record<string, any> {
    const entry = ((list as NamedEntry<unknown>[] | undefined) ?? []).find((e) => e.name === name);
    if (!entry) {
        throw new KubeReadError(`kubeconfig has no ${what} "${name}"`);
    }
    return entry;
}

/** Builds a connection from kubeconfig text and an optional context (default: current-context). */
export function connectionFrom(text: string, dir: string, context?: string): KubeConnection {
    const doc = (yaml.load(text) ?? {}) as Record<string, any>;
    const contextName = context || doc["current-context"];
    const ctx = byName(doc.contexts, contextName, "context").context ?? {};
    const cluster = byName(doc.clusters, ctx.cluster, "cluster").cluster ?? {};
    const user = ctx.user ? byName(doc.users, ctx.user, "user").user ?? {} : {};
    const agent: https.AgentOptions = {
        ca: fileOrData(dir, cluster["certificate-authority-data"], cluster["certificate-authority"]),
        cert: fileOrData(dir, user["client-certificate-data"], user["client-certificate"]),
        key: fileOrData(dir, user["client-key-data"], user["client-key"]),
        rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
        servername: cluster["tls-server-name"],
    };
    const headers: Record<string, string> = { Accept: "application/json" };
    let token: string | undefined = user.token ?? (user.tokenFile ? fs.readFileSync(path.resolve(dir, user.tokenFile), "utf8").trim() : undefined);
    if (!token && user.exec) {
        const cred = execCredential(user.exec);
        token = cred.token;
        agent.cert = agent.cert ?? (cred.clientCertificateData ? Buffer.from(cred.clientCertificateData) : undefined);
        agent.key = agent.key ?? (cred.clientKeyData ? Buffer.from(cred.clientKeyData) : undefined);
    }
    if (token) {
        headers.Authorization = `Bearer ${token}`;
    } else if (user.username && user.password) {
        headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
    }
    if (typeof cluster.server !== "string" || !cluster.server.startsWith("https://")) {
        throw new KubeReadError(`context "${contextName}": server is not an https:// URL`);
    }
    return { server: cluster.server.replace(/\/+$/, ""), describe: `context "${contextName}" (${cluster.server})`, agent, headers };
}

/** Runs a client-go exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, ...). */
function execCredential(exec: { command: string; args?: string[]; env?: { name: string; value: string }[]; apiVersion?: string }) {
    const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) };
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: "ExecCredential", spec: { interactive: false } });
    const out = execFileSync(exec.command, exec.args ?? [], { env, timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] });
    return (JSON.parse(out.toString("utf8")).status ?? {}) as { token?: string; clientCertificateData?: string; clientKeyData?: string };
}

/** A GET function over one connection. Every request times out after `timeoutMs`. */
export function kubeGet(conn: KubeConnection, timeoutMs = 15_000): KubeGet {
    const request = kubeRequest(conn, timeoutMs);
    return (apiPath) => request("GET", apiPath);
}

/** One request: the decoded JSON body, or undefined for 404 (the object or API is not there). */
export function kubeRequest(conn: KubeConnection, timeoutMs = 15_000) {
    const agent = new https.Agent({ ...conn.agent, keepAlive: false });
    return (method: "GET" | "PATCH", apiPath: string, body?: unknown): Promise<any> =>
        new Promise((resolve, reject) => {
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const headers = payload ? { ...conn.headers, "Content-Type": "application/merge-patch+json" } : conn.headers;
            const req = https.request(`${conn.server}${apiPath}`, { method, agent, headers, timeout: timeoutMs }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const status = res.statusCode ?? 0;
                    if (status === 404) {
                        return resolve(undefined);
                    }
                    if (status < 200 || status >= 300) {
                        return reject(new KubeReadError(`${method} ${apiPath}: HTTP ${status}`, status));
                    }
                    try {
                        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
                    } catch {
                        reject(new KubeReadError(`${method} ${apiPath}: the response is not JSON`));
                    }
                });
            });
            req.on("timeout", () => req.destroy(new KubeReadError(`${method} ${apiPath}: no answer within ${timeoutMs / 1000}s`)));
            req.on("error", (e) => reject(e instanceof KubeReadError ? e : new KubeReadError(`${method} ${apiPath}: ${e.message}`)));
            req.end(payload);
        });
}
