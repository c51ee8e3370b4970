// The schema the plugin serves (inferred from provider/ the way the Node.js plugin host infers it) matches the
// committed golden file, and documents every input, output, type property and enum value.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { packageSchema } from "../../scripts/schema";
import { DataplaneMode, ServiceMeshControllerArgs } from "../../provider/controller/args";
import { MultiClusterMeshArgs } from "../../provider/multicluster/args";
import { KeyAlgorithm, RotationStage } from "../../provider/trust/args";

const GOLDEN = path.join(__dirname, "..", "golden", "schema.json");

describe("package schema", function () {
    this.timeout(120_000);
    let schema: any;
    before(async () => {
        schema = await packageSchema();
    });

    it("matches tests/golden/schema.json (run `npm run schema` after changing the public types)", () => {
        expect(schema).to.deep.equal(JSON.parse(fs.readFileSync(GOLDEN, "utf8")));
    });

    it("serves ServiceMeshController, RootOfTrust, MultiClusterMesh and ClusterLink as servicemesh:index:<Class> components", () => {
        expect(schema.name).to.equal("servicemesh");
        expect(Object.keys(schema.resources)).to.have.members([
            "servicemesh:index:ServiceMeshController",
            "servicemesh:index:RootOfTrust",
            "servicemesh:index:MultiClusterMesh",
            "servicemesh:index:ClusterLink",
        ]);
        for (const res of Object.values<any>(schema.resources)) {
            expect(res.isComponent).to.equal(true);
        }
    });

    it("takes per-cluster kubeconfig/context or provider in MultiClusterMesh, the kubeconfig as an input (secret-capable)", () => {
        const cluster = schema.types["servicemesh:index:MeshCluster"].properties;
        expect(cluster).to.have.keys("cluster", "name", "network", "trustDomain", "kubeconfig", "context", "provider", "eastWestAddress", "eastWestGateway", "values", "upgradeStrategy", "revisionTags", "forceRemoveRevisions");
        expect(cluster.kubeconfig.plain).to.equal(undefined);
        expect(schema.resources["servicemesh:index:MultiClusterMesh"].requiredInputs).to.deep.equal(["clusters", "version"]);
    });

    it("types the per-cluster provider inputs by reference to the kubernetes package's provider, and depends on that package", () => {
        const k8sVersion = require("@pulumi/kubernetes/package.json").version;
        const ref = `/kubernetes/v${k8sVersion}/schema.json#/resources/pulumi:providers:kubernetes`;
        expect(schema.types["servicemesh:index:MeshCluster"].properties.provider.$ref).to.equal(ref);
        expect(schema.resources["servicemesh:index:ClusterLink"].inputProperties.provider.$ref).to.equal(ref);
        expect(schema.resources["servicemesh:index:ServiceMeshController"].inputProperties.provider.$ref).to.equal(ref);
        expect(schema.dependencies).to.deep.include({ name: "kubernetes", version: k8sVersion });
    });

    it("takes ClusterLink's receiving end as the values a controller reports, and kubeconfig/context for the sending cluster", () => {
        const link = schema.resources["servicemesh:index:ClusterLink"];
        expect(Object.keys(link.inputProperties)).to.have.members(["from", "to", "eastWestNamespace", "timeoutSeconds", "kubeconfig", "context", "provider"]);
        expect(link.requiredInputs).to.deep.equal(["from", "to"]);
        expect(Object.keys(link.properties)).to.have.members(["from", "to", "gateway", "eastWestAddress", "address", "accepted", "programmed", "peerReadyReplicas", "ready", "message"]);
        const peer = schema.types["servicemesh:index:LinkPeer"];
        expect(peer.properties).to.include.keys("cluster", "network", "trustDomain", "eastWestAddress", "eastWest");
        expect(peer.properties.eastWestAddress.plain).to.equal(undefined);
        // A controller's peer output (one typed object) is a LinkPeer as is, and `to` takes it as an output, in every SDK.
        const published = schema.types["servicemesh:index:MeshPeer"];
        expect(Object.keys(peer.properties)).to.include.members(Object.keys(published.properties));
        for (const [field, type] of Object.entries<any>(published.properties)) {
            const shape = (t: any) => ({ field, type: t.type, $ref: t.$ref, items: t.items?.type });
            expect(shape(peer.properties[field])).to.deep.equal(shape(type));
        }
        expect(link.inputProperties.to.plain).to.equal(undefined);
        expect(schema.resources["servicemesh:index:ServiceMeshController"].properties.peer.$ref).to.equal("#/types/servicemesh:index:MeshPeer");
        // No resource named like an existing type: the SDKs would generate two MeshLinkArgs.
        const typeNames = Object.keys(schema.types).map((t) => t.split(":").pop());
        for (const token of Object.keys(schema.resources)) {
            expect(typeNames).to.not.include(token.split(":").pop());
        }
    });

    it("lists every ServiceMeshController input with a description", () => {
        const res = schema.resources["servicemesh:index:ServiceMeshController"];
        expect(Object.keys(res.inputProperties)).to.have.members([
            "version", "cluster", "network", "dataplaneMode", "distribution", "image", "installNamespace", "onConflict",
            "repository", "scalingProfile", "trafficCaptureMode", "trustDomain", "gatewayApi", "createNamespace",
            "timeoutSeconds", "kubeconfig", "context", "provider", "cacerts", "eastWestGateway", "license", "platform", "allowVersionSkew",
            "removeCrdsOnDelete", "values", "allowProtectedValueOverrides", "upgradeStrategy", "revisionTags",
            "inactiveRevisionDeletionGracePeriodSeconds", "forceRemoveRevisions",
        ]);
        expect(res.requiredInputs).to.deep.equal(["version"]);
        expect(schema.types["servicemesh:index:Image"].properties).to.have.keys("repository", "secrets");
        expect(schema.types["servicemesh:index:Repository"].properties).to.have.keys("url", "secrets", "insecureSkipVerify");
    });

    it("types each chart's values as a free-form map that takes outputs and secrets, on both components", () => {
        const chartValues = schema.types["servicemesh:index:ChartValues"].properties;
        expect(chartValues).to.have.keys("base", "istiod", "cni", "ztunnel");
        for (const [chart, prop] of Object.entries<any>(chartValues)) {
            expect(prop, chart).to.deep.include({ type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } });
            expect(prop.plain, chart).to.equal(undefined);
        }
        const ref = { $ref: "#/types/servicemesh:index:ChartValues" };
        expect(schema.resources["servicemesh:index:ServiceMeshController"].inputProperties.values).to.deep.include(ref);
        expect(schema.resources["servicemesh:index:MultiClusterMesh"].inputProperties.values).to.deep.include(ref);
        expect(schema.types["servicemesh:index:MeshCluster"].properties.values).to.deep.include(ref);
    });

    it("spells enum values as the operator does", () => {
        const values = (t: string) => schema.types[`servicemesh:index:${t}`].enum.map((e: any) => e.value);
        expect(values("DataplaneMode")).to.deep.equal(["Ambient", "Sidecar"]);
        expect(values("Distribution")).to.deep.equal(["Standard", "FIPS"]);
        expect(values("OnConflict")).to.deep.equal(["Force", "Abort"]);
        expect(values("ScalingProfile")).to.deep.equal(["Default", "Large"]);
        expect(values("TrafficCaptureMode")).to.deep.equal(["Auto", "InitContainer"]);
    });

    // Type-checked by `npm run build` (tsconfig.tests.json): an enum input takes its string literal as the other
    // languages' SDKs do, and the enum's members are those literals.
    it("takes an enum input as its string literal in TypeScript, and keeps it a schema enum", () => {
        const controller: ServiceMeshControllerArgs = { version: "1.31.1", dataplaneMode: "Ambient", upgradeStrategy: "RevisionBased", platform: "GKE" };
        const mesh: MultiClusterMeshArgs = { version: "1.31.1", clusters: [], rootOfTrust: { keyAlgorithm: "ECDSA", rotation: { stage: "TrustBoth" } } };
        expect(controller.dataplaneMode).to.equal(DataplaneMode.Ambient);
        expect(mesh.rootOfTrust!.keyAlgorithm).to.equal(KeyAlgorithm.ECDSA);
        expect(schema.types["servicemesh:index:KeyAlgorithm"]).to.include({ type: "string" });
        expect(schema.types["servicemesh:index:RotationStage"].enum.map((e: any) => e.value)).to.deep.equal(Object.values(RotationStage));
    });

    it("describes every resource, input, output, type, type property and enum value", () => {
        const missing: string[] = [];
        const check = (where: string, props: Record<string, any> = {}) => {
            for (const [k, v] of Object.entries(props)) {
                if (!v.description) missing.push(`${where}.${k}`);
            }
        };
        for (const [token, res] of Object.entries<any>(schema.resources)) {
            if (!res.description) missing.push(token);
            check(`${token} input`, res.inputProperties);
            check(`${token} output`, res.properties);
        }
        for (const [token, type] of Object.entries<any>(schema.types)) {
            if (!type.description) missing.push(token);
            check(token, type.properties);
            for (const e of type.enum ?? []) {
                if (!e.description) missing.push(`${token}.${e.value}`);
            }
        }
        expect(missing).to.deep.equal([]);
    });

    it("names the SDKs one way in every language, outside Pulumi's own namespaces", () => {
        expect(schema.language.nodejs.packageName).to.equal("pulumi-servicemesh-sdk");
        expect(schema.language.python.packageName).to.equal("pulumi_servicemesh_sdk");
        expect(schema.language.go.importBasePath).to.equal("example.com/pulumi-servicemesh-sdk/servicemesh");
        expect(schema.language.nodejs.packageName).to.not.match(/^@pulumi\//);
    });

    // pkg/v3's Go generator only emits MeshClusterArgs with this option (see provider/package/schema.ts).
    it("asks the Go generator for every input type, so the Go SDK compiles", () => {
        expect(schema.language.go).to.include({ generateExtraInputTypes: true, respectSchemaVersion: true });
    });
});
