// MultiClusterMesh under mocks: one provider per cluster with every child on it, one cacerts Secret per cluster,
// n·(n−1) links (or exactly the listed ones) with the names, labels, annotations and addresses istioctl would use.
import { expect } from "chai";
import * as path from "path";
import { X509Certificate } from "crypto";
import { expectRejected, mockClusters, mocks, recordSecretOutputs, registered, resetMocks, secretOutputs, settle, valueOf } from "./mocks";
import { MultiClusterMesh, ServiceMeshController } from "../../provider";
import { issueClusterCas } from "../support/pki";
import * as fs from "fs";
import * as os from "os";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const clusters = (names: string[]) => names.map((name) => ({ cluster: name, context: `ctx-${name}` }));
const shared = { version: "1.24.3", gatewayApi: { manifest: CRDS }, rootOfTrust: { rsaBits: 2048 } };

async function deploy(args: any) {
    const mesh = new MultiClusterMesh("mesh", args);
    const [phase, clusterStates, links, summary] = await Promise.all([valueOf(mesh.phase), valueOf(mesh.clusters), valueOf(mesh.links), valueOf(mesh.summary)]);
    await settle();
    return { mesh, phase, clusterStates, links, summary };
}

const providersByName = () =>
    Object.fromEntries(registered.filter((r) => r.type === "pulumi:providers:kubernetes").map((p) => [p.name, p]));
// Gateways created (reads of the live east-west Gateway have no inputs of their own).
const gateways = () => registered.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && !r.id);

