// Chart pulls against real local HTTPS servers: credentials from dockerconfigjson Secrets authenticate for real, TLS is
// verified unless insecureSkipVerify says otherwise, and failures name the repository.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { credentialFor, registryHost } from "../../provider/charts/credentials";
import { archivePath, pullChart } from "../../provider/charts/fetch";
import { CHART_BYTES, PASSWORD, TestServer, USER, dockerConfig, helmRepository, ociRegistry } from "./chartServer";
import { mocks, recordSecretOutputs, registered, resetMocks, secretOutputs, settle, valueOf } from "./mocks";
import { ServiceMeshController } from "../../provider";

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-cache-"));
const cred = { username: USER, password: PASSWORD };

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a rejection");
}

describe("registry credentials", () => {
    it("matches dockerconfig entries by host and port, with or without scheme and path", () => {
        const doc = JSON.stringify({
            auths: {
                "https://other.example": { username: "x", password: "y" },
                "registry.example:5000/some/path": { auth: Buffer.from("u:p:with:colons").toString("base64") },
            },
        });
        expect(credentialFor(doc, "oci://registry.example:5000/istio-helm", "s")).to.deep.equal({ username: "u", password: "p:with:colons" });
        expect(credentialFor(doc, "https://other.example/charts", "s")).to.deep.equal({ username: "x", password: "y" });
        expect(credentialFor(doc, "oci://registry.example/istio-helm", "s")).to.equal(undefined);
        expect(registryHost("oci://Registry.Example:443/x")).to.equal("registry.example:443");
    });

    it("names the Secret when the document is malformed", () => {
        expect(() => credentialFor("{", "oci://r.example/x", 'repository.secrets "ns/creds"')).to.throw('repository.secrets "ns/creds": .dockerconfigjson is not valid JSON');
    });
});

