// servicemesh/testing itself: which cluster answers a resource, what unknown reads and the program's own resources get,
// how a test awaits a program (settle fails at once with what stopped it), and what the mocks refuse to guess.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mockClusters, mocks, resetMocks, settle as registrationsDone, valueOf } from "./mocks";
import { KeyAlgorithm, MultiClusterMesh, ServiceMeshController } from "../../provider";
import { MINORS } from "../../provider/spec/versions";
import { ServiceMeshMocksOptions, defaultKubernetesVersion, setServiceMeshMocks, settle, settled } from "../../provider/testing";

const base = { version: "1.24.3", gatewayApi: { install: false } };

/** A mesh over the program's own providers, each named after its cluster, reached through context `kind-<name>`. */
function meshOver(names: string[], version: string, extra: object = {}) {
    const providers = Object.fromEntries(names.map((n) => [n, new k8s.Provider(n, { context: `kind-${n}` })]));
    // ECDSA keys: generated in milliseconds, where RSA takes a second per key.
    return new MultiClusterMesh("mesh", { version, clusters: names.map((name) => ({ name })), rootOfTrust: { keyAlgorithm: KeyAlgorithm.ECDSA }, ...extra }, { clusterProviders: providers });
}

/** How long `promise` takes to settle, and how: its value or its error's message. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: string }> {
    const start = Date.now();
    try {
        return { ms: Date.now() - start, value: await promise };
    } catch (e) {
        return { ms: Date.now() - start, error: String((e as Error)?.message ?? e) };
    }
}

const within = <T>(ms: number, promise: Promise<T>) => Promise.race([promise.then(() => "settled"), new Promise((r) => setTimeout(() => r("still waiting"), ms))]);

describe("servicemesh/testing", () => {
    beforeEach(resetMocks);

    it("answers per cluster by the provider's context, else its name, else the default", async () => {
        mockClusters({ clusters: { east: { istiodReady: false }, plain: { releases: { istiod: "failed" } } } });
        const east = new ServiceMeshController("east", base, { provider: new k8s.Provider("e", { context: "east" }) });
        const plain = new ServiceMeshController("plain", base, { provider: new k8s.Provider("plain", {}) });
        const other = new ServiceMeshController("other", base);
        expect(await Promise.all([valueOf(east.phase), valueOf(plain.phase), valueOf(other.phase)])).to.deep.equal(["PENDING", "FAILED", "SUCCEEDED"]);
        await registrationsDone();
        const clusterOf = (name: string) => [...new Set(mocks.resources.filter((r) => r.custom && r.name.startsWith(`${name}-`)).map((r) => r.cluster))];
        expect([clusterOf("east"), clusterOf("plain"), clusterOf("other")]).to.deep.equal([["east"], ["plain"], ["(default)"]]);
        expect(mocks.preflights.map((p) => p.context)).to.have.members(["east", undefined, undefined]);
    });

    it("fails a read of an object the mocked cluster does not have: settle rejects naming the objects option", async () => {
        const secret = k8s.core.v1.Secret.get("s", "ns/missing");
        const { error, ms } = await timed(settle(secret.metadata));
        expect(error).to.contain('kubernetes:core/v1:Secret ns/missing not found in the mocked cluster "(default)"; add it to the objects option');
        expect(ms).to.be.below(5000);
    });

    it("passes the program's own resources to the fallback mocks", async () => {
        const seen: string[] = [];
        mockClusters({
            fallback: {
                newResource: (a) => (seen.push(a.type), { id: "x", state: { ...a.inputs, answered: "by fallback" } }),
                call: (a) => a.inputs,
            },
        });
        const res = new (class extends pulumi.CustomResource {
            declare public readonly answered: pulumi.Output<string>;
            constructor() {
                super("random:index/randomPet:RandomPet", "pet", { answered: undefined });
            }
        })();
        expect(await settle(res.answered)).to.equal("by fallback");
        expect(seen).to.deep.equal(["random:index/randomPet:RandomPet"]);
    });

    describe("at every supported Istio minor", () => {
        it("reports by default the newest Kubernetes minor the Istio minor supports (versions table)", () => {
            expect(defaultKubernetesVersion({ major: 1, minor: 31, patch: 1 })).to.equal(`v1.${MINORS[31].kubernetes[1]}.0`);
            expect(defaultKubernetesVersion({ major: 1, minor: 24, patch: 3 })).to.equal(`v1.${MINORS[24].kubernetes[1]}.0`);
            // Past the table: like the newest minor the table knows.
            expect(defaultKubernetesVersion({ major: 1, minor: 40, patch: 0 })).to.equal(defaultKubernetesVersion({ major: 1, minor: 31, patch: 0 }));
        });

        for (const minor of Object.keys(MINORS).map(Number).filter((m) => m >= 24)) {
            const version = `1.${minor}.${minor === 24 ? 3 : 0}`;
            it(`a two-cluster mesh at ${version} reaches SUCCEEDED under default mocks`, async () => {
                const { phase, clusters, links } = await settled(meshOver(["east", "west"], version));
                expect(phase).to.equal("SUCCEEDED");
                expect(clusters.map((c) => c.phase)).to.deep.equal(["SUCCEEDED", "SUCCEEDED"]);
                expect(links.every((l) => l.accepted)).to.equal(true);
            });
        }

        it("a test's kubernetesVersion still wins: 1.31 on Kubernetes 1.30 is refused by the pre-flight", async () => {
            mockClusters({ kubernetesVersion: "v1.30.4" });
            const { error, ms } = await timed(settle(meshOver(["east", "west"], "1.31.1").phase));
            expect(error).to.contain("pre-flight checks of ServiceMeshController \"mesh-east\" refused the update").and.contain('kubernetes: the cluster runs v1.30.4, older than Istio 1.31 supports');
            expect(ms).to.be.below(5000);
        });
    });

    describe("settle and settled", () => {
        it("an Output's apply never runs when the pre-flight refuses (the README's old value() helper hangs); settle rejects at once with the refusal", async () => {
            mockClusters({ kubernetesVersion: "v1.30.4" });
            const c = new ServiceMeshController("mesh", { ...base, version: "1.31.1" });
            const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
            expect(await within(1000, value(c.phase))).to.equal("still waiting");
            const { error, ms } = await timed(settle(c.phase));
            expect(error).to.match(/^pre-flight checks of ServiceMeshController "mesh" refused the update; nothing was changed:\n {2}- kubernetes: the cluster runs v1\.30\.4, older than Istio 1\.31 supports/);
            expect(ms).to.be.below(1000);
        });

        it("rejects with a version refusal (an upgrade that skips a minor)", async () => {
            const istiod = { name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.29.2-solo", status: "deployed", appVersion: "1.29.2-solo" };
            mockClusters({ preflight: { helmReleases: [istiod as any] } });
            const { error } = await timed(settle(new ServiceMeshController("mesh", { ...base, version: "1.31.1" }).phase));
            expect(error).to.contain("version: an upgrade from 1.29.2").and.contain("that skips 1.30 is refused");
        });

        it("rejects with an input error found once an Output input resolves", async () => {
            const c = new ServiceMeshController("mesh", { ...base, values: pulumi.output({ istiod: { global: { hub: "mirror.example" } } }) });
            const { error, ms } = await timed(settled(c));
            expect(error).to.contain('invalid ServiceMeshController "mesh" inputs').and.contain("values.istiod.global.hub: is owned by the component");
            expect(ms).to.be.below(5000);
        });

        it("rejects when a registration of the program fails (an unhandled rejection, which pulumi up would report)", async () => {
            const failing = Promise.reject(new Error("the program's own input failed"));
            failing.catch(() => undefined); // rejected only where the registration reads it
            class Thing extends pulumi.CustomResource {
                constructor(name: string, input: pulumi.Input<string>) {
                    super("example:index:Thing", name, { input });
                }
            }
            const res = new Thing("thing", pulumi.output(failing));
            expect((await timed(settle(res.id))).error).to.equal("the program's own input failed");
            // Awaiting something else that waits forever: the failed registration still ends the wait.
            new Thing("other", pulumi.output(Promise.reject(new Error("another input failed"))));
            const { error, ms } = await timed(settle(pulumi.output(new Promise<string>(() => undefined))));
            expect(error).to.equal("another input failed");
            expect(ms).to.be.below(5000);
        });

        it("settled gives every output of a resource by name", async () => {
            const out = await settled(new ServiceMeshController("mesh", base));
            expect(out.phase).to.equal("SUCCEEDED");
            expect(out.version).to.equal("1.24.3");
            expect(out.releases.map((r) => r.name)).to.include("istiod");
            expect(Object.keys(out)).to.not.include("urn");
        });
    });

    describe("options", () => {
        it("keys clusters by the cluster's name as well as by its provider's kube context", async () => {
            mockClusters({ clusters: { east: { istiodReady: false }, "kind-west": { releases: { ztunnel: "failed" } } } });
            const { clusters } = await settled(meshOver(["east", "west"], "1.31.1"));
            expect(clusters.map((c) => [c.name, c.phase])).to.deep.equal([["east", "PENDING"], ["west", "FAILED"]]);
            const keys = (name: string) => [...new Set(mocks.resources.filter((r) => r.custom && r.name.startsWith(`mesh-${name}-`)).map((r) => r.cluster))];
            expect([keys("east"), keys("west")]).to.deep.equal([["east"], ["kind-west"]]);
        });

        it("refuses two keys naming the same cluster", async () => {
            mockClusters({ clusters: { east: { istiodReady: false }, "kind-east": { istiodReady: true } } });
            const { error } = await timed(settle(meshOver(["east", "west"], "1.31.1").phase));
            expect(error).to.contain('clusters: "kind-east" and "east" name the same cluster (name "east", context "kind-east"); keep one');
        });

        it("an unknown option key is an error naming it, at reset and when options are replaced", () => {
            expect(() => mockClusters({ clusters: { west: { istiodready: false } } } as unknown as ServiceMeshMocksOptions)).to.throw(
                /clusters\["west"\]\.istiodready: unknown option; allowed: releases, istiodReady,/,
            );
            expect(() => mockClusters({ kubernetesversion: "v1.33.0" } as unknown as ServiceMeshMocksOptions)).to.throw(/kubernetesversion: unknown option/);
            expect(() => (mocks.options = { istiodready: false } as unknown as ServiceMeshMocksOptions)).to.throw(/istiodready: unknown option/);
            expect(() => mockClusters({ clusters: { east: { preflight: { helmrelease: [] } } } } as unknown as ServiceMeshMocksOptions)).to.throw(
                /clusters\["east"\]\.preflight\.helmrelease: unknown option; allowed: serverVersion, nodes, apiGroups, helmReleases,/,
            );
            // Every problem in one error.
            expect(() => mockClusters({ linksAcepted: false, clusters: { east: { eastwestReady: false } } } as unknown as ServiceMeshMocksOptions)).to.throw(
                /unknown mocks options:\n {2}- linksAcepted: unknown option; allowed: .*\n {2}- clusters\["east"\]\.eastwestReady: unknown option/,
            );
        });

        it("a clusters key no cluster reached fails settle, naming it and the clusters seen", async () => {
            mockClusters({ clusters: { istiodready: { istiodReady: false }, "kind-esat": { istiodReady: false } } });
            const { error, ms } = await timed(settle(meshOver(["east", "west"], "1.31.1").phase));
            expect(error).to.contain('clusters: "istiodready", "kind-esat" matched no cluster; the clusters seen:');
            expect(error).to.contain('name "east", context "kind-east"').and.contain('name "west", context "kind-west"');
            expect(ms).to.be.below(5000);
            // verify says the same when called on its own.
            expect(() => mocks.verify()).to.throw(/"istiodready", "kind-esat" matched no cluster/);
        });

        it("a setup's clusters keys are defaults for the clusters a test builds; a test's own key must be reached unless verify is off", async () => {
            const setup = setServiceMeshMocks({ clusters: { north: { istiodReady: false } } }, "servicemesh", "test");
            try {
                expect(await settle(meshOver(["east", "west"], "1.31.1").phase)).to.equal("SUCCEEDED");
                setup.reset({ clusters: { south: { istiodReady: false } } });
                expect((await timed(settle(meshOver(["east", "west"], "1.31.1").phase))).error).to.contain('clusters: "south" matched no cluster');
                setup.reset({ clusters: { south: { istiodReady: false } } });
                expect(await settle(meshOver(["east", "west"], "1.31.1").phase, { verify: false })).to.equal("SUCCEEDED");
            } finally {
                resetMocks();
            }
        });

        it("reset builds on the setup's options: fields replaced, releases and clusters merged by key", async () => {
            const setup = setServiceMeshMocks({ releases: { istiod: "failed" }, clusters: { east: { eastWestAddress: "192.0.2.1" } } }, "other-project", "other-stack");
            try {
                setup.reset({ releases: { ztunnel: "failed" }, clusters: { east: { istiodReady: false }, west: { eastWestAddress: "192.0.2.2" } } });
                expect(setup.options.releases).to.deep.equal({ istiod: "failed", ztunnel: "failed" });
                expect(setup.options.clusters).to.deep.equal({
                    east: { eastWestAddress: "192.0.2.1", istiodReady: false, releases: {}, objects: {} },
                    west: { eastWestAddress: "192.0.2.2", releases: {}, objects: {} },
                });
                expect(pulumi.getProject()).to.equal("other-project");
                setup.reset();
                expect(setup.options.releases).to.deep.equal({ istiod: "failed" });
                const east = new k8s.Provider("east", { context: "east" });
                expect(await settle(new ServiceMeshController("mesh", base, { provider: east }).phase)).to.equal("FAILED");
                // The shared record: what one instance saw, every instance of the process sees.
                expect(mocks.resources).to.equal(setup.resources);
                expect(mocks.resources.some((r) => r.name === "mesh-istiod")).to.equal(true);
            } finally {
                resetMocks();
            }
            expect(pulumi.getProject()).to.equal("servicemesh");
            expect(mocks.options.releases).to.deep.equal({});
        });
    });

    it("two test files that each call setServiceMeshMocks share one instance in one mocha run, each under its own setup", function () {
        this.timeout(120_000);
        const dir = path.join(__dirname, "..", "fixtures", "two-test-files");
        const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-mocks-")), "report.json");
        const mocha = require.resolve("mocha/bin/mocha.js");
        const run = spawnSync(
            process.execPath,
            [mocha, "--no-config", "--require", "ts-node/register/transpile-only", "--timeout", "60000", "--reporter", "json", "--reporter-option", `output=${report}`, path.join(dir, "first.ts"), path.join(dir, "second.ts")],
            { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" },
        );
        const result = JSON.parse(fs.readFileSync(report, "utf8"));
        expect(result.failures.map((f: { fullTitle: string; err: { message: string } }) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]);
        expect([result.stats.passes, run.status]).to.deep.equal([3, 0]);
    });
});
