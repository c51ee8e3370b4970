// One name per concept: a renamed input keeps working for one minor with a warning naming old and new, the schema
// marks every old name deprecated, a renamed output is published under both names, and `phase` is an enum.
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { expectRejected, mockClusters, registered, valueOf } from "./mocks";
import { ClusterLink, MultiClusterMesh, RootOfTrust } from "../../provider";
import { RENAMES, withCurrentNames } from "../../provider/spec/renames";
import { packageSchema } from "../../scripts/schema";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const shared = { version: "1.24.3", gatewayApi: { manifest: CRDS }, rootOfTrust: { rsaBits: 2048 } };

describe("renamed inputs and outputs", function () {
    this.timeout(120_000);
    const warnings: string[] = [];
    let warn: typeof pulumi.log.warn;
    beforeEach(() => {
        mockClusters({ clusters: { "ctx-east": { eastWestAddress: "172.18.0.10" }, "ctx-west": { eastWestAddress: "172.18.0.20" } } });
        warnings.length = 0;
        warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => void warnings.push(message);
    });
    afterEach(() => {
        (pulumi.log as any).warn = warn;
    });

    it("moves each old input name to its current one, warning and leaving the caller's object as given (pure)", () => {
        const given = { name: "east", eastWestAddress: "192.0.2.7", eastWestGateway: { replicas: 3 } };
        const { value, warnings: w, problems } = withCurrentNames("MeshCluster", given, "clusters[0]");
        expect(value).to.deep.equal({ cluster: "east", eastWestGateway: { replicas: 3, address: "192.0.2.7" } });
        expect(given).to.deep.equal({ name: "east", eastWestAddress: "192.0.2.7", eastWestGateway: { replicas: 3 } });
        expect(problems).to.deep.equal([]);
        expect(w).to.deep.equal([
            "clusters[0].name is deprecated: renamed to cluster (name is read until 0.3)",
            "clusters[0].eastWestAddress is deprecated: renamed to eastWestGateway.address (eastWestAddress is read until 0.3)",
        ]);
    });

    it("deploys a mesh given the old names exactly as one given the current names, warning once per old name", async () => {
        const run = async (clusters: any[]) => {
            registered.length = 0;
            const mesh = new MultiClusterMesh("mesh", { ...shared, clusters });
            const [states, links] = await Promise.all([valueOf(mesh.clusters), valueOf(mesh.links)]);
            return { states, links, names: registered.map((r) => `${r.type} ${r.name}`).sort() };
        };
        const old = await run([{ name: "east", context: "ctx-east", eastWestAddress: "192.0.2.7" }, { name: "west", context: "ctx-west" }]);
        expect(warnings.filter((w) => w.includes("deprecated"))).to.deep.equal([
            'MultiClusterMesh "mesh": clusters[0].name is deprecated: renamed to cluster (name is read until 0.3)',
            'MultiClusterMesh "mesh": clusters[0].eastWestAddress is deprecated: renamed to eastWestGateway.address (eastWestAddress is read until 0.3)',
            'MultiClusterMesh "mesh": clusters[1].name is deprecated: renamed to cluster (name is read until 0.3)',
        ]);
        warnings.length = 0;
        const current = await run([{ cluster: "east", context: "ctx-east", eastWestGateway: { address: "192.0.2.7" } }, { cluster: "west", context: "ctx-west" }]);
        expect(warnings.filter((w) => w.includes("deprecated"))).to.deep.equal([]);
        expect(old.names).to.deep.equal(current.names);
        expect(old.states.map((s) => [s.cluster, s.name, s.eastWestAddress])).to.deep.equal([["east", "east", "192.0.2.7"], ["west", "west", "172.18.0.20"]]);
        expect(current.states.map((s) => [s.cluster, s.eastWestAddress])).to.deep.equal([["east", "192.0.2.7"], ["west", "172.18.0.20"]]);
        // Renamed outputs: published under both names until 0.3.
        for (const l of current.links) expect(l.address).to.equal(l.eastWestAddress);
        expect(current.links.map((l) => l.eastWestAddress).sort()).to.deep.equal(["172.18.0.20", "192.0.2.7"]);
    });

    it("refuses an old name given together with its current one, naming both, creating nothing", () =>
        expectRejected(
            () => new MultiClusterMesh("mesh", { ...shared, clusters: [{ name: "east", cluster: "east", context: "a" }, { cluster: "west", eastWestAddress: "192.0.2.7", eastWestGateway: { address: "192.0.2.8" }, context: "b" }] } as any),
            "clusters[1]: eastWestAddress and eastWestGateway.address are both set; allowed: eastWestGateway.address (eastWestAddress is its deprecated name)",
            'MultiClusterMesh "mesh"',
        ));

    it("publishes ClusterLink's and RootOfTrust's renamed outputs under both names", async () => {
        const link = new ClusterLink("l", { from: "east", to: { cluster: "west", eastWestAddress: "10.0.0.9" }, context: "ctx-east" });
        expect(await valueOf(link.eastWestAddress)).to.equal("10.0.0.9");
        expect(await valueOf(link.address)).to.equal("10.0.0.9");
        const trust = new RootOfTrust("t", { clusters: ["east"], rsaBits: 2048, rotation: { stage: "TrustBoth" } });
        expect([await valueOf(trust.rotationStage), await valueOf(trust.stage)]).to.deep.equal(["TrustBoth", "TrustBoth"]);
    });

    it("marks every old name deprecated in the schema, with the current one next to it, and types phase as an enum", async () => {
        const schema = await packageSchema();
        for (const r of RENAMES) {
            const token = `servicemesh:index:${r.owner}`;
            const owner = schema.resources[token] ?? schema.types[token];
            const props = r.kind === "input" && schema.resources[token] ? owner.inputProperties : owner.properties;
            expect(props[r.old].deprecationMessage, `${r.owner}.${r.old}`).to.contain(`\`${r.current}\``);
            expect(props[r.current.split(".")[0]], `${r.owner}.${r.current}`).to.be.ok;
        }
        const phase = { $ref: "#/types/servicemesh:index:Phase" };
        expect(schema.resources["servicemesh:index:ServiceMeshController"].properties.phase).to.deep.include(phase);
        expect(schema.resources["servicemesh:index:MultiClusterMesh"].properties.phase).to.deep.include(phase);
        expect(schema.types["servicemesh:index:MeshClusterStatus"].properties.phase).to.deep.include(phase);
        expect(schema.types["servicemesh:index:Phase"].enum.map((e: any) => e.value)).to.deep.equal(["SUCCEEDED", "FAILED", "PENDING"]);
    });
});
