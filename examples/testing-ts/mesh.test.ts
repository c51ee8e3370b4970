// Unit tests of the program with servicemesh/testing: the mocks answer the mesh's reads like healthy clusters, or
// (per cluster, by its name or its provider's context) like a cluster whose istiod is not ready or whose Helm release
// failed. `settle`/`settled` await the outputs, or fail the test at once with the component's message when the
// program fails (a refused input, pre-flight or version), where an Output's apply would wait until the timeout.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { setServiceMeshMocks, settle, settled } from "servicemesh/testing";

// Install the mocks before the program's resources are created.
const mocks = setServiceMeshMocks();
import { DEFAULT_VERSION, buildMesh } from "./mesh";

// The program's default Istio version, and the oldest one a multicluster mesh supports.
for (const version of [DEFAULT_VERSION, "1.24.3"]) {
    describe(`the mesh program at Istio ${version}`, function () {
        this.timeout(20_000);
        beforeEach(() => mocks.reset());

        it("reaches SUCCEEDED on healthy clusters, every link accepted, every resource on its cluster's provider", async () => {
            const { mesh, providers } = buildMesh(["east", "west"], { version });
            const { phase, clusters, links } = await settled(mesh);
            expect(phase).to.equal("SUCCEEDED");
            expect(clusters.map((c) => [c.cluster, c.phase])).to.deep.equal([["east", "SUCCEEDED"], ["west", "SUCCEEDED"]]);
            expect(clusters[0].conditions.every((c) => c.status === "True")).to.equal(true);
            expect(links.map((l) => `${l.from}->${l.to} ${l.accepted}`)).to.deep.equal(["east->west true", "west->east true"]);
            // The Helm values the mesh gave istiod in the cluster behind the "west" provider.
            const istiod = mocks.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "istiod" && r.cluster === "west")!;
            expect(istiod.inputs.values.global.multiCluster.clusterName).to.equal("west");
            expect(istiod.inputs.version).to.equal(`${version}-solo`);
            expect(istiod.provider).to.contain(await settle(providers.west.urn));
        });

        it("stays PENDING while istiod in one cluster is not ready, saying so in that cluster's conditions", async () => {
            mocks.reset({ clusters: { west: { istiodReady: false } } });
            const { mesh } = buildMesh(["east", "west"], { version });
            const { phase, clusters } = await settled(mesh);
            expect(phase).to.equal("PENDING");
            const west = clusters.find((c) => c.cluster === "west")!;
            expect(west.conditions.find((c) => c.type === "ControlPlaneDeployed")).to.include({ status: "False", reason: "DeploymentNotReady" });
            expect(clusters.find((c) => c.cluster === "east")!.phase).to.equal("SUCCEEDED");
        });

        it("reports FAILED when a Helm release failed", async () => {
            mocks.reset({ clusters: { east: { releases: { ztunnel: "failed" } } } });
            const { mesh } = buildMesh(["east", "west"], { version });
            const clusters = await settle(mesh.clusters);
            expect(await settle(mesh.phase)).to.equal("FAILED");
            expect(clusters.find((c) => c.cluster === "east")!.conditions.find((c) => c.type === "ZtunnelDeployed")).to.include({ status: "False", reason: "ReleaseNotDeployed" });
        });

        it("fails at once with the pre-flight's refusal when a cluster's Kubernetes is too old for the version", async () => {
            mocks.reset({ clusters: { west: { kubernetesVersion: "v1.27.3" } } });
            const { mesh } = buildMesh(["east", "west"], { version });
            const minor = version.split(".").slice(0, 2).join(".");
            await settle(mesh.phase).then(
                () => expect.fail("the mesh was not refused"),
                (e: Error) => expect(e.message).to.contain(`kubernetes: the cluster runs v1.27.3, older than Istio ${minor} supports`),
            );
        });
    });
}
