// Root rotation: the support table's refusals, each stage's cacerts checked with real certificates (openssl-made
// roots A and B, verified with Node's X.509), the step rule between stages, RootOfTrust's staged material and
// outputs, istiod/ztunnel values while two roots are trusted, and the refusals read from the deployed cacerts.
import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { expectRejected, mockClusters, registered, resetMocks, settle, valueOf } from "./mocks";
import { MultiClusterMesh, RootOfTrust, ServiceMeshController } from "../../provider";
import { checkCacerts, splitPemCertificates } from "../../provider/trust/pki";
import { ROTATION_STAGES, Stage, stageCacerts, stageOf, transitionProblems, trustState } from "../../provider/trust/stages";
import { rotationRefusal } from "../../provider/trust/support";
import { clusterTrust, expiringSoon } from "../../provider/trust/rootOfTrust";
import { TRUST_ANNOTATION, trustValues } from "../../provider/render/trust";
import { parseVersion } from "../../provider/spec/versions";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { trustFindings } from "../../provider/preflight/trust";
import { issueClusterCas } from "../support/pki";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-rotation-"));
const A = issueClusterCas(path.join(tmp, "a"), ["east", "west"], { org: "Old Root" });
const B = issueClusterCas(path.join(tmp, "b"), ["east", "west"], { org: "New Root" });
const rootA = new X509Certificate(A.east.rootCertPem);
const rootB = new X509Certificate(B.east.rootCertPem);
const fps = (pem: string) => splitPemCertificates(pem).map((p) => new X509Certificate(p).fingerprint256);
const v = (text: string) => parseVersion(text)!;
const staged = (stage: Stage, c = "east") => stageCacerts(stage, A[c], B[c]);

describe("root rotation: support per minor and mode", () => {
    const cases: [string, "Sidecar" | "Ambient", string | undefined][] = [
        ["1.22.5", "Ambient", "Istio 1.22.5 in Ambient mode: ztunnel keeps only the root that issued its intermediate (istio#47427); allowed: upgrade to 1.24.6 or later first"],
        ["1.23.3", "Ambient", "allowed: upgrade to 1.24.6 or later first"],
        ["1.24.3", "Ambient", "ztunnel trusts several roots from 1.24.6 (ztunnel#1546)"],
        ["1.24.6", "Ambient", undefined],
        ["1.25.2", "Ambient", "allowed: upgrade to 1.25.3 or later first"],
        ["1.25.3", "Ambient", undefined],
        ["1.26.0", "Ambient", undefined],
        ["1.31.2", "Ambient", undefined],
        ["1.22.0", "Sidecar", undefined],
        ["1.24.4", "Sidecar", "Istio 1.24.4 in Sidecar mode: 1.24.4 sends proxies a single root (istio#55793, fixed in 1.24.5); allowed: upgrade to 1.24.5 or later first"],
        ["1.24.5", "Sidecar", undefined],
        ["1.25.1", "Sidecar", "allowed: upgrade to 1.25.2 or later first"],
        ["1.25.2", "Sidecar", undefined],
    ];
    for (const [version, mode, refusal] of cases) {
        it(`${version} ${mode}: ${refusal ? "refused" : "allowed"}`, () => {
            const got = rotationRefusal(v(version), mode);
            if (refusal) expect(got).to.contain(refusal);
            else expect(got).to.equal(undefined);
        });
    }
});

