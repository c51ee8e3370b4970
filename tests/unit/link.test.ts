// ClusterLink under mocks (a link between controllers the program made), and MultiClusterMesh with the program's own
// Kubernetes providers: where each resource goes, what it waits for, what is refused, and URNs kept stable.
import * as path from "path";
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expectRejected, mockClusters, mocks, registered, resetMocks, settle, valueOf } from "./mocks";
import { ClusterLink, MultiClusterMesh, ServiceMeshController } from "../../provider";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const member = (name: string) => ({
    version: "1.24.3",
    gatewayApi: { manifest: CRDS },
    cluster: name,
    network: name,
    eastWestGateway: {},
    license: "key",
});
const gateways = () => registered.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway");
const peer = (to: string) => ({ cluster: to, eastWestAddress: "10.0.0.9" });

describe("ClusterLink (mocks)", function () {
    this.timeout(60_000);
    beforeEach(resetMocks);

    it("links two controllers the program made: the peer Gateway in `from`'s cluster, after its controller, accepted", async () => {
        const east = new k8s.Provider("east", { context: "east" });
        const west = new k8s.Provider("west", { context: "west" });
        mockClusters({ clusters: { east: { eastWestAddress: "172.18.0.10" }, west: { eastWestAddress: "eastwest.west.example" } } });
        const eastMesh = new ServiceMeshController("east", member("east"), { provider: east });
        const westMesh = new ServiceMeshController("west", member("west"), { provider: west });
        let deps: pulumi.Resource[] = [];
        const link = new ClusterLink(
            "east-to-west",
            { from: "east", to: { cluster: "west", network: "west", trustDomain: "west", eastWestAddress: westMesh.eastWestAddress } },
            {
                provider: east,
                dependsOn: [eastMesh],
                transformations: [(a) => { if (a.type.endsWith(":Gateway")) deps = a.opts.dependsOn as any; return undefined; }],
            },
        );
        const [accepted, message, gateway, address, from, to] = await Promise.all([
            valueOf(link.accepted), valueOf(link.message), valueOf(link.gateway), valueOf(link.address), valueOf(link.from), valueOf(link.to),
        ]);
        await settle();
        expect({ accepted, message, gateway, address, from, to }).to.deep.equal({
            accepted: true, message: "Accepted: peer", gateway: "istio-eastwest/istio-remote-peer-west", address: "eastwest.west.example", from: "east", to: "west",
        });
        const g = gateways().find((r) => r.name === "east-to-west")!;
        expect(g.provider).to.equal(`${await valueOf(east.urn)}::east-id`);
        expect(g.inputs.metadata).to.deep.include({ name: "istio-remote-peer-west", namespace: "istio-eastwest" });
        expect(g.inputs.metadata.labels).to.deep.equal({ "topology.istio.io/network": "west", "topology.istio.io/cluster": "west" });
        expect(g.inputs.metadata.annotations).to.include({ "gateway.istio.io/trust-domain": "west", "pulumi.com/waitFor": "condition=Accepted", "pulumi.com/timeoutSeconds": "600" });
        expect(g.inputs.spec.addresses).to.deep.equal([{ type: "Hostname", value: "eastwest.west.example" }]);
        // Its dependsOn, resolved once east's controller registered its children, names that controller.
        expect(await Promise.resolve(deps)).to.deep.equal([eastMesh]);
        expect(registered.filter((r) => r.name.startsWith("east-") && r.custom && r.type !== "pulumi:providers:kubernetes").length).to.be.greaterThan(10);
    });

    it("builds a provider for `from` from kubeconfig/context, as a secret kubeconfig", async () => {
        let kubeconfig: unknown;
        const link = new ClusterLink("l", { from: "a", to: peer("b"), kubeconfig: "kc-a", context: "ctx-a", eastWestNamespace: "ew", timeoutSeconds: 60 }, {
            transformations: [(a) => { if (a.type === "pulumi:providers:kubernetes") kubeconfig = a.props.kubeconfig; return undefined; }],
        });
        await valueOf(link.accepted);
        await settle();
        const provider = registered.find((r) => r.type === "pulumi:providers:kubernetes")!;
        expect(provider.name).to.equal("l-k8s");
        expect(provider.inputs.context).to.equal("ctx-a");
        expect(await (kubeconfig as any).isSecret).to.equal(true);
        const g = gateways()[0];
        expect(g.provider).to.match(/::l-k8s::l-k8s-id$/);
        expect(g.inputs.metadata.namespace).to.equal("ew");
        expect(g.inputs.metadata.annotations["pulumi.com/timeoutSeconds"]).to.equal("60");
        expect(await valueOf(link.gateway)).to.equal("ew/istio-remote-peer-b");
    });

    it("reports a link istiod does not accept", async () => {
        mocks.options.linksAccepted = false;
        const link = new ClusterLink("l", { from: "a", to: peer("b") });
        expect([await valueOf(link.accepted), await valueOf(link.ready), await valueOf(link.message)]).to.deep.equal([false, false, "not Accepted (Invalid: peer); not Programmed (Invalid: peer)"]);
    });

    it("refuses a receiving cluster without an address once known, creating no Gateway", async () => {
        const link = new ClusterLink("l", { from: "a", to: { cluster: "b", eastWestAddress: pulumi.output("") } });
        const err = await new Promise<any>((resolve) => {
            process.once("unhandledRejection", resolve);
            valueOf(link.accepted).then(() => resolve(undefined));
        });
        expect(String(err?.message ?? err)).to.contain('to.eastWestAddress: cluster "b" has no east-west address yet');
        await settle();
        expect(gateways()).to.deep.equal([]);
    });

    const BAD: [string, any, string, pulumi.ComponentResourceOptions?][] = [
        ["a link to itself", { from: "a", to: peer("a") }, 'to.cluster: links cluster "a" to itself; allowed: a cluster other than from'],
        ["no receiving address", { from: "a", to: { cluster: "b" } }, "to.eastWestAddress: is required; allowed: the receiving controller's eastWestAddress output, an IP address or a host name"],
        ["a bad network", { from: "a", to: { ...peer("b"), network: "Net B" } }, "to.network: is not a DNS label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit (a network name) (got \"Net B\")"],
        ["a bad timeout", { from: "a", to: peer("b"), timeoutSeconds: 5 }, "timeoutSeconds: is too short; allowed: whole seconds from 30 to 3600 (got 5)"],
        ["an unknown field", { from: "a", to: peer("b"), namespace: "x" }, 'unknown field "namespace"; check the spelling against the documented inputs'],
    ];
    for (const [what, args, problem] of BAD) {
        it(`rejects ${what}, creating nothing`, () => expectRejected(() => new ClusterLink("l", args), problem, 'ClusterLink "l"'));
    }

    it("rejects a context together with a provider option, creating nothing", async () => {
        const provider = new k8s.Provider("a", { context: "a" });
        await settle();
        registered.length = 0;
        await expectRejected(
            () => new ClusterLink("l", { from: "a", to: peer("b"), context: "a" }, { provider }),
            'context: set together with a kubernetes provider resource option; allowed: one way to reach the sending cluster "a", either the provider input, kubeconfig/context or the provider option',
        );
    });
});

