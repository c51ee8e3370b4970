// Helm values and the release plan for each combination of inputs.
import { expect } from "chai";
import { planReleases, chartReference, namespaceLabels } from "../../provider/render/releases";
import { SCALING_PROFILES, istiodValues, cniValues, ztunnelValues, baseValues } from "../../provider/render/values";
import { resolveControllerSpec } from "../../provider/spec/validate";

const spec = (extra: object = {}) => resolveControllerSpec({ version: "1.24.3", ...extra });
const HUB = "us-docker.pkg.dev/gloo-mesh/istio-4d37697f9711";

describe("release plan", () => {
    const modes: [string, object, string[]][] = [
        ["Ambient", {}, ["istio-base", "istiod", "istio-cni", "ztunnel"]],
        ["Sidecar + Auto", { dataplaneMode: "Sidecar" }, ["istio-base", "istiod", "istio-cni"]],
        ["Sidecar + InitContainer", { dataplaneMode: "Sidecar", trafficCaptureMode: "InitContainer" }, ["istio-base", "istiod"]],
    ];
    for (const [mode, input, releases] of modes) {
        it(`${mode} installs ${releases.join(", ")}`, () => {
            expect(planReleases(spec(input)).map((p) => p.name)).to.deep.equal(releases);
        });
    }

    it("orders releases: base first, istiod and cni after base, ztunnel after istiod and cni", () => {
        const plan = Object.fromEntries(planReleases(spec()).map((p) => [p.name, p]));
        expect(plan["istio-base"].after).to.deep.equal([]);
        expect(plan["istiod"].after).to.deep.equal(["istio-base"]);
        expect(plan["istiod"].afterGatewayApi).to.equal(true);
        expect(plan["istio-cni"].after).to.deep.equal(["istio-base"]);
        expect(plan["ztunnel"].after).to.deep.equal(["istiod", "istio-cni"]);
    });

    it("pins every chart to <version>-solo with the matching chart name", () => {
        for (const p of planReleases(spec({ distribution: "FIPS" }))) {
            expect(p.chartVersion).to.equal("1.24.3-solo");
        }
        expect(planReleases(spec()).map((p) => p.chart)).to.deep.equal(["base", "istiod", "cni", "ztunnel"]);
    });

    it("references OCI charts by URL and HTTP charts by repository", () => {
        expect(chartReference(spec(), "istiod")).to.deep.equal({ chart: "oci://us-docker.pkg.dev/gloo-mesh/istio-helm-4d37697f9711/istiod" });
        expect(chartReference(spec({ repository: { url: "https://charts.example/istio" } }), "cni")).to.deep.equal({
            chart: "cni",
            repo: "https://charts.example/istio",
        });
    });

    it("labels the namespace with the network only when one is set", () => {
        expect(namespaceLabels(spec())).to.deep.equal({});
        expect(namespaceLabels(spec({ network: "net1" }))).to.deep.equal({ "topology.istio.io/network": "net1" });
    });
});