describe("root rotation: each stage's cacerts (real certificates)", () => {
    const expected: Record<Stage, { roots: string[]; issuer: X509Certificate }> = {
        Current: { roots: [rootA.fingerprint256], issuer: rootA },
        TrustBoth: { roots: [rootA.fingerprint256, rootB.fingerprint256], issuer: rootA },
        IssueFromNext: { roots: [rootB.fingerprint256, rootA.fingerprint256], issuer: rootB },
        NextOnly: { roots: [rootB.fingerprint256], issuer: rootB },
    };
    for (const stage of ROTATION_STAGES) {
        it(`${stage}: root-cert.pem holds ${expected[stage].roots.length} root(s), ca-cert.pem signed by ${expected[stage].issuer === rootA ? "the current" : "the next"} root, chain intermediate then issuing root`, () => {
            for (const c of ["east", "west"]) {
                const files = staged(stage, c);
                expect(fps(files.rootCertPem), c).to.deep.equal(expected[stage].roots);
                const ca = new X509Certificate(files.caCertPem);
                expect(ca.verify(expected[stage].issuer.publicKey), c).to.equal(true);
                expect(ca.verify((expected[stage].issuer === rootA ? rootB : rootA).publicKey)).to.equal(false);
                expect(ca.subject).to.contain(`L=${c}`);
                expect(fps(files.certChainPem)).to.deep.equal([ca.fingerprint256, expected[stage].issuer.fingerprint256]);
                expect(new X509Certificate(files.caKeyPem === A[c].caKeyPem ? A[c].caCertPem : B[c].caCertPem).fingerprint256).to.equal(ca.fingerprint256);
                expect(checkCacerts(files, c)).to.deep.equal([]);
                expect(stageOf(trustState(files), rootA.fingerprint256, rootB.fingerprint256)).to.equal(stage);
            }
        });
    }

    it("each step between neighbouring stages keeps both sides trusting each other's issuer; skipping is refused naming cluster and stage", () => {
        const stages = { requested: "NextOnly" as Stage, current: rootA.fingerprint256, next: rootB.fingerprint256 };
        for (const [i, from] of ROTATION_STAGES.entries()) {
            for (const [j, to] of ROTATION_STAGES.entries()) {
                const problems = transitionProblems("west", trustState(staged(from, "west")), trustState(staged(to, "west")), { ...stages, requested: to });
                expect(problems.length, `${from} -> ${to}`).to.equal(Math.abs(i - j) <= 1 ? 0 : 1);
            }
        }
        const [finish] = transitionProblems("west", trustState(staged("Current", "west")), trustState(staged("NextOnly", "west")), stages);
        expect(finish).to.match(/^cluster "west" trusts "O=Old Root, CN=Root CA" \(.{11}\) and issues from "O=Old Root, CN=Root CA" \(.{11}\) \(stage Current\), but the requested stage NextOnly issues from "O=New Root, CN=Root CA"/);
        expect(finish).to.contain("which its workloads do not trust yet; allowed: Current or TrustBoth (one stage at a time)");
        const [early] = transitionProblems("east", trustState(staged("TrustBoth")), trustState(staged("NextOnly")), stages);
        expect(early).to.contain("(stage TrustBoth), but the requested stage NextOnly stops trusting \"O=Old Root, CN=Root CA\"").and.contain("which still issues its workloads' certificates; allowed: Current, TrustBoth or IssueFromNext");
    });

    it("outputs what each cluster trusts, issuing root first, with days left; warns within the configured days", () => {
        const t = clusterTrust("east", staged("IssueFromNext"), new Date());
        expect(t.trustedRoots.map((r) => r.fingerprint)).to.deep.equal([rootB.fingerprint256, rootA.fingerprint256]);
        expect(t.issuingRoot).to.equal(rootB.fingerprint256);
        expect(t.trustedRoots[0].subject).to.equal("O=New Root, CN=Root CA");
        // issueClusterCas: roots valid 60 days, intermediates 30
        expect(t.trustedRoots[0].daysLeft).to.be.within(58, 60);
        expect(t.intermediateDaysLeft).to.be.within(28, 30);
        expect(expiringSoon([t], 30)).to.deep.equal([`cluster east: intermediate CA expires on ${t.intermediateExpiry} (${t.intermediateDaysLeft} days)`]);
        expect(expiringSoon([t], 61)).to.have.length(3);
        expect(expiringSoon([t], 10)).to.deep.equal([]);
    });

    it("the pre-flight's decision: a skipped step is an error, a warning under onConflict Force; no deployed cacerts, no constraint", () => {
        const spec = (extra = {}) => resolveControllerSpec({ version: "1.26.1", cluster: "east", ...extra });
        expect(trustFindings(spec(), staged("NextOnly"), A.east).map((f) => f.level)).to.deep.equal(["error"]);
        const [forced] = trustFindings(spec({ onConflict: "Force" }), staged("NextOnly"), A.east);
        expect(forced.level).to.equal("warning");
        expect(forced.message).to.contain("going ahead because onConflict is Force");
        expect(trustFindings(spec(), staged("TrustBoth"), undefined)).to.deep.equal([]);
        expect(trustFindings(spec({ version: "1.25.2" }), staged("TrustBoth"), A.east).map((f) => f.message)).to.deep.equal([
            "cacerts: a root rotation cannot keep mTLS working on Istio 1.25.2 in Ambient mode: ztunnel trusts several roots from 1.25.3 (ztunnel#1547); earlier it keeps only the issuing root (istio#47427); allowed: upgrade to 1.25.3 or later first",
        ]);
    });

    it("istiod runs multi-root and both workloads roll while two roots are trusted; one root adds nothing", () => {
        const both = trustState(staged("TrustBoth"));
        const istiod = trustValues("istiod", both) as any;
        expect(istiod.pilot.env).to.deep.equal({ ISTIO_MULTIROOT_MESH: "true" });
        expect(istiod.meshConfig.defaultConfig.proxyMetadata).to.deep.equal({ PROXY_CONFIG_XDS_AGENT: "true" });
        const digest = istiod.pilot.podAnnotations[TRUST_ANNOTATION];
        expect((trustValues("ztunnel", both) as any).podAnnotations).to.deep.equal({ [TRUST_ANNOTATION]: digest });
        expect((trustValues("ztunnel", trustState(staged("IssueFromNext"))) as any).podAnnotations[TRUST_ANNOTATION]).to.not.equal(digest);
        expect(trustValues("istiod", trustState(staged("TrustBoth", "west")))).to.deep.equal(istiod); // same in every cluster
        expect(trustValues("istiod", trustState(staged("NextOnly")))).to.deep.equal({});
        expect(trustValues("istio-cni", both)).to.deep.equal({});
    });
});

