// servicemesh/testing itself: which cluster answers a resource, what unknown reads and the program's own resources get.
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mockClusters, mocks, resetMocks, settle, valueOf } from "./mocks";
import { ServiceMeshController } from "../../provider";

const base = { version: "1.24.3", gatewayApi: { install: false } };

describe("servicemesh/testing", () => {
    beforeEach(resetMocks);

    it("answers per cluster by the provider's context, else its name, else the default", async () => {
        mockClusters({ clusters: { east: { istiodReady: false }, plain: { releases: { istiod: "failed" } } } });
        const east = new ServiceMeshController("east", base, { provider: new k8s.Provider("e", { context: "east" }) });
        const plain = new ServiceMeshController("plain", base, { provider: new k8s.Provider("plain", {}) });
        const other = new ServiceMeshController("other", base);
        expect(await Promise.all([valueOf(east.phase), valueOf(plain.phase), valueOf(other.phase)])).to.deep.equal(["PENDING", "FAILED", "SUCCEEDED"]);
        await settle();
        const clusterOf = (name: string) => [...new Set(mocks.resources.filter((r) => r.custom && r.name.startsWith(`${name}-`)).map((r) => r.cluster))];
        expect([clusterOf("east"), clusterOf("plain"), clusterOf("other")]).to.deep.equal([["east"], ["plain"], ["(default)"]]);
        expect(mocks.preflights.map((p) => p.context)).to.have.members(["east", undefined, undefined]);
    });

    it("fails a read of an object the mocked cluster does not have, naming the objects option", async () => {
        const secret = k8s.core.v1.Secret.get("s", "ns/missing");
        const err = await new Promise<any>((resolve) => {
            process.once("unhandledRejection", resolve);
            valueOf(secret.metadata).then(() => resolve(undefined));
        });
        expect(String(err?.message ?? err)).to.contain('kubernetes:core/v1:Secret ns/missing not found in the mocked cluster "(default)"; add it to the objects option');
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
        expect(await valueOf(res.answered)).to.equal("by fallback");
        expect(seen).to.deep.equal(["random:index/randomPet:RandomPet"]);
    });
});
