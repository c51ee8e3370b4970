// The chart repository the real-engine tests install from: this project's test-double charts (tests/e2e/charts),
// packaged at the versions a test needs, served as a classic Helm repository over HTTPS on 127.0.0.1 with basic
// authentication, so `repository.secrets` and TLS verification are exercised for real.
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { dockerConfig, selfSignedCert } from "../../support/certs";
import { run } from "./run";
import { REPO } from "./tools";

export interface ChartRepo {
    /** https://127.0.0.1:<port>/charts */
    url: string;
    host: string;
    caFile: string;
    username: string;
    password: string;
    /** A .dockerconfigjson with the repository's credentials. */
    dockerConfigJson: string;
    /** Requests seen, for assertions: path and whether they were authorised. */
    requests: { path: string; authorized: boolean }[];
    close(): Promise<void>;
}

/** Packages the test charts at each version into `dir` (with index.yaml). */
export async function packageCharts(bin: string, dir: string, versions: string[]): Promise<void> {
    for (const version of versions) {
        await run("bash", [path.join(REPO, "tests", "e2e", "charts", "package.sh"), version, dir], {
            env: { ...process.env, HELM: path.join(bin, "helm") },
        });
    }
}

/**
 * Publishes the test charts at `version` into the served `dir`, with `chart`'s values.schema.json changed by `edit`:
 * a chart version that rejects values others accept, as a repository might publish one.
 */
export async function publishSchemaVariant(bin: string, dir: string, version: string, chart: string, edit: (schema: any) => void): Promise<void> {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-charts-"));
    fs.cpSync(path.join(REPO, "tests", "e2e", "charts"), copy, { recursive: true });
    const file = path.join(copy, chart, "values.schema.json");
    const schema = JSON.parse(fs.readFileSync(file, "utf8"));
    edit(schema);
    fs.writeFileSync(file, JSON.stringify(schema, null, 2));
    await run("bash", [path.join(copy, "package.sh"), version, dir], { env: { ...process.env, HELM: path.join(bin, "helm") } });
    fs.rmSync(copy, { recursive: true, force: true });
}

export async function serveCharts(dir: string, username = "chart-reader", password = "e2e-" + Math.random().toString(36).slice(2)): Promise<ChartRepo> {
    const { key, cert, caFile } = selfSignedCert();
    const expected = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    const requests: ChartRepo["requests"] = [];
    const server = https.createServer({ key, cert }, (req, res) => {
        const authorized = req.headers.authorization === expected;
        requests.push({ path: req.url ?? "", authorized });
        if (!authorized) {
            res.writeHead(401, { "www-authenticate": 'Basic realm="charts"' }).end("unauthorized\n");
            return;
        }
        const name = decodeURIComponent((req.url ?? "").replace(/^\/charts\//, "").split("?")[0]);
        const file = path.join(dir, path.basename(name));
        if (!req.url?.startsWith("/charts/") || !fs.existsSync(file)) {
            res.writeHead(404).end("not found\n");
            return;
        }
        res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url: `https://${host}/charts`,
        host,
        caFile,
        username,
        password,
        dockerConfigJson: dockerConfig(host, username, password),
        requests,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