describe("root rotation: components (mocks)", function () {
    this.timeout(120_000);
    beforeEach(resetMocks);
    const rejection = (c: ServiceMeshController) => (c.phase as any).promise().then(() => "", (e: Error) => e.message);
    const releases = () => Object.fromEntries(registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.name, r.inputs.values]));
    const external = (m: typeof A) => Object.entries(m).map(([c, f]) => ({ cluster: c, ...f }));

    it("RootOfTrust stages a generated next root: both trusted, then issuing, then alone", async () => {
        const roots: Record<string, string> = {};
        for (const stage of ["TrustBoth", "IssueFromNext", "NextOnly"] as const) {
            resetMocks();
            const trust = new RootOfTrust("trust", { clusters: ["east"], rsaBits: 2048, rotation: { stage: stage as any } });
            const [cacerts, trustOut, stageOut, next] = await Promise.all([valueOf(trust.cacerts), valueOf(trust.clusterTrust), valueOf(trust.stage), valueOf(trust.nextRootCertPem)]);
            await settle();
            expect(stageOut).to.equal(stage);
            expect(registered.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert").map((r) => r.name)).to.deep.equal(["trust-root-cert", "trust-next-root-cert"]);
            expect(registered.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert").map((r) => r.name)).to.deep.equal(["trust-east-cert", "trust-next-east-cert"]);
            const files = cacerts.east;
            expect(checkCacerts(files, "east")).to.deep.equal([]);
            const issuer = new X509Certificate(files.caCertPem);
            expect(issuer.verify(new X509Certificate(next).publicKey)).to.equal(stage !== "TrustBoth");
            expect(splitPemCertificates(files.rootCertPem)).to.have.length(stage === "NextOnly" ? 1 : 2);
            expect(trustOut[0].trustedRoots).to.have.length(stage === "NextOnly" ? 1 : 2);
            roots[stage] = trustOut[0].issuingRoot;
        }
    });

    it("after NextOnly, rootName takes over the next root's resources by name (nothing is re-issued)", async () => {
        new RootOfTrust("trust", { clusters: ["east"], rsaBits: 2048, rotation: { stage: "NextOnly", next: { name: "r2" } } });
        await settle();
        const during = registered.filter((r) => r.type.startsWith("tls:")).map((r) => r.name);
        resetMocks();
        const promoted = new RootOfTrust("trust", { clusters: ["east"], rsaBits: 2048, rootName: "r2" });
        expect(await valueOf(promoted.stage)).to.equal("Current");
        await settle();
        const after = registered.filter((r) => r.type.startsWith("tls:")).map((r) => r.name);
        expect(after).to.have.members(["trust-r2-root-key", "trust-r2-root-cert", "trust-r2-east-key", "trust-r2-east-csr", "trust-r2-east-cert"]);
        expect(during).to.include.members(after);
    });

    it("RootOfTrust stages material issued elsewhere for the next root", async () => {
        const trust = new RootOfTrust("trust", { clusterCas: external(A), rotation: { stage: "IssueFromNext", next: { clusterCas: external(B) } } });
        const cacerts = await valueOf(trust.cacerts);
        expect(cacerts.west).to.deep.equal(staged("IssueFromNext", "west"));
        expect(await valueOf(trust.rootCertPem)).to.equal(staged("IssueFromNext").rootCertPem);
        await settle();
        expect(registered.filter((r) => r.type.startsWith("tls:"))).to.deep.equal([]);
    });

    const BAD: [string, any, string][] = [
        ["a bad stage", { clusters: ["a"], rotation: { stage: "Both" } }, 'rotation.stage: is not allowed; allowed values: Current, TrustBoth, IssueFromNext, NextOnly (got "Both")'],
        ["external current without external next", { clusterCas: [], rotation: { stage: "TrustBoth" } }, "rotation.next.clusterCas: is required when the current material is clusterCas (issued elsewhere); allowed: the next root's per-cluster material, one entry per cluster"],
        ["a next name equal to rootName", { clusters: ["a"], rootName: "r2", rotation: { stage: "TrustBoth", next: { name: "r2" } } }, 'rotation.next.name: "r2" is the current rootName; allowed: a different name for the next root'],
        ["a negative warning", { clusters: ["a"], expiryWarningDays: -1 }, "expiryWarningDays: is negative; allowed: whole days from 0 to 3650 (got -1)"],
    ];
    for (const [what, input, message] of BAD) {
        it(`RootOfTrust rejects ${what}, creating nothing`, () => expectRejected(() => new RootOfTrust("trust", input), message, 'RootOfTrust "trust"'));
    }

    it("ServiceMeshController: two roots turn on multi-root istiod and roll istiod and ztunnel", async () => {
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.26.1", cacerts: staged("TrustBoth") }))).to.equal("");
        await settle();
        const values = releases();
        expect(values.istiod.pilot.env).to.include({ ISTIO_MULTIROOT_MESH: "true" });
        expect(values.istiod.pilot.podAnnotations[TRUST_ANNOTATION]).to.match(/^[0-9a-f]{16}$/);
        expect(values.ztunnel.podAnnotations[TRUST_ANNOTATION]).to.equal(values.istiod.pilot.podAnnotations[TRUST_ANNOTATION]);
        expect(values.ztunnel.istioNamespace).to.equal("istio-system"); // merged, not replaced
        resetMocks();
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.26.1", cacerts: A.east }))).to.equal("");
        await settle();
        expect(releases().istiod.pilot.env ?? {}).to.not.have.property("ISTIO_MULTIROOT_MESH");
    });

    it("ServiceMeshController refuses two roots where ztunnel cannot hold them, naming version and mode", async () => {
        const message = await rejection(new ServiceMeshController("mesh", { version: "1.24.3", cacerts: staged("TrustBoth") }));
        expect(message).to.contain("cacerts: a root rotation cannot keep mTLS working on Istio 1.24.3 in Ambient mode");
        await settle();
        expect(registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController")).to.deep.equal([]);
    });

    it("ServiceMeshController refuses a skipped stage read from the cluster's cacerts, before any change", async () => {
        mockClusters({ preflight: { cacerts: A.east } });
        const message = await rejection(new ServiceMeshController("mesh", { version: "1.26.1", cluster: "east", cacerts: staged("IssueFromNext") }));
        expect(message).to.contain("refused the update; nothing was changed");
        expect(message).to.contain('cacerts: cluster "east" trusts "O=Old Root, CN=Root CA"');
        await settle();
        expect(registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController")).to.deep.equal([]);
        resetMocks();
        mockClusters({ preflight: { cacerts: staged("TrustBoth") } });
        expect(await rejection(new ServiceMeshController("mesh", { version: "1.26.1", cluster: "east", cacerts: staged("IssueFromNext") }))).to.equal("");
    });

    const meshArgs = (stage: string, version = "1.26.1") => ({
        version,
        gatewayApi: { install: false },
        clusters: ["east", "west"].map((name) => ({ cluster: name, context: `ctx-${name}` })),
        rootOfTrust: { clusterCas: external(A), rotation: { stage, next: { clusterCas: external(B) } } },
    });

    it("MultiClusterMesh refuses to move every cluster while one still trusts only the old root, naming it and its stage", async () => {
        mockClusters({ clusters: { "ctx-east": { preflight: { cacerts: staged("TrustBoth") } }, "ctx-west": { preflight: { cacerts: A.west } } } });
        const mesh = new MultiClusterMesh("mesh", meshArgs("IssueFromNext") as any);
        const message = await (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);
        expect(message).to.contain('cluster "west" trusts "O=Old Root, CN=Root CA"').and.contain("(stage Current), but the requested stage IssueFromNext issues from");
        expect(message).to.not.contain('cluster "east"');
        await settle();
        expect(registered.filter((r) => r.type === "kubernetes:core/v1:Secret" || r.type === "kubernetes:helm.sh/v3:Release")).to.deep.equal([]);
    });

    it("MultiClusterMesh moves every cluster one stage and reports what each trusts", async () => {
        mockClusters({ clusters: { "ctx-east": { preflight: { cacerts: staged("TrustBoth") } }, "ctx-west": { preflight: { cacerts: staged("TrustBoth", "west") } } } });
        const mesh = new MultiClusterMesh("mesh", meshArgs("IssueFromNext") as any);
        const [states, stage, summary] = await Promise.all([valueOf(mesh.clusters), valueOf(mesh.rotationStage), valueOf(mesh.summary)]);
        expect(stage).to.equal("IssueFromNext");
        expect(states.map((s) => [s.name, s.trust.issuingRoot, s.trust.trustedRoots.length])).to.deep.equal([["east", rootB.fingerprint256, 2], ["west", rootB.fingerprint256, 2]]);
        expect(summary).to.contain(`${rootB.fingerprint256.slice(0, 11)}+${rootA.fingerprint256.slice(0, 11)}`);
    });

    it("MultiClusterMesh refuses a rotation on a minor whose ztunnel keeps one root, at construction", () =>
        expectRejected(
            () => new MultiClusterMesh("mesh", meshArgs("TrustBoth", "1.24.3") as any),
            'rootOfTrust.rotation.stage: TrustBoth (got version "1.24.3"): a root rotation cannot keep mTLS working on Istio 1.24.3 in Ambient mode: ztunnel trusts several roots from 1.24.6 (ztunnel#1546); earlier it keeps only the issuing root (istio#47427); allowed: upgrade to 1.24.6 or later first',
        ));
});