describe("MultiClusterMesh with the program's providers (mocks)", function () {
    this.timeout(60_000);
    beforeEach(resetMocks);
    const shared = { version: "1.24.3", gatewayApi: { manifest: CRDS }, rootOfTrust: { rsaBits: 2048 } };

    it("puts each cluster on its provider, creates no provider of its own, and pre-flights through the provider's context", async () => {
        const providers = Object.fromEntries(["east", "west", "north"].map((n) => [n, new k8s.Provider(n, { context: `ctx-${n}` })]));
        // One cluster reached through its kubeconfig/context, the others through the program's providers.
        const mesh = new MultiClusterMesh(
            "mesh",
            { ...shared, clusters: [{ cluster: "east" }, { cluster: "west" }, { cluster: "north" }, { cluster: "south", context: "ctx-south" }] },
            { clusterProviders: providers },
        );
        expect(await valueOf(mesh.phase)).to.equal("SUCCEEDED");
        await settle();
        const own = registered.filter((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith("mesh"));
        expect(own.map((p) => p.name)).to.deep.equal(["mesh-south"]);
        for (const n of ["east", "west", "north"]) {
            const ref = `${await valueOf(providers[n].urn)}::${n}-id`;
            const children = registered.filter((r) => r.custom && (r.name.startsWith(`mesh-${n}-`) || r.name.startsWith(`mesh-link-${n}-to-`)));
            expect(children.length, n).to.be.greaterThan(10);
            for (const c of children) {
                expect(c.provider, `${c.type} ${c.name}`).to.equal(ref);
            }
        }
        expect(mocks.preflights.map((c) => c.context).sort()).to.deep.equal(["ctx-east", "ctx-north", "ctx-south", "ctx-west"]);
        expect(gateways().filter((g) => g.name.startsWith("mesh-link-"))).to.have.length(12);
    });

    it("takes each cluster's provider as an input (what Python, Go and YAML pass), as it takes clusterProviders", async () => {
        const providers = Object.fromEntries(["east", "west"].map((n) => [n, new k8s.Provider(n, { context: `ctx-${n}` })]));
        const mesh = new MultiClusterMesh("mesh", {
            ...shared,
            clusters: [{ name: "east", provider: providers.east }, { name: "west", provider: providers.west }, { name: "south", context: "ctx-south" }],
        });
        expect(await valueOf(mesh.phase)).to.equal("SUCCEEDED");
        await settle();
        const own = registered.filter((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith("mesh"));
        expect(own.map((p) => p.name)).to.deep.equal(["mesh-south"]);
        for (const n of ["east", "west"]) {
            const ref = `${await valueOf(providers[n].urn)}::${n}-id`;
            const children = registered.filter((r) => r.custom && (r.name.startsWith(`mesh-${n}-`) || r.name.startsWith(`mesh-link-${n}-to-`)));
            expect(children.length, n).to.be.greaterThan(10);
            for (const c of children) {
                expect(c.provider, `${c.type} ${c.name}`).to.equal(ref);
            }
        }
        expect(mocks.preflights.map((c) => c.context).sort()).to.deep.equal(["ctx-east", "ctx-south", "ctx-west"]);
    });

    it("puts a link's Gateway on its provider input", async () => {
        const provider = new k8s.Provider("a", { context: "ctx-a" });
        const link = new ClusterLink("l", { from: "a", to: peer("b"), provider });
        await valueOf(link.accepted);
        await settle();
        const gateway = registered.find((r) => r.type.endsWith(":Gateway") && r.name === "l")!;
        expect(gateway.provider).to.equal(`${await valueOf(provider.urn)}::a-id`);
        expect(registered.filter((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith("l"))).to.deep.equal([]);
    });

    it("rejects a link's provider input together with a context, or a value that is no provider, creating nothing", async () => {
        const provider = new k8s.Provider("a", { context: "a" });
        await settle();
        registered.length = 0;
        await expectRejected(
            () => new ClusterLink("l", { from: "a", to: peer("b"), provider, context: "a" }),
            'provider: set together with context; allowed: one way to reach the sending cluster "a", either the provider input, kubeconfig/context or the provider option',
        );
        await expectRejected(
            () => new ClusterLink("l", { from: "a", to: peer("b"), provider: "urn:pulumi:s::p::pulumi:providers:kubernetes::a" as any }),
            'provider: is the string "urn:pulumi:s::p::pulumi:providers:kubernetes::a"; allowed: a Kubernetes provider resource (a kubernetes.Provider of the program, passed as the resource itself)',
        );
    });

    it("does not alias a link the program made under its own component", async () => {
        let seen: unknown[] | undefined;
        const parent = new pulumi.ComponentResource("my:index:Mesh", "p");
        const link = new ClusterLink("l", { from: "a", to: peer("b") }, {
            parent,
            transformations: [(a) => { if (a.type.endsWith(":Gateway")) seen = a.opts.aliases; return undefined; }],
        });
        await valueOf(link.accepted);
        expect(seen ?? []).to.deep.equal([]);
    });

    const BAD: [string, any, (p: Record<string, k8s.Provider>) => any, string][] = [
        ["a provider and a context for one cluster", [{ cluster: "east", context: "e" }, { cluster: "west" }], (p) => ({ clusterProviders: { east: p.east, west: p.west } }),
            "clusters[0] (east): context and clusterProviders.east set together; allowed: one way to reach the cluster, either a provider or kubeconfig/context"],
        ["a provider and a kubeconfig for one cluster", [{ cluster: "east", kubeconfig: "k", context: "e" }, { cluster: "west" }], (p) => ({ clusterProviders: { east: p.east, west: p.west } }),
            "clusters[0] (east): kubeconfig and context and clusterProviders.east set together; allowed: one way to reach the cluster, either a provider or kubeconfig/context"],
        ["a provider for a cluster not in the mesh", [{ cluster: "east" }, { cluster: "west" }], (p) => ({ clusterProviders: { east: p.east, west: p.west, south: p.east } }),
            'clusterProviders: "south" is not a cluster of this mesh; allowed: east, west'],
        ["a cluster left without access", [{ cluster: "east" }, { cluster: "west" }], (p) => ({ clusterProviders: { east: p.east } }),
            "clusters[1] (west): has no kubeconfig, context or provider; allowed: one of them, so that each cluster is reached through its own provider"],
        ["a provider input and a context for one cluster", [{ cluster: "east", context: "e", provider: "P:east" }, { cluster: "west", context: "w" }], () => ({}),
            "clusters[0] (east): context and provider set together; allowed: one way to reach the cluster, either a provider or kubeconfig/context"],
        ["a provider input and clusterProviders for one cluster", [{ cluster: "east", provider: "P:east" }, { cluster: "west", context: "w" }], (p) => ({ clusterProviders: { east: p.east } }),
            "clusters[0] (east): provider and clusterProviders.east set together; allowed: one way to reach the cluster, either a provider or kubeconfig/context"],
        ["a provider input that is no provider", [{ cluster: "east", provider: "not-a-provider" }, { cluster: "west", context: "w" }], () => ({}),
            'clusters[0] (east).provider: is the string "not-a-provider"; allowed: a Kubernetes provider resource (a kubernetes.Provider of the program, passed as the resource itself)'],
        ["one provider option for the whole mesh", [{ cluster: "east", context: "e" }, { cluster: "west", context: "w" }], (p) => ({ provider: p.east }),
            "provider: a kubernetes provider resource option does not say which cluster it reaches; allowed: each cluster's provider, kubeconfig or context (or clusterProviders in TypeScript)"],
    ];
    for (const [what, clusters, opts, problem] of BAD) {
        it(`rejects ${what}, creating nothing`, async () => {
            const providers = { east: new k8s.Provider("east", {}), west: new k8s.Provider("west", {}) };
            await settle();
            registered.length = 0;
            // "P:<name>" in a cluster stands for that provider (made inside the test, after the mocks' reset).
            const withProviders = clusters.map((c: any) => (typeof c.provider === "string" && c.provider.startsWith("P:") ? { ...c, provider: (providers as any)[c.provider.slice(2)] } : c));
            await expectRejected(() => new MultiClusterMesh("mesh", { ...shared, clusters: withProviders }, opts(providers)), problem, 'MultiClusterMesh "mesh"');
        });
    }
});