describe("chart pulls", () => {
    let repo: TestServer;
    let registry: TestServer;
    before(async () => {
        repo = await helmRepository(["istiod", "base"], "1.24.3-solo");
        registry = await ociRegistry(["istiod", "base"], "1.24.3-solo");
    });
    after(async () => {
        await repo.close();
        await registry.close();
    });

    it("pulls from an HTTP repository with basic auth, verifying the index digest", async () => {
        const file = await pullChart({ repositoryUrl: repo.url, chart: "istiod", version: "1.24.3-solo", credential: cred, insecureSkipVerify: true, cacheDir });
        expect(fs.readFileSync(file)).to.deep.equal(CHART_BYTES);
        expect(file).to.equal(archivePath({ repositoryUrl: repo.url, chart: "istiod", version: "1.24.3-solo", insecureSkipVerify: true, cacheDir }));
        expect(repo.requests.every((r) => r.authorization?.startsWith("Basic "))).to.equal(true);
    });

    it("pulls from an OCI registry through the bearer token flow", async () => {
        const file = await pullChart({ repositoryUrl: registry.url, chart: "base", version: "1.24.3-solo", credential: cred, insecureSkipVerify: true, cacheDir });
        expect(fs.readFileSync(file)).to.deep.equal(CHART_BYTES);
        expect(registry.requests.map((r) => r.path.split("?")[0])).to.include("/token");
    });

    it("downloads an archive again only when the repository announces another digest, still asking it every time", async () => {
        const archives = (server: TestServer) => server.requests.filter((r) => /\.tgz$|\/blobs\//.test(r.path)).length;
        const asks = (server: TestServer) => server.requests.filter((r) => /index\.yaml$|\/manifests\//.test(r.path)).length;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-cache-"));
        for (const server of [repo, registry]) {
            const pull = { repositoryUrl: server.url, chart: "istiod", version: "1.24.3-solo", credential: cred, insecureSkipVerify: true, cacheDir: dir };
            const file = await pullChart(pull);
            const [downloaded, asked] = [archives(server), asks(server)];
            expect(await pullChart(pull)).to.equal(file);
            expect(archives(server) - downloaded).to.equal(0);
            expect(asks(server) - asked).to.be.at.least(1); // OCI: once unauthenticated, once with the token
            fs.writeFileSync(file, "another archive");
            await pullChart(pull);
            expect(archives(server) - downloaded).to.equal(1);
            expect(fs.readFileSync(file)).to.deep.equal(CHART_BYTES);
        }
    });

    it("serves simultaneous pulls with one index and one download per chart; another credential pulls on its own", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-cache-"));
        const pull = (chart: string) => ({ repositoryUrl: repo.url, chart, version: "1.24.3-solo", credential: cred, insecureSkipVerify: true, cacheDir: dir });
        const before = repo.requests.length;
        const files = await Promise.all([pullChart(pull("base")), pullChart(pull("base")), pullChart(pull("istiod"))]);
        expect(new Set(files).size).to.equal(2);
        expect(repo.requests.slice(before).map((r) => r.path.split("/").pop()).sort()).to.deep.equal(["base-1.24.3-solo.tgz", "index.yaml", "istiod-1.24.3-solo.tgz"]);
        const wrong = { username: USER, password: "wrong" };
        const errors = await Promise.all(["base", "istiod"].map((c) => rejection(pullChart({ ...pull(c), credential: wrong }))));
        expect(errors.map((e) => e.message)).to.deep.equal(["base", "istiod"].map((c) => `cannot pull chart ${c} 1.24.3-solo from ${repo.url}: index.yaml: HTTP 401: the credentials from repository.secrets were refused`));
    });

    it("refuses wrong credentials with an error naming the repository", async () => {
        for (const server of [repo, registry]) {
            const e = await rejection(pullChart({ repositoryUrl: server.url, chart: "istiod", version: "1.24.3-solo", credential: { username: USER, password: "wrong" }, insecureSkipVerify: true, cacheDir }));
            expect(e.message).to.contain(`cannot pull chart istiod 1.24.3-solo from ${server.url}`);
            expect(e.message).to.contain("HTTP 401: the credentials from repository.secrets were refused");
        }
    });

    it("asks for credentials when none are given", async () => {
        const e = await rejection(pullChart({ repositoryUrl: repo.url, chart: "istiod", version: "1.24.3-solo", insecureSkipVerify: true, cacheDir }));
        expect(e.message).to.contain("the repository requires credentials; add a dockerconfigjson Secret for its host to repository.secrets");
    });

    it("verifies TLS unless insecureSkipVerify is set", async () => {
        const e = await rejection(pullChart({ repositoryUrl: repo.url, chart: "istiod", version: "1.24.3-solo", credential: cred, insecureSkipVerify: false, cacheDir }));
        expect(e.message).to.match(/self.signed certificate/);
        expect(e.message).to.contain("or set repository.insecureSkipVerify");
    });

    it("reports a missing chart version with the versions the repository has", async () => {
        const e = await rejection(pullChart({ repositoryUrl: repo.url, chart: "istiod", version: "1.99.0-solo", credential: cred, insecureSkipVerify: true, cacheDir }));
        expect(e.message).to.contain("the repository has no version 1.99.0-solo of chart istiod (versions: 1.24.3-solo)");
    });

    describe("from the component", () => {
        beforeEach(resetMocks);

        const credsObject = () => ({
            "kubernetes:core/v1:Secret other/chart-creds": {
                type: "kubernetes.io/dockerconfigjson",
                data: { ".dockerconfigjson": Buffer.from(dockerConfig(registry.host)).toString("base64") },
            },
        });
        const controller = () =>
            new ServiceMeshController("mesh", {
                version: "1.24.3",
                dataplaneMode: "Sidecar",
                trafficCaptureMode: "InitContainer" as any,
                gatewayApi: { install: false },
                repository: { url: registry.url, secrets: ["other/chart-creds"], insecureSkipVerify: true },
            }, { transformations: [recordSecretOutputs] });
        const expectPulledArchives = () => {
            const releases = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
            expect(releases.map((r) => r.inputs.chart).sort()).to.deep.equal(
                ["base", "istiod"].map((c) => archivePath({ repositoryUrl: registry.url, chart: c, version: "1.24.3-solo", insecureSkipVerify: true, cacheDir })).sort(),
            );
            for (const r of releases) {
                expect(r.inputs.repositoryOpts).to.equal(undefined);
                expect(JSON.stringify(r.inputs)).to.not.contain(PASSWORD);
            }
        };

        it("takes repository.secrets from the pre-flight's read of the cluster: no engine read, nothing of them in the state", async () => {
            process.env.SERVICEMESH_CACHE_DIR = cacheDir;
            mocks.options.objects = credsObject();
            const mesh = controller();
            expect(await valueOf(mesh.phase)).to.equal("SUCCEEDED");
            await settle();
            expectPulledArchives();
            expect(registered.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.id)).to.deep.equal([]);
        });

        it("has the engine read repository.secrets when the pre-flight cannot read the cluster, keeping them secret in the state", async () => {
            process.env.SERVICEMESH_CACHE_DIR = cacheDir;
            mocks.options.objects = credsObject();
            mocks.options.preflight = false;
            const mesh = controller();
            expect(await valueOf(mesh.phase)).to.equal("SUCCEEDED");
            await settle();
            expectPulledArchives();
            expect(registered.some((r) => r.type === "kubernetes:core/v1:Secret" && r.id === "other/chart-creds")).to.equal(true);
            // The credential must not land in the state in the clear: in data (base64), nor repeated in metadata by
            // kubectl's last-applied-configuration annotation.
            expect(secretOutputs["mesh-repository-secret-other-chart-creds"]).to.include.members(["data", "metadata"]);
        });

        it("refuses a repository Secret the pre-flight does not find, naming it, and installs no release", async () => {
            process.env.SERVICEMESH_CACHE_DIR = cacheDir;
            const mesh = controller();
            const e = await rejection(valueOf(mesh.phase));
            expect(e.message).to.contain('repository.secrets "other/chart-creds": expected a Secret of type kubernetes.io/dockerconfigjson, found no Secret of that name');
            await settle().catch(() => undefined);
            expect(registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).to.deep.equal([]);
        });
    });
});