describe("MultiClusterMesh (mocks)", function () {
    this.timeout(120_000);
    beforeEach(() => {
        mockClusters({ clusters: { "ctx-east": { eastWestAddress: "172.18.0.10" }, "ctx-west": { eastWestAddress: "172.18.0.20" }, "ctx-north": { eastWestAddress: "eastwest.north.example" } } });
    });

    for (const names of [["east", "west"], ["east", "west", "north"]]) {
        it(`${names.length} clusters: full mesh of ${names.length * (names.length - 1)} links, every cluster SUCCEEDED`, async () => {
            const { phase, clusterStates, links, summary } = await deploy({ ...shared, clusters: clusters(names) });
            expect(phase).to.equal("SUCCEEDED");
            expect(clusterStates.map((c) => [c.name, c.network, c.trustDomain, c.phase])).to.deep.equal(names.map((n) => [n, n, n, "SUCCEEDED"]));
            expect(links).to.have.length(names.length * (names.length - 1));
            expect(links.every((l) => l.accepted)).to.equal(true);
            const peers = gateways().filter((g) => g.inputs.metadata.name.startsWith("istio-remote-peer-"));
            expect(peers).to.have.length(names.length * (names.length - 1));
            expect(summary).to.contain("mesh phase: SUCCEEDED").and.contain("east -> west  up");
        });
    }

    it("reports per cluster the Gateway API bundle in force and the values applied to each release", async () => {
        const { mesh, clusterStates } = await deploy({
            ...shared,
            clusters: [{ cluster: "east", context: "ctx-east", values: { ztunnel: { resources: { requests: { cpu: "500m" } } } } }, { cluster: "west", context: "ctx-west" }],
            values: { istiod: { meshConfig: { accessLogFile: "/dev/stdout" } } },
        });
        expect(clusterStates.map((c) => [c.name, c.gatewayApi])).to.deep.equal(
            // The unit fixture's CRDs carry no bundle-version annotations.
            ["east", "west"].map((n) => [n, { version: "unknown", channel: "standard", managed: true, action: "install" }]),
        );
        const applied = await valueOf(mesh.appliedValues);
        expect(applied.map((a) => `${a.cluster}/${a.release}`)).to.deep.equal(
            ["east", "west"].flatMap((c) => ["istio-base", "istiod", "istio-cni", "ztunnel"].map((r) => `${c}/${r}`)),
        );
        const of = (cluster: string, release: string) => applied.find((a) => a.cluster === cluster && a.release === release)!.values;
        const releaseInputs = (cluster: string, release: string) =>
            registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === `mesh-${cluster}-${release}`)!.inputs.values;
        for (const a of applied) {
            expect(a.values, `${a.cluster}/${a.release}`).to.deep.equal(releaseInputs(a.cluster, a.release));
        }
        expect(of("east", "istiod").meshConfig).to.deep.equal({ trustDomain: "east", accessLogFile: "/dev/stdout" });
        expect(of("west", "istiod").global.multiCluster).to.deep.equal({ clusterName: "west" });
        expect(of("east", "ztunnel").resources).to.deep.equal({ requests: { cpu: "500m" } });
        expect(of("west", "ztunnel")).to.not.have.property("resources");
        // 1.24 takes the license in istiod's environment: the applied values are a secret, the cluster states are not.
        const licensed = new MultiClusterMesh("licensed", { ...shared, clusters: clusters(["east", "west"]), license: "lic" });
        expect(await (licensed.appliedValues as any).isSecret).to.equal(true);
        expect(await (licensed.clusters as any).isSecret).to.equal(false);
        expect(await (mesh.appliedValues as any).isSecret).to.equal(false);
    });

    it("puts every child of a cluster on that cluster's provider, built from its context", async () => {
        await deploy({ ...shared, clusters: [{ cluster: "east", kubeconfig: "kc-east" }, { cluster: "west", context: "ctx-west" }] });
        const providers = providersByName();
        // Mocks show secret inputs as a wrapper around the value.
        expect(providers["mesh-east"].inputs.kubeconfig.value).to.equal("kc-east");
        expect(providers["mesh-west"].inputs.context).to.equal("ctx-west");
        for (const name of ["east", "west"]) {
            const ref = (p: string | undefined) => p?.endsWith(`::mesh-${name}::mesh-${name}-id`);
            const own = registered.filter((r) => r.custom && r.name.startsWith(`mesh-${name}-`) && !r.type.startsWith("pulumi:providers"));
            expect(own.length, name).to.be.greaterThan(10);
            for (const r of own) {
                expect(ref(r.provider), `${r.type} ${r.name}`).to.equal(true);
            }
            // The links a cluster sends live in that cluster.
            for (const r of registered.filter((x) => x.custom && x.name.startsWith(`mesh-link-${name}-to-`))) {
                expect(ref(r.provider), r.name).to.equal(true);
            }
        }
    });

    it("creates one cacerts Secret per cluster, before istiod, chaining to one root", async () => {
        const deps: Record<string, string[]> = {};
        const mesh = new MultiClusterMesh("mesh", { ...shared, clusters: clusters(["east", "west"]) }, {
            transformations: [(a) => { deps[a.name] = (Array.isArray(a.opts.dependsOn) ? a.opts.dependsOn : []).map((d: any) => d.__name); return undefined; }],
        });
        const root = new X509Certificate(await valueOf(mesh.rootCertPem));
        await valueOf(mesh.phase);
        await settle();
        const secrets = registered.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.name === "cacerts");
        expect(secrets.map((s) => s.name).sort()).to.deep.equal(["mesh-east-cacerts", "mesh-west-cacerts"]);
        for (const s of secrets) {
            const data = s.inputs.stringData.value ?? s.inputs.stringData;
            expect(Object.keys(data).sort()).to.deep.equal(["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"]);
            expect(new X509Certificate(data["ca-cert.pem"]).verify(root.publicKey)).to.equal(true);
            expect(s.inputs.metadata.namespace).to.equal("istio-system");
        }
        expect(deps["mesh-east-istiod"]).to.include("mesh-east-cacerts");
        expect(deps["mesh-west-istiod"]).to.include("mesh-west-cacerts");
        // No cluster waits for another.
        expect(deps["mesh-east-istiod"].some((d) => d.includes("west"))).to.equal(false);
    });

    it("keeps istiod's spec secret where it is read back: on 1.24 it carries the license key", async () => {
        const mesh = new MultiClusterMesh("mesh", { ...shared, clusters: clusters(["east", "west"]), license: "lic-123" }, { transformations: [recordSecretOutputs] });
        const phase = mesh.phase;
        expect(await valueOf(phase)).to.equal("SUCCEEDED");
        await settle();
        expect(secretOutputs["mesh-east-istiod-observed"]).to.deep.equal(["spec", "__inputs"]);
        // Only the spec is hidden: the readiness outputs stay readable.
        expect(await (phase as any).isSecret).to.equal(false);
    });

    it("creates the east-west gateway as the seed shows it, with its network and infrastructure", async () => {
        await deploy({ ...shared, clusters: clusters(["east", "west"]) });
        const ew = gateways().filter((g) => g.inputs.metadata.name === "istio-eastwest");
        expect(ew).to.have.length(2);
        const east = ew.find((g) => g.name === "mesh-east-eastwest-gateway")!;
        expect(east.inputs.metadata.namespace).to.equal("istio-eastwest");
        expect(east.inputs.metadata.labels).to.deep.equal({ "istio.io/expose-istiod": "15012", "topology.istio.io/network": "east", "topology.istio.io/cluster": "east" });
        expect(east.inputs.metadata.annotations["pulumi.com/waitFor"]).to.equal("condition=Programmed");
        expect(east.inputs.spec).to.deep.equal({
            gatewayClassName: "istio-eastwest",
            listeners: [
                { name: "cross-network", port: 15008, protocol: "HBONE", tls: { mode: "Passthrough" } },
                { name: "xds-tls", port: 15012, protocol: "TLS", tls: { mode: "Passthrough" } },
            ],
            // 1.24 has no parametersRef: the network label goes onto what istiod generates, and the digest of its inputs.
            infrastructure: { labels: { "topology.istio.io/network": "east" }, annotations: { "servicemesh.pulumi.com/rendered-from": east.inputs.spec.infrastructure.annotations["servicemesh.pulumi.com/rendered-from"] } },
        });
        const ns = registered.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.name === "istio-eastwest");
        expect(ns.map((n) => n.inputs.metadata.labels)).to.deep.equal([{ "topology.istio.io/network": "east" }, { "topology.istio.io/network": "west" }]);
    });

    it("links with istioctl's names, labels, annotations and the peer's address (IP or host name)", async () => {
        const { links } = await deploy({ ...shared, clusters: [...clusters(["east", "north"])].map((c) => (c.cluster === "north" ? { ...c, network: "net-north", trustDomain: "north.example" } : c)) });
        const eastToNorth = gateways().find((g) => g.name === "mesh-link-east-to-north")!;
        expect(eastToNorth.inputs.metadata).to.deep.equal({
            name: "istio-remote-peer-net-north",
            namespace: "istio-eastwest",
            labels: { "topology.istio.io/network": "net-north", "topology.istio.io/cluster": "north" },
            annotations: {
                "gateway.istio.io/service-account": "istio-eastwest",
                "gateway.istio.io/trust-domain": "north.example",
                "pulumi.com/waitFor": "condition=Accepted",
                "pulumi.com/timeoutSeconds": "600",
            },
        });
        expect(eastToNorth.inputs.spec.gatewayClassName).to.equal("istio-remote");
        expect(eastToNorth.inputs.spec.addresses).to.deep.equal([{ type: "Hostname", value: "eastwest.north.example" }]);
        const northToEast = gateways().find((g) => g.name === "mesh-link-north-to-east")!;
        expect(northToEast.inputs.spec.addresses).to.deep.equal([{ type: "IPAddress", value: "172.18.0.10" }]);
        expect(northToEast.inputs.metadata.annotations["gateway.istio.io/trust-domain"]).to.equal("east");
        expect(links.map((l) => [l.from, l.to, l.gateway, l.address, l.accepted])).to.deep.equal([
            ["east", "north", "istio-eastwest/istio-remote-peer-net-north", "eastwest.north.example", true],
            ["north", "east", "istio-eastwest/istio-remote-peer-east", "172.18.0.10", true],
        ]);
    });

    it("creates exactly the listed one-way links, or none for []", async () => {
        await deploy({ ...shared, clusters: clusters(["east", "west", "north"]), links: [{ from: "east", to: "west" }, { from: "north", to: "west" }] });
        expect(gateways().filter((r) => r.name.startsWith("mesh-link-")).map((r) => r.name).sort()).to.deep.equal(["mesh-link-east-to-west", "mesh-link-north-to-west"]);
        resetMocks();
        const { links, phase } = await deploy({ ...shared, clusters: clusters(["east", "west"]), links: [] });
        expect(links).to.deep.equal([]);
        expect(registered.filter((r) => r.name.startsWith("mesh-link-"))).to.deep.equal([]);
        expect(phase).to.equal("SUCCEEDED");
    });

    it("points links at a given east-west address, still waiting until istiod programs the gateway", async () => {
        const { clusterStates } = await deploy({ ...shared, clusters: [{ cluster: "east", context: "e", eastWestGateway: { address: "192.0.2.7" } }, { cluster: "west", context: "w" }] });
        expect(clusterStates[0].eastWestAddress).to.equal("192.0.2.7");
        expect(clusterStates[0].eastWest.addresses).to.deep.equal(["192.0.2.7"]);
        const ew = gateways().find((g) => g.name === "mesh-east-eastwest-gateway")!;
        expect(ew.inputs.metadata.annotations).to.deep.equal({ "pulumi.com/waitFor": "condition=Programmed", "pulumi.com/timeoutSeconds": "600" });
        expect(gateways().find((g) => g.name === "mesh-link-west-to-east")!.inputs.spec.addresses).to.deep.equal([{ type: "IPAddress", value: "192.0.2.7" }]);
    });

    it("turns on Solo multicluster values and reports per-cluster CA expiry", async () => {
        const { clusterStates } = await deploy({ ...shared, version: "1.26.1", clusters: clusters(["east", "west"]), license: "lic-123" });
        const istiod = registered.find((r) => r.name === "mesh-east-istiod")!;
        expect(istiod.inputs.values.platforms).to.deep.equal({ peering: { enabled: true } });
        expect(istiod.inputs.values.pilot.env).to.deep.equal({ PILOT_SKIP_VALIDATE_TRUST_DOMAIN: "true" });
        expect(istiod.inputs.values.license).to.deep.equal({ secretRef: { name: "solo-istio-license", key: "license-key" } });
        expect(JSON.stringify(istiod.inputs.values)).to.not.contain("lic-123");
        const ztunnel = registered.find((r) => r.name === "mesh-east-ztunnel")!;
        expect(ztunnel.inputs.values.env).to.deep.equal({ SKIP_VALIDATE_TRUST_DOMAIN: "true" });
        const license = registered.find((r) => r.name === "mesh-east-license")!;
        expect(license.inputs.metadata).to.deep.include({ name: "solo-istio-license", namespace: "istio-system" });
        for (const c of clusterStates) {
            expect(new Date(c.trust.intermediateExpiry).getTime()).to.be.greaterThan(Date.now());
            expect(c.intermediateExpiry, "the deprecated duplicate, until 0.3").to.equal(c.trust.intermediateExpiry);
        }
    });

    it("takes per-cluster CA material issued elsewhere, generating nothing", async () => {
        const cas = issueClusterCas(fs.mkdtempSync(path.join(os.tmpdir(), "mesh-cas-")), ["east", "west"]);
        const { phase, mesh } = await deploy({
            ...shared,
            clusters: clusters(["east", "west"]),
            rootOfTrust: { clusterCas: Object.entries(cas).map(([cluster, m]) => ({ cluster, ...m })) },
        });
        expect(phase).to.equal("SUCCEEDED");
        expect(registered.filter((r) => r.type.startsWith("tls:"))).to.deep.equal([]);
        expect(await valueOf(mesh.rootCertPem)).to.equal(cas.east.rootCertPem);
        const secret = registered.find((r) => r.name === "mesh-west-cacerts")!;
        expect((secret.inputs.stringData.value ?? secret.inputs.stringData)["ca-cert.pem"]).to.equal(cas.west.caCertPem);
    });

    it("reports links not accepted and the mesh PENDING when istiod rejects a peer", async () => {
        mocks.options.linksAccepted = false;
        const { phase, links, summary } = await deploy({ ...shared, clusters: clusters(["east", "west"]) });
        expect(phase).to.equal("PENDING");
        const refused = "not Accepted (Invalid: peer); not Programmed (Invalid: peer)";
        expect(links.map((l) => [l.accepted, l.ready, l.message])).to.deep.equal([[false, false, refused], [false, false, refused]]);
        expect(summary).to.contain("NOT up");
    });

    it("reports the cluster FAILED when one of its releases failed", async () => {
        mocks.options.releases = { ztunnel: "failed" };
        const { phase, clusterStates } = await deploy({ ...shared, clusters: clusters(["east", "west"]) });
        expect(phase).to.equal("FAILED");
        expect(clusterStates.map((c) => c.phase)).to.deep.equal(["FAILED", "FAILED"]);
    });

    it("merges the cluster's values over the shared ones for that cluster only", async () => {
        await deploy({
            ...shared,
            values: { istiod: { meshConfig: { accessLogFile: "/dev/stdout" } }, ztunnel: { resources: { requests: { cpu: "200m" } } } },
            clusters: [
                { cluster: "east", context: "e", values: { ztunnel: { resources: { requests: { cpu: "1" } }, tolerations: [{ key: "gpu", operator: "Exists" }] } } },
                { cluster: "west", context: "w" },
            ],
        });
        const values = (cluster: string, release: string) =>
            registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === `mesh-${cluster}-${release}`)!.inputs.values;
        expect(values("east", "ztunnel").resources).to.deep.equal({ requests: { cpu: "1" } });
        expect(values("east", "ztunnel").tolerations).to.deep.equal([{ key: "gpu", operator: "Exists" }]);
        expect(values("west", "ztunnel").resources).to.deep.equal({ requests: { cpu: "200m" } });
        expect(values("west", "ztunnel")).to.not.have.property("tolerations");
        for (const c of ["east", "west"]) {
            expect(values(c, "istiod").meshConfig).to.deep.equal({ trustDomain: c, accessLogFile: "/dev/stdout" });
            expect(values(c, "ztunnel").multiCluster).to.deep.equal({ clusterName: c });
        }
    });

    const BAD: [string, any, string][] = [
        ["an old version", { version: "1.24.2" }, 'version: multicluster needs 1.24.3 or later (got "1.24.2"); allowed: 1.24.3 or later'],
        ["Sidecar", { dataplaneMode: "Sidecar" }, 'dataplaneMode: multicluster supports Ambient only (got "Sidecar"); Sidecar multi-primary is not supported yet'],
        ["duplicate names", { clusters: clusters(["east", "east"]) }, 'clusters[].cluster: "east" is used by more than one cluster; allowed: a unique cluster name per cluster'],
        ["duplicate networks", { clusters: [{ cluster: "a", context: "a", network: "n" }, { cluster: "b", context: "b", network: "n" }] }, 'clusters[].network: "n" is used by more than one cluster; allowed: a unique network per cluster'],
        ["a link to an unknown cluster", { links: [{ from: "east", to: "south" }] }, 'links[0].to: "south" is not a cluster of this mesh; allowed: east, west'],
        ["a link to itself", { links: [{ from: "east", to: "east" }] }, 'links[0]: links cluster "east" to itself; allowed: a link between two different clusters'],
        ["a duplicate link", { links: [{ from: "east", to: "west" }, { from: "east", to: "west" }] }, "links[1]: east->west is listed twice"],
        ["a cluster without access", { clusters: [{ cluster: "east", context: "e" }, { cluster: "west" }] }, "clusters[1] (west): has no kubeconfig, context or provider; allowed: one of them, so that each cluster is reached through its own provider"],
        ["no clusters", { clusters: [] }, "clusters: is empty; allowed: at least one cluster"],
        ["a bad cluster name", { clusters: [{ cluster: "East", context: "e" }] }, "clusters.0.cluster: is not a DNS label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit (the cluster name) (got \"East\")"],
        ["a bad shared setting", { scalingProfile: "Huge" }, 'scalingProfile: is not allowed; allowed values: Default, Large (got "Huge")'],
        ["a bad east-west address", { clusters: [{ cluster: "east", context: "e", eastWestGateway: { address: "not an address!" } }] }, 'clusters (east): eastWestGateway.address: is not an IP address or host name; allowed: e.g. 172.18.0.10 or eastwest.example.com (got "not an address!")'],
        ["CA material for other clusters", { rootOfTrust: { clusterCas: [{ cluster: "east" }, { cluster: "south" }] } }, "rootOfTrust.clusterCas: must hold one entry per cluster of the mesh (missing: west; not in the mesh: south)"],
        ["an unknown field", { cluster: "x" }, 'unknown field "cluster"; check the spelling against the documented inputs'],
        ["an owned value in the shared values", { values: { istiod: { platforms: { peering: { enabled: false } } } } }, "values.istiod.platforms.peering.enabled: is owned by the component, set from the `eastWestGateway (multicluster peering)` input; allowed: set `eastWestGateway (multicluster peering)` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["an owned value in one cluster's values", { clusters: [{ cluster: "east", context: "e" }, { cluster: "west", context: "w", values: { ztunnel: { network: "x" } } }] }, "clusters[1] (west).values.ztunnel.network: is owned by the component, set from the `network` input; allowed: set `network` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["values for an unknown chart", { values: { eastwest: {} } }, 'values: unknown chart "eastwest"; allowed: an object with the keys base, istiod, cni, ztunnel, each an object of that chart\'s Helm values (the east-west gateway is no Helm release: istiod deploys it)'],
    ];
    for (const [what, input, message] of BAD) {
        it(`rejects ${what}, creating nothing`, () =>
            expectRejected(() => new MultiClusterMesh("mesh", { ...shared, clusters: clusters(["east", "west"]), ...input }), message, 'MultiClusterMesh "mesh"'));
    }

    it("rejects east-west settings a single controller cannot use", () => {
        const bad = (extra: any) => () => new ServiceMeshController("c", { version: "1.24.3", eastWestGateway: {}, ...extra });
        expect(bad({})).to.throw("cluster: is required for a multicluster member (eastWestGateway set)");
        expect(bad({ cluster: "a", network: "a", version: "1.24.1" })).to.throw('version: multicluster (eastWestGateway) needs 1.24.3 or later (got "1.24.1")');
        expect(bad({ cluster: "a", network: "a", eastWestGateway: { namespace: "istio-system" } })).to.throw("eastWestGateway.namespace: must differ from installNamespace");
    });

    it("rejects cacerts that do not chain, naming the field", async () => {
        const mesh = new ServiceMeshController("c", {
            version: "1.24.3",
            gatewayApi: { install: false },
            cacerts: { caCertPem: "junk", caKeyPem: "junk", rootCertPem: "junk", certChainPem: "junk" },
        });
        const err = await new Promise<any>((resolve) => {
            process.once("unhandledRejection", resolve);
            valueOf(mesh.phase).then(() => resolve(undefined));
        });
        expect(String(err?.message ?? err)).to.contain("cacerts.caCertPem: not a PEM certificate");
    });
});
