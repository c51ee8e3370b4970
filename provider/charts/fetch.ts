// Pulls a chart archive from an OCI registry or an HTTP(S) Helm repository into a local cache, so that a Helm release
// can install it from a path. The component uses this only when Helm cannot pull the chart itself the way the spec
// asks: helm.v3.Release has no option to skip TLS verification, and its username/password do not log in to OCI
// registries (pulumi-kubernetes#1914). Credentials are sent only to the repository's own host. Archives are kept
// across runs and downloaded again only when the repository announces another digest.
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { RegistryCredential, registryHost } from "./credentials";
import { Refusal } from "../spec/inputs";

export interface ChartPull {
    /** `oci://host/path` or `http(s)://host/path` (no trailing slash). */
    repositoryUrl: string;
    chart: string;
    version: string;
    credential?: RegistryCredential;
    insecureSkipVerify: boolean;
    /** Directory for cached archives. Default `$SERVICEMESH_CACHE_DIR` or `$XDG_CACHE_HOME/servicemesh`. */
    cacheDir?: string;
}

export class ChartPullError extends Refusal {
    constructor(
        pull: ChartPull,
        readonly detail: string,
    ) {
        super(`cannot pull chart ${pull.chart} ${pull.version} from ${pull.repositoryUrl}: ${detail}`);
        this.name = "ChartPullError";
    }
}

interface Response {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

export function defaultCacheDir(): string {
    return (
        process.env.SERVICEMESH_CACHE_DIR ??
        path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "servicemesh")
    );
}

/** The path a pull is stored at: stable for the same repository, chart and version, so releases see no diff. */
export function archivePath(pull: ChartPull): string {
    const repoId = crypto.createHash("sha256").update(pull.repositoryUrl).digest("hex").slice(0, 16);
    return path.join(pull.cacheDir ?? defaultCacheDir(), "charts", repoId, `${pull.chart}-${pull.version}.tgz`);
}

// Pulls in flight, by archive path, credential and TLS setting: the clusters of a mesh install the same charts at the
// same moment, and one pull serves them all. Once settled it is forgotten, so a later pull asks the repository again.
const pulls = new Map<string, Promise<string>>();

/** Settles `work` once per key among the calls in flight; the result is forgotten once it settled. */
function shared<T>(inFlight: Map<string, Promise<T>>, key: string, work: () => Promise<T>): Promise<T> {
    let pending = inFlight.get(key);
    if (!pending) {
        pending = work();
        inFlight.set(key, pending);
        const forget = () => void inFlight.delete(key);
        pending.then(forget, forget);
    }
    return pending;
}

/** Who asks: the credential (hashed) and the TLS setting, so a shared answer never serves another identity. */
function asker(pull: ChartPull): string {
    const who = pull.credential ? sha256(Buffer.from(`${pull.credential.username}\0${pull.credential.password}`)) : "anonymous";
    return `${who}\0${pull.insecureSkipVerify}`;
}

/**
 * Returns the local path of the chart archive. Every call asks the repository for the chart's digest (the index
 * entry, or the OCI manifest), which is what proves access with the given credential; the archive itself is only
 * downloaded when the cached one does not have that digest.
 */
export function pullChart(pull: ChartPull): Promise<string> {
    const file = archivePath(pull);
    return shared(pulls, `${file}\0${asker(pull)}`, () => (pull.repositoryUrl.startsWith("oci://") ? pullOci(pull, file) : pullHttp(pull, file)).then(() => file));
}

type RepositoryIndex = { entries?: Record<string, { version?: string; urls?: string[]; digest?: string }[]> };

// A repository's index.yaml, fetched and parsed once for the charts pulled from it at the same moment.
const indexes = new Map<string, Promise<RepositoryIndex>>();

function repositoryIndex(pull: ChartPull, base: string): Promise<RepositoryIndex> {
    return shared(indexes, `${base}\0${asker(pull)}`, async () => {
        const index = await get(pull, new URL("index.yaml", base), {});
        expectOk(pull, index, "index.yaml");
        try {
            return yaml.load(index.body.toString("utf8")) as RepositoryIndex;
        } catch (e) {
            throw new ChartPullError(pull, `index.yaml is not valid YAML (${(e as Error).message})`);
        }
    });
}

