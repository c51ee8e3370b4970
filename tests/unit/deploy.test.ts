// The root project's program (deploy/index.ts) under mocks: one cluster in the stack config makes a
// ServiceMeshController, several a MultiClusterMesh over their contexts and kubeconfig files, with the shared settings.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { mocks, resetMocks, settle, valueOf } from "./mocks";

const PROGRAM = require.resolve("../../deploy/index.ts");
const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");

function runProgram(config: Record<string, unknown>): Record<string, pulumi.Output<any>> {
    for (const [k, v] of Object.entries(config)) {
        pulumi.runtime.setConfig(`${pulumi.getProject()}:${k}`, typeof v === "string" ? v : JSON.stringify(v));
    }
    delete require.cache[PROGRAM];
    return require(PROGRAM);
}

describe("root project program (mocks)", function () {
    this.timeout(60_000);
    beforeEach(resetMocks);
    afterEach(() => {
        for (const k of ["version", "clusters", "settings", "license", "multicluster", "links"]) pulumi.runtime.setConfig(`${pulumi.getProject()}:${k}`, undefined as any);
    });

    it("one cluster: a ServiceMeshController named after it, with the shared settings, reaching SUCCEEDED", async () => {
        const out = runProgram({ version: "1.25.2", clusters: [{ name: "solo", context: "kind-solo" }], settings: { scalingProfile: "Large", gatewayApi: { manifest: CRDS } } });
        expect(await valueOf(out.phase)).to.equal("SUCCEEDED");
        await settle();
        const istiod = mocks.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istiod")!;
        expect(istiod.name).to.equal("solo-istiod");
        expect(istiod.inputs.values.pilot.autoscaleMin).to.equal(4);
        // Every resource goes through a provider for that context, not the ambient current context.
        const providers = mocks.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers.map((p) => [p.name, p.inputs.context])).to.deep.equal([["solo-k8s", "kind-solo"]]);
        expect(istiod.cluster).to.equal("kind-solo");
        expect(mocks.preflights).to.deep.equal([{ kubeconfig: undefined, context: "kind-solo", cluster: "solo" }]);
    });

    it("several clusters: a MultiClusterMesh over their contexts and kubeconfig files (read, kept secret)", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deploy-")), "west.yaml");
        fs.writeFileSync(file, "apiVersion: v1\nkind: Config\n");
        const out = runProgram({
            version: "1.25.2",
            clusters: [{ name: "east", context: "kind-east" }, { name: "west", kubeconfig: file }],
            settings: { gatewayApi: { manifest: CRDS } },
            license: "key",
            links: [{ from: "east", to: "west" }],
        });
        expect(await valueOf(out.phase)).to.equal("SUCCEEDED");
        expect((await valueOf(out.links)).map((l: any) => `${l.from}->${l.to}`)).to.deep.equal(["east->west"]);
        await settle();
        const providers = mocks.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name)).to.deep.equal(["mesh-east", "mesh-west"]);
        expect(providers[0].inputs.context).to.equal("kind-east");
        expect(providers[1].inputs.kubeconfig.value).to.equal("apiVersion: v1\nkind: Config\n");
    });

    it("passes bad settings to the components, which refuse them naming the field", () => {
        expect(() => runProgram({ version: "1.25.2", clusters: [{ name: "solo" }], settings: { scalingProfile: "Huge" } })).to.throw(
            'scalingProfile: is not allowed; allowed values: Default, Large (got "Huge")',
        );
    });
});
