// Unit tests of the program with servicemesh/testing: the mocks answer the mesh's reads like healthy clusters, or
// (per cluster, by context) like a cluster whose istiod is not ready or whose Helm release failed.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { setServiceMeshMocks } from "servicemesh/testing";

// Install the mocks before the program's resources are created.
const mocks = setServiceMeshMocks();
import { buildMesh } from "./mesh";

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("the mesh program", function () {
    this.timeout(60_000);

    it("reaches SUCCEEDED on healthy clusters, every link accepted, every resource on its cluster's provider", async () => {
        mocks.reset({});
        const { mesh, providers } = buildMesh(["east", "west"]);
        const [phase, clusters, links] = await Promise.all([value(mesh.phase), value(mesh.clusters), value(mesh.links)]);
        expect(phase).to.equal("SUCCEEDED");
        expect(clusters.map((c) => [c.name, c.phase])).to.deep.equal([["east", "SUCCEEDED"], ["west", "SUCCEEDED"]]);
        expect(clusters[0].conditions.every((c) => c.status === "True")).to.equal(true);
        expect(links.map((l) => `${l.from}->${l.to} ${l.accepted}`)).to.deep.equal(["east->west true", "west->east true"]);
        // The Helm values the mesh gave istiod in the cluster behind the "west" provider.
        const istiod = mocks.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istiod" && r.cluster === "west")!;
        expect(istiod.inputs.values.global.multiCluster.clusterName).to.equal("west");
        expect(istiod.provider).to.contain(await value(providers.west.urn));
    });

    it("stays PENDING while istiod in one cluster is not ready, saying so in that cluster's conditions", async () => {
        mocks.reset({ clusters: { west: { istiodReady: false } } });
        const { mesh } = buildMesh(["east", "west"]);
        const [phase, clusters] = await Promise.all([value(mesh.phase), value(mesh.clusters)]);
        expect(phase).to.equal("PENDING");
        const west = clusters.find((c) => c.name === "west")!;
        expect(west.conditions.find((c) => c.type === "ControlPlaneDeployed")).to.include({ status: "False", reason: "DeploymentNotReady" });
        expect(clusters.find((c) => c.name === "east")!.phase).to.equal("SUCCEEDED");
    });

    it("reports FAILED when a Helm release failed", async () => {
        mocks.reset({ clusters: { east: { releases: { ztunnel: "failed" } } } });
        const { mesh } = buildMesh(["east", "west"]);
        const clusters = await value(mesh.clusters);
        expect(await value(mesh.phase)).to.equal("FAILED");
        expect(clusters.find((c) => c.name === "east")!.conditions.find((c) => c.type === "ZtunnelDeployed")).to.include({ status: "False", reason: "ReleaseNotDeployed" });
    });
});