/** Whether the cached archive has the digest the repository announces (hex sha256). */
function cached(file: string, digest: string | undefined): boolean {
    try {
        return !!digest && sha256(fs.readFileSync(file)) === digest;
    } catch {
        return false;
    }
}

function store(file: string, archive: Buffer): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, archive, { mode: 0o644 });
    fs.renameSync(tmp, file);
}

async function pullHttp(pull: ChartPull, file: string): Promise<void> {
    const base = pull.repositoryUrl.endsWith("/") ? pull.repositoryUrl : `${pull.repositoryUrl}/`;
    // The index is shared by the charts pulled at the same moment: its errors are told again for this chart.
    const doc = await repositoryIndex(pull, base).catch((e) => {
        throw e instanceof ChartPullError ? new ChartPullError(pull, e.detail) : e;
    });
    const entry = doc?.entries?.[pull.chart]?.find((e) => String(e.version) === pull.version);
    if (!entry?.urls?.length) {
        const known = (doc?.entries?.[pull.chart] ?? []).map((e) => e.version).join(", ") || "none";
        throw new ChartPullError(pull, `the repository has no version ${pull.version} of chart ${pull.chart} (versions: ${known})`);
    }
    if (cached(file, entry.digest)) {
        return;
    }
    const archive = await get(pull, new URL(entry.urls[0], base), {});
    expectOk(pull, archive, entry.urls[0]);
    if (entry.digest && sha256(archive.body) !== entry.digest) {
        throw new ChartPullError(pull, `archive digest sha256:${sha256(archive.body)} does not match the index (${entry.digest})`);
    }
    store(file, archive.body);
}