describe("helm values", () => {
    it("istiod: ambient profile, Solo hub/tag, trust domain, Default scaling, CNI on", () => {
        expect(istiodValues(spec())).to.deep.equal({
            profile: "ambient",
            global: { hub: HUB, tag: "1.24.3-solo", imagePullSecrets: [], istioNamespace: "istio-system" },
            meshConfig: { trustDomain: "cluster.local" },
            pilot: {
                resources: { requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "2Gi" } },
                autoscaleEnabled: true,
                autoscaleMin: 2,
                autoscaleMax: 25,
                cpu: { targetAverageUtilization: 80 },
                cni: { enabled: true },
            },
        });
    });

    it("istiod: Large scaling profile exactly as the seed defines it", () => {
        const pilot = istiodValues(spec({ scalingProfile: "Large" })).pilot as any;
        expect(pilot.resources).to.deep.equal({ requests: { cpu: "4000m", memory: "4Gi" }, limits: { cpu: "4000m", memory: "4Gi" } });
        expect([pilot.autoscaleEnabled, pilot.autoscaleMin, pilot.autoscaleMax, pilot.cpu.targetAverageUtilization]).to.deep.equal([true, 4, 50, 75]);
    });

    it("istiod: cluster, network and trust domain", () => {
        const v = istiodValues(spec({ cluster: "east", network: "net-east" })) as any;
        expect(v.global.multiCluster).to.deep.equal({ clusterName: "east" });
        expect(v.global.network).to.equal("net-east");
        expect(v.meshConfig.trustDomain).to.equal("east");
    });

    it("istiod: Sidecar has no profile; InitContainer turns pilot.cni off", () => {
        expect(istiodValues(spec({ dataplaneMode: "Sidecar" }))).to.not.have.property("profile");
        expect((istiodValues(spec({ dataplaneMode: "Sidecar" })).pilot as any).cni).to.deep.equal({ enabled: true });
        const init = istiodValues(spec({ dataplaneMode: "Sidecar", trafficCaptureMode: "InitContainer" }));
        expect((init.pilot as any).cni).to.deep.equal({ enabled: false });
    });

    for (const [version, expected] of [["1.22.3", true], ["1.22.4", false], ["1.23.0", false]] as const) {
        it(`ISTIO_DELTA_XDS=false in proxy metadata: ${expected ? "set" : "not set"} for ${version}`, () => {
            const mesh = istiodValues(spec({ version })).meshConfig as any;
            if (expected) {
                expect(mesh.defaultConfig).to.deep.equal({ proxyMetadata: { ISTIO_DELTA_XDS: "false" } });
            } else {
                expect(mesh).to.not.have.property("defaultConfig");
            }
        });
    }
    it("ISTIO_DELTA_XDS=false also for Sidecar 1.22.0", () => {
        expect((istiodValues(spec({ version: "1.22.0", dataplaneMode: "Sidecar" })).meshConfig as any).defaultConfig.proxyMetadata).to.deep.equal({ ISTIO_DELTA_XDS: "false" });
    });

    it("FIPS images use the -solo-fips tag on every chart", () => {
        const s = spec({ distribution: "FIPS" });
        expect((istiodValues(s).global as any).tag).to.equal("1.24.3-solo-fips");
        expect((cniValues(s).global as any).tag).to.equal("1.24.3-solo-fips");
        expect(ztunnelValues(s).tag).to.equal("1.24.3-solo-fips");
    });

    it("image pull secrets and a private repository reach every chart", () => {
        const s = spec({ image: { repository: "mirror.example/istio", secrets: ["pull-a", "pull-b"] } });
        expect((baseValues(s).global as any).imagePullSecrets).to.deep.equal(["pull-a", "pull-b"]);
        expect(istiodValues(s).global).to.include({ hub: "mirror.example/istio" });
        expect((istiodValues(s).global as any).imagePullSecrets).to.deep.equal(["pull-a", "pull-b"]);
        expect(cniValues(s).global).to.deep.equal({ hub: "mirror.example/istio", tag: "1.24.3-solo", imagePullSecrets: ["pull-a", "pull-b"] });
        expect(ztunnelValues(s)).to.include({ hub: "mirror.example/istio" });
        expect(ztunnelValues(s).imagePullSecrets).to.deep.equal(["pull-a", "pull-b"]);
    });

    it("cni: ambient profile in Ambient, none in Sidecar", () => {
        expect(cniValues(spec())).to.have.property("profile", "ambient");
        expect(cniValues(spec({ dataplaneMode: "Sidecar" }))).to.not.have.property("profile");
    });

    it("ztunnel: flat keys with cluster, network and install namespace", () => {
        expect(ztunnelValues(spec({ cluster: "east", network: "net-east", installNamespace: "mesh" }))).to.deep.equal({
            profile: "ambient",
            hub: HUB,
            tag: "1.24.3-solo",
            imagePullSecrets: [],
            istioNamespace: "mesh",
            multiCluster: { clusterName: "east" },
            network: "net-east",
        });
    });

    it("base: default revision and install namespace", () => {
        expect(baseValues(spec({ installNamespace: "mesh" }))).to.deep.equal({
            defaultRevision: "default",
            global: { istioNamespace: "mesh", imagePullSecrets: [] },
        });
    });

    it("does not share mutable state between specs", () => {
        const a = istiodValues(spec()) as any;
        a.pilot.resources.requests.cpu = "1m";
        expect(SCALING_PROFILES.Default.resources.requests.cpu).to.equal("1000m");
    });
});
