// RootOfTrust: the certificates it asks for chain correctly (made for real by the openssl-backed tls double, checked
// with Node's X.509 support), imported and external material is checked, and keys stay secret.
import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { expectRejected, registered, resetMocks, settle, valueOf } from "./mocks";
import { certText } from "../../provider/testing/tls";
import { RootOfTrust } from "../../provider";
import { checkCacerts, splitPemCertificates } from "../../provider/trust/pki";
import { issueClusterCas } from "../support/pki";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-pki-"));

/** A root and an intermediate made outside the component, as a PKI would, plus the root's key. */
function externalPki(prefix: string, intermediateCa = true) {
    const dir = path.join(tmp, prefix);
    const { c } = issueClusterCas(dir, ["c"], { intermediateCa });
    return { ...c, rootKeyPem: fs.readFileSync(path.join(dir, "root-key.pem"), "utf8") };
}

describe("RootOfTrust", function () {
    this.timeout(120_000);
    beforeEach(resetMocks);

    it("issues per-cluster intermediates (CA:true, pathlen 0, L=<cluster>) that verify against one root", async () => {
        const trust = new RootOfTrust("trust", { clusters: ["east", "west", "north"], rsaBits: 2048 });
        const [cacerts, root, expiries, rootExpiry] = await Promise.all([
            valueOf(trust.cacerts), valueOf(trust.rootCertPem), valueOf(trust.intermediateExpiries), valueOf(trust.rootExpiry),
        ]);
        const rootCert = new X509Certificate(root);
        expect(rootCert.ca).to.equal(true);
        expect(rootCert.subject).to.contain("O=Istio").and.contain("CN=Root CA");
        expect(rootCert.verify(rootCert.publicKey)).to.equal(true);
        expect(Object.keys(cacerts)).to.deep.equal(["east", "west", "north"]);
        for (const [cluster, files] of Object.entries(cacerts)) {
            const ca = new X509Certificate(files.caCertPem);
            expect(ca.verify(rootCert.publicKey), cluster).to.equal(true);
            expect(ca.ca).to.equal(true);
            expect(ca.subject).to.contain("CN=Intermediate CA").and.contain(`L=${cluster}`);
            expect(ca.subjectAltName).to.equal("DNS:istiod.istio-system.svc");
            expect(certText(files.caCertPem)).to.match(/CA:TRUE, pathlen:0/);
            expect(files.rootCertPem).to.equal(root);
            expect(splitPemCertificates(files.certChainPem).map((p) => new X509Certificate(p).fingerprint256)).to.deep.equal([ca.fingerprint256, rootCert.fingerprint256]);
            expect(checkCacerts(files, cluster)).to.deep.equal([]);
            expect(new Date(expiries[cluster]).getTime()).to.equal(new Date(ca.validTo).getTime());
        }
        expect(new Date(rootExpiry).getTime() - Date.now()).to.be.greaterThan(3649 * 24 * 3600 * 1000);
    });

    it("keeps the intermediate keys secret", async () => {
        const trust = new RootOfTrust("trust", { clusters: ["east"], rsaBits: 2048 });
        expect(await (trust.cacerts as any).isSecret).to.equal(true);
        expect(await (trust.rootCertPem as any).isSecret).to.equal(false);
    });

    it("asks the tls provider for RSA 4096 by default, or the chosen algorithm and validity", async () => {
        new RootOfTrust("a", { clusters: ["east"], rsaBits: 2048, keyAlgorithm: "ECDSA", ecdsaCurve: "P384", intermediateValidityHours: 48, rootValidityHours: 96 });
        await settle();
        const keys = registered.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
        expect(keys.map((k) => [k.inputs.algorithm, k.inputs.ecdsaCurve])).to.deep.equal([["ECDSA", "P384"], ["ECDSA", "P384"]]);
        expect(registered.find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert")!.inputs).to.include({ validityPeriodHours: 48, isCaCertificate: true, maxPathLength: 0 });
        expect(registered.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")!.inputs).to.include({ validityPeriodHours: 96, isCaCertificate: true });
        resetMocks();
        const t = new RootOfTrust("b", { clusters: ["east"] });
        await valueOf(t.rootCertPem);
        await settle();
        expect(registered.filter((r) => r.type === "tls:index/privateKey:PrivateKey").map((k) => [k.inputs.algorithm, k.inputs.rsaBits])).to.deep.equal([["RSA", 4096], ["RSA", 4096]]);
    });

    it("issues from an imported root without generating one", async () => {
        const ext = externalPki("imported");
        const trust = new RootOfTrust("trust", { clusters: ["east"], rsaBits: 2048, rootCertPem: ext.rootCertPem, rootKeyPem: ext.rootKeyPem });
        const cacerts = await valueOf(trust.cacerts);
        expect(registered.some((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")).to.equal(false);
        expect(new X509Certificate(cacerts.east.caCertPem).verify(new X509Certificate(ext.rootCertPem).publicKey)).to.equal(true);
    });

    it("passes on CA material issued elsewhere after checking it", async () => {
        const { rootKeyPem: _root, ...east } = externalPki("ext-east");
        const trust = new RootOfTrust("trust", { clusterCas: [{ cluster: "east", ...east }] });
        const cacerts = await valueOf(trust.cacerts);
        expect(cacerts.east.caCertPem).to.equal(east.caCertPem);
        expect(await valueOf(trust.rootCertPem)).to.equal(east.rootCertPem);
        await settle();
        expect(registered.filter((r) => r.type.startsWith("tls:"))).to.deep.equal([]);
    });

    it("finds what is wrong with external material", () => {
        const good = externalPki("chk");
        const other = externalPki("chk-other");
        const leaf = externalPki("chk-leaf", false);
        expect(checkCacerts(good, "c")).to.deep.equal([]);
        expect(checkCacerts({ ...good, rootCertPem: other.rootCertPem, certChainPem: good.caCertPem + other.rootCertPem }, "c")).to.deep.include(
            'c.caCertPem: is not signed by rootCertPem (issuer "O=Example PKI, CN=Root CA")',
        );
        expect(checkCacerts({ ...good, caKeyPem: other.caKeyPem }, "c")).to.deep.equal(["c.caKeyPem: does not match caCertPem"]);
        expect(checkCacerts({ ...good, certChainPem: good.caCertPem }, "c")).to.deep.equal(["c.certChainPem: must start with caCertPem and end with the root (got 1 certificate(s))"]);
        expect(checkCacerts(leaf, "c")).to.deep.include("c.caCertPem: is not a CA certificate (basic constraints CA:false); istiod needs an intermediate CA");
        expect(checkCacerts(good, "c", new Date(Date.now() + 45 * 24 * 3600 * 1000))[0]).to.match(/^c\.caCertPem: expired on /);
    });

    const BAD: [string, any, string][] = [
        ["no clusters", {}, "clusters: no cluster given (got []); allowed: at least one cluster name, or clusterCas"],
        ["duplicate cluster", { clusters: ["a", "a"] }, 'clusters: cluster "a" is listed twice; allowed: unique cluster names'],
        ["bad cluster name", { clusters: ["A_1"] }, "clusters.0: is not a DNS label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit (a cluster name) (got \"A_1\")"],
        ["bad algorithm", { clusters: ["a"], keyAlgorithm: "DSA" }, 'keyAlgorithm: is not allowed; allowed values: RSA, ECDSA (got "DSA")'],
        ["bad rsa size", { clusters: ["a"], rsaBits: 1024 }, "rsaBits: is not allowed; allowed values: 2048, 3072, 4096 (got 1024)"],
        ["zero validity", { clusters: ["a"], rootValidityHours: 0 }, "rootValidityHours: is too short; allowed: whole hours from 1 to 876000 (root validity) (got 0)"],
        ["root cert without key", { clusters: ["a"], rootCertPem: "x" }, "rootCertPem/rootKeyPem: an imported root needs both the certificate and its key (got only rootCertPem)"],
        ["clusters with clusterCas", { clusters: ["a"], clusterCas: [] }, 'clusters: must be omitted when clusterCas is given (got ["a"]); the clusters are those of clusterCas'],
    ];
    for (const [what, input, message] of BAD) {
        it(`rejects ${what}, creating nothing`, () => expectRejected(() => new RootOfTrust("trust", input), message, 'RootOfTrust "trust"'));
    }
});
