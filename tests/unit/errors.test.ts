// Input problems arrive in one round, naming the field: the checks across fields run even when some fields do not
// parse; an Output in a field the component plans from is named as such; a kubeconfig path naming no file fails.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { resolveControllerSpec, SpecError } from "../../provider/spec/validate";
import { resolveMeshSpec } from "../../provider/multicluster/validate";
import { resolveTrustSpec } from "../../provider/trust/validate";
import { resolveLinkSpec } from "../../provider/link/validate";
import { MissingKubeconfig, kubeconfigText } from "../../provider/preflight/kube";
import { httpConnector, runPreflight, useConnector } from "../../provider/preflight/run";

function problemsOf(resolve: () => unknown): string[] {
    try {
        resolve();
    } catch (e) {
        expect(e).to.be.instanceOf(SpecError);
        return (e as SpecError).problems;
    }
    expect.fail("no SpecError");
}

describe("input errors in one round", () => {
    it("reports a bad enum together with a check across fields", () => {
        expect(problemsOf(() => resolveControllerSpec({ version: "1.31.1", scalingProfile: "Huge", trafficCaptureMode: "InitContainer" }))).to.deep.equal([
            'scalingProfile: is not allowed; allowed values: Default, Large (got "Huge")',
            'trafficCaptureMode: InitContainer requires dataplaneMode: Sidecar (got dataplaneMode "Ambient"); allowed with Ambient: Auto',
        ]);
    });

    it("still checks the other fields when the version does not parse, without version problems of the stand-in", () => {
        const problems = problemsOf(() => resolveControllerSpec({ version: "1.31", trafficCaptureMode: "InitContainer", eastWestGateway: {} }));
        expect(problems[0]).to.match(/^version: is not an Istio patch version.*\(got "1\.31"\)$/);
        expect(problems).to.include('trafficCaptureMode: InitContainer requires dataplaneMode: Sidecar (got dataplaneMode "Ambient"); allowed with Ambient: Auto');
        expect(problems).to.include("cluster: is required for a multicluster member (eastWestGateway set); allowed: a DNS label, e.g. the cluster name");
        expect(problems.filter((p) => p.startsWith("version:"))).to.have.length(1);
    });

    it("drops an unknown field and still runs the checks", () => {
        expect(problemsOf(() => resolveControllerSpec({ version: "1.31.1", verison: "1.31.1", trafficCaptureMode: "InitContainer" }))).to.deep.equal([
            'unknown field "verison"; check the spelling against the documented inputs',
            'trafficCaptureMode: InitContainer requires dataplaneMode: Sidecar (got dataplaneMode "Ambient"); allowed with Ambient: Auto',
        ]);
    });

    it("MultiClusterMesh: a bad cluster field and a bad link together", () => {
        const problems = problemsOf(() =>
            resolveMeshSpec({
                version: "1.31.1",
                clusters: [{ name: "east", kubeconfig: "a", network: "Net_1" }, { name: "west", kubeconfig: "b" }],
                links: [{ from: "east", to: "north" }],
            }),
        );
        expect(problems).to.include('clusters.0.network: is not a DNS label; allowed: lower-case letters, digits and \'-\', starting and ending with a letter or digit (the network name) (got "Net_1")');
        expect(problems).to.include('links[0].to: "north" is not a cluster of this mesh; allowed: east, west');
    });

    it("RootOfTrust: a bad algorithm and an empty cluster list together", () => {
        const problems = problemsOf(() => resolveTrustSpec({ clusters: [], keyAlgorithm: "DSA" }));
        expect(problems.some((p) => p.startsWith("keyAlgorithm:"))).to.equal(true);
        expect(problems).to.include("clusters: no cluster given (got []); allowed: at least one cluster name, or clusterCas");
    });

    it("ClusterLink: a bad namespace and a link to itself together", () => {
        const problems = problemsOf(() => resolveLinkSpec({ from: "east", to: { cluster: "east", eastWestAddress: "10.0.0.1" }, eastWestNamespace: "EW" }));
        expect(problems.some((p) => p.startsWith("eastWestNamespace:"))).to.equal(true);
        expect(problems).to.include('to.cluster: links cluster "east" to itself; allowed: a cluster other than from');
    });
});

describe("an Output where the component needs a plain value", () => {
    const said = (field: string) =>
        `${field}: is an Output (known only once another resource exists), but the component plans its resources from it at preview; allowed: a plain value (a literal or stack configuration), not an Output`;

    it("names a top-level field", () => {
        expect(problemsOf(() => resolveControllerSpec({ version: pulumi.output("1.31.1") }))).to.deep.equal([said("version")]);
    });

    it("names an object given as an Output once, not its shape", () => {
        const problems = problemsOf(() => resolveControllerSpec({ version: "1.31.1", cluster: "east", network: "east", eastWestGateway: pulumi.output({ replicas: 3 }) }));
        expect(problems).to.deep.equal([said("eastWestGateway")]);
    });

    it("names a nested field and a Promise too", () => {
        const problems = problemsOf(() => resolveControllerSpec({ version: "1.31.1", image: { repository: Promise.resolve("r.example/istio") } }));
        expect(problems).to.deep.equal([said("image.repository")]);
    });

    it("accepts Outputs where they are documented (kubeconfig, cacerts, values)", () => {
        expect(() => resolveControllerSpec({ version: "1.31.1", kubeconfig: pulumi.secret("apiVersion: v1"), values: { istiod: pulumi.output({}) } })).not.to.throw();
    });
});

describe("a kubeconfig path that names no file", () => {
    const missing = path.join(os.tmpdir(), "servicemesh-no-such-dir", "kubeconfig.yaml");

    it("is named by the kubeconfig reader", () => {
        expect(() => kubeconfigText(missing)).to.throw(MissingKubeconfig, `kubeconfig file "${missing}" does not exist`);
    });

    it("is not an error when no kubeconfig was given and none is found", () => {
        const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "home-"));
        try {
            delete process.env.KUBECONFIG;
            process.env.HOME = home;
            expect(kubeconfigText(undefined)).to.equal(undefined);
        } finally {
            Object.assign(process.env, saved);
            if (saved.KUBECONFIG === undefined) delete process.env.KUBECONFIG;
        }
    });

    it("fails the pre-flight naming the path, instead of skipping it", async () => {
        const previous = useConnector(httpConnector);
        const spec = resolveControllerSpec({ version: "1.31.1" });
        const logged: string[] = [];
        let error: unknown;
        try {
            await runPreflight({
                label: 'ServiceMeshController "mesh"',
                spec,
                ownership: { installNamespace: spec.installNamespace, owner: "p/s/mesh", releases: {} },
                access: { kubeconfig: missing },
                dryRun: true,
                log: (_level: string, message: string) => logged.push(message),
            } as any);
        } catch (e) {
            error = e;
        } finally {
            useConnector(previous);
        }
        expect(error).to.be.instanceOf(SpecError);
        expect((error as SpecError).problems).to.deep.equal([
            `kubeconfig: the file "${missing}" does not exist; allowed: the path of an existing kubeconfig file, or the kubeconfig's content`,
        ]);
        expect(logged.join("\n")).not.to.include("skipped");
    });
});
