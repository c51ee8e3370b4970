// Inputs as the provider server hands them to Construct when another language's program passes per-cluster
// providers: the `clusters` list arrives wrapped in an Output (it depends on the providers), and is unwrapped.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { holdsResource, unwrapResourceInputs } from "../../provider/package/construct";
import { completeSchema } from "../../provider/package/schema";
import { resetMocks, settle } from "./mocks";

/** An input as the SDK's provider server wraps one that has dependencies (deserializeInputs). */
function wrapped<T>(value: T, deps: pulumi.Resource[], secret = false): pulumi.Output<T> {
    return new (pulumi.Output as any)(deps, Promise.resolve(value), Promise.resolve(true), Promise.resolve(secret), Promise.resolve([]));
}

describe("Construct inputs from other languages", function () {
    this.timeout(30_000);
    beforeEach(resetMocks);

    it("unwraps a list holding providers, keeping the resources it depended on as dependsOn", async () => {
        const east = new k8s.Provider("east", { context: "east" });
        const west = new k8s.Provider("west", { context: "west" });
        await settle();
        const clusters = [{ name: "east", provider: east }, { name: "west", provider: west }];
        const [inputs, opts] = await unwrapResourceInputs({ clusters: wrapped(clusters, [east, west]), version: "1.31.1" }, {});
        expect(inputs.clusters).to.deep.equal(clusters);
        expect((inputs.clusters as any)[0].provider).to.equal(east);
        expect(inputs.version).to.equal("1.31.1");
        expect(opts.dependsOn).to.have.members([east, west]);
    });

    it("leaves a secret input, an input without resources, and plain inputs as they are", async () => {
        const east = new k8s.Provider("east", { context: "east" });
        await settle();
        const secret = wrapped([{ name: "east", provider: east }], [east], true);
        const plainDep = wrapped({ url: "https://charts" }, [east]);
        const given = { clusters: secret, repository: plainDep, version: "1.31.1" };
        const [inputs, opts] = await unwrapResourceInputs(given, { protect: false });
        expect(inputs.clusters).to.equal(secret);
        expect(inputs.repository).to.equal(plainDep);
        expect(opts).to.deep.equal({ protect: false });
    });

    it("finds resources in nested lists and objects, not inside other resources or Outputs", () => {
        const east = new k8s.Provider("east", { context: "east" });
        expect(holdsResource([{ a: { b: [east] } }])).to.equal(true);
        expect(holdsResource([{ a: "x", b: 1 }])).to.equal(false);
        expect(holdsResource(pulumi.output(east))).to.equal(false);
    });

    it("names a provider reference by the provider's resource token in the schema", () => {
        const ref = (t: string) => ({ $ref: `/kubernetes/v4.34.2/schema.json#/resources/${t}` });
        // The package's own schema (the secret and rename tables need its properties) with two made-up entries.
        const own = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "golden", "schema.json"), "utf8"));
        const schema = completeSchema(
            {
                ...own,
                types: { ...own.types, "servicemesh:index:C": { type: "object", properties: { provider: ref("kubernetes"), list: { type: "array", items: ref("kubernetes") } } } },
                resources: { ...own.resources, "servicemesh:index:L": { inputProperties: { provider: ref("kubernetes"), other: ref("kubernetes:core/v1:Namespace") }, properties: {} } },
            },
            {},
        );
        expect(schema.types["servicemesh:index:C"].properties.provider).to.deep.equal(ref("pulumi:providers:kubernetes"));
        expect(schema.types["servicemesh:index:C"].properties.list.items).to.deep.equal(ref("pulumi:providers:kubernetes"));
        expect(schema.resources["servicemesh:index:L"].inputProperties.provider).to.deep.equal(ref("pulumi:providers:kubernetes"));
        expect(schema.resources["servicemesh:index:L"].inputProperties.other).to.deep.equal(ref("kubernetes:core/v1:Namespace"));
    });
});