async function pullOci(pull: ChartPull, file: string): Promise<void> {
    const ref = new URL(pull.repositoryUrl.replace(/^oci:/, "https:"));
    const name = `${ref.pathname.replace(/^\/+|\/+$/g, "")}/${pull.chart}`.replace(/^\//, "");
    const tag = pull.version.replace(/\+/g, "_");
    const registry = `https://${ref.host}`;
    const session = new OciSession(pull, registry, name);
    const manifestRes = await session.get(`/v2/${name}/manifests/${tag}`, { accept: OCI_MANIFEST });
    if (manifestRes.status === 404) {
        throw new ChartPullError(pull, `the registry has no version ${pull.version} of chart ${pull.chart}`);
    }
    expectOk(pull, manifestRes, `manifest ${name}:${tag}`);
    const manifest = JSON.parse(manifestRes.body.toString("utf8")) as { layers?: { mediaType: string; digest: string }[] };
    const layer = manifest.layers?.find((l) => l.mediaType === HELM_CHART_LAYER);
    if (!layer) {
        throw new ChartPullError(pull, `${name}:${tag} is not a Helm chart (no ${HELM_CHART_LAYER} layer)`);
    }
    if (cached(file, layer.digest.replace(/^sha256:/, ""))) {
        return;
    }
    const blob = await session.get(`/v2/${name}/blobs/${layer.digest}`, {});
    expectOk(pull, blob, `blob ${layer.digest}`);
    if (`sha256:${sha256(blob.body)}` !== layer.digest) {
        throw new ChartPullError(pull, `blob digest does not match ${layer.digest}`);
    }
    store(file, blob.body);
}

/** Registry access with the token dance of the distribution spec: Basic, or Bearer tokens from the realm. */
class OciSession {
    private authorization?: string;

    constructor(
        private readonly pull: ChartPull,
        private readonly registry: string,
        private readonly name: string,
    ) {}

    async get(pathAndQuery: string, headers: Record<string, string>): Promise<Response> {
        const url = new URL(pathAndQuery, this.registry);
        let res = await get(this.pull, url, { ...headers, ...this.authHeader() });
        if (res.status === 401 && !this.authorization) {
            this.authorization = await this.authorize(String(res.headers["www-authenticate"] ?? ""));
            res = await get(this.pull, url, { ...headers, ...this.authHeader() });
        }
        return res;
    }

    private authHeader(): Record<string, string> {
        return this.authorization ? { authorization: this.authorization } : {};
    }

    private async authorize(challenge: string): Promise<string> {
        const cred = this.pull.credential;
        const basic = cred ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString("base64")}` : undefined;
        if (/^basic/i.test(challenge)) {
            if (!basic) {
                throw new ChartPullError(this.pull, "the registry requires credentials and repository.secrets has none for it");
            }
            return basic;
        }
        const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        if (!/^bearer/i.test(challenge) || !params.realm) {
            throw new ChartPullError(this.pull, `unsupported authentication challenge "${challenge}"`);
        }
        const tokenUrl = new URL(params.realm);
        if (params.service) tokenUrl.searchParams.set("service", params.service);
        tokenUrl.searchParams.set("scope", params.scope ?? `repository:${this.name}:pull`);
        const sameHost = registryHost(tokenUrl.href) === registryHost(this.registry);
        const res = await get(this.pull, tokenUrl, basic && sameHost ? { authorization: basic } : {});
        expectOk(this.pull, res, "token");
        const body = JSON.parse(res.body.toString("utf8")) as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!token) {
            throw new ChartPullError(this.pull, "the token endpoint returned no token");
        }
        return `Bearer ${token}`;
    }
}

function expectOk(pull: ChartPull, res: Response, what: string): void {
    if (res.status === 401 || res.status === 403) {
        const hint = pull.credential
            ? "the credentials from repository.secrets were refused"
            : "the repository requires credentials; add a dockerconfigjson Secret for its host to repository.secrets";
        throw new ChartPullError(pull, `${what}: HTTP ${res.status}: ${hint}`);
    }
    if (res.status < 200 || res.status >= 300) {
        throw new ChartPullError(pull, `${what}: HTTP ${res.status}`);
    }
}

function sha256(data: Buffer): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

/** GET with redirects; Basic credentials go only to the repository host, never to a redirect target elsewhere. */
function get(pull: ChartPull, url: URL, headers: Record<string, string>, redirects = 5): Promise<Response> {
    const repoHost = registryHost(pull.repositoryUrl);
    const sendHeaders = { ...headers };
    if (!sendHeaders.authorization && pull.credential && !pull.repositoryUrl.startsWith("oci://") && url.host === repoHost) {
        sendHeaders.authorization = `Basic ${Buffer.from(`${pull.credential.username}:${pull.credential.password}`).toString("base64")}`;
    }
    if (url.host !== repoHost) {
        delete sendHeaders.authorization;
    }
    const client = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
        const req = client.get(
            url,
            { headers: sendHeaders, rejectUnauthorized: !pull.insecureSkipVerify, timeout: 60_000 },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const status = res.statusCode ?? 0;
                    if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
                        const next = new URL(res.headers.location, url);
                        get(pull, next, url.host === next.host ? headers : {}, redirects - 1).then(resolve, reject);
                        return;
                    }
                    resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
                });
                res.on("error", reject);
            },
        );
        req.on("timeout", () => req.destroy(new Error("timed out after 60s")));
        req.on("error", (e: NodeJS.ErrnoException) => {
            // Node's global agent keeps connections alive; a server may close an idle one just as it is reused
            // ("socket hang up" when several clusters pull at once). Such a GET is safe to send again, once.
            if (req.reusedSocket && e.code === "ECONNRESET") {
                get(pull, url, headers, redirects).then(resolve, reject);
                return;
            }
            const tlsHint = /certificate|self.signed|unable to verify/i.test(e.message)
                ? " (the server's certificate is not trusted: trust its CA, e.g. NODE_EXTRA_CA_CERTS, or set repository.insecureSkipVerify)"
                : "";
            reject(new ChartPullError(pull, `${url.host}: ${e.message}${tlsHint}`));
        });
    });
}
