// The versions table, row by row: where each minor's images and charts come from, its tags, Kubernetes range,
// Gateway API bundle, license wiring and Solo peering settings, as the resolved spec and the rendered values show them.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { parseBundle } from "../../provider/gatewayapi/bundle";
import { emptySnapshot, mockClusters, registered, resetMocks, settle } from "./mocks";
import { ServiceMeshController } from "../../provider";
import { kubernetesSupport } from "../../provider/preflight/support";
import { ignoredOverrides } from "../../provider/render/overrides";
import { planReleases } from "../../provider/render/releases";
import { withTrustValues } from "../../provider/render/trust";
import { istiodValues } from "../../provider/render/values";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { MINORS, parseVersion, removedIstiodEnv } from "../../provider/spec/versions";

const GLOO = "us-docker.pkg.dev/gloo-mesh";
const PUBLIC_IMAGES = "us-docker.pkg.dev/soloio-img/istio";
const PUBLIC_CHARTS = "oci://us-docker.pkg.dev/soloio-img/istio-helm";

// minor: [repository key or "public", Kubernetes range, Gateway API bundle, license wiring, peering env]
const EXPECTED: [number, string, [number, number] | undefined, string, "env" | "secretRef", boolean][] = [
    [22, "a9ee4fe9f69a", [27, 30], "v1.1.0", "env", false],
    [23, "207627c16668", [27, 30], "v1.1.0", "env", false],
    [24, "4d37697f9711", [28, 31], "v1.2.1", "env", false],
    [25, "e038d180f90a", [29, 32], "v1.2.1", "secretRef", false],
    [26, "d4cba2aff3ef", [29, 33], "v1.3.0", "secretRef", false],
    [27, "d11c80c0c3fc", [29, 33], "v1.3.0", "secretRef", false],
    [28, "594e990587b9", [30, 34], "v1.4.0", "secretRef", false],
    [29, "public", [31, 35], "v1.4.1", "secretRef", true],
    [30, "public", [32, 36], "v1.5.1", "secretRef", true],
    [31, "public", [33, 37], "v1.6.0", "secretRef", true],
    // Newer than the table: public registry, newest known bundle and settings, no Kubernetes range.
    [32, "public", undefined, "v1.6.0", "secretRef", true],
];

describe("versions table", () => {
    it("has a row for every minor from 1.22 to 1.31 and nothing else", () => {
        expect(Object.keys(MINORS).map(Number)).to.deep.equal([22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    });

    for (const [minor, key, range, bundle, license, peering] of EXPECTED) {
        const version = `1.${minor}.4`;
        describe(`Istio ${version}`, () => {
            // Multicluster needs 1.24.3 or later; older minors are checked as single clusters with a license.
            const multicluster = minor >= 24 ? { cluster: "east", network: "net-east", eastWestGateway: {} } : {};
            const spec = resolveControllerSpec({ version, license: "k", ...multicluster });
            const fips = resolveControllerSpec({ version, distribution: "FIPS" });

            it("images and charts from the minor's registry, tags <version>-solo[-fips]", () => {
                const images = key === "public" ? PUBLIC_IMAGES : `${GLOO}/istio-${key}`;
                const charts = key === "public" ? PUBLIC_CHARTS : `oci://${GLOO}/istio-helm-${key}`;
                expect([spec.image.repository, spec.repository.url, spec.repository.kind]).to.deep.equal([images, charts, "oci"]);
                expect([spec.image.tag, fips.image.tag]).to.deep.equal([`${version}-solo`, `${version}-solo-fips`]);
                expect(fips.image.repository).to.equal(images);
                expect(spec.minorKnown).to.equal(minor <= 31);
            });

            it("checks the Kubernetes support range", () => {
                const v = parseVersion(version)!;
                if (!range) {
                    expect(kubernetesSupport(v, "v1.36.0")?.level).to.equal("info");
                    return;
                }
                expect(kubernetesSupport(v, `v1.${range[0]}.0`)).to.equal(undefined);
                expect(kubernetesSupport(v, `v1.${range[1]}.2`)).to.equal(undefined);
                expect(kubernetesSupport(v, `v1.${range[0] - 1}.9`)?.level).to.equal("error");
                expect(kubernetesSupport(v, `v1.${range[1] + 1}.0`)?.level).to.equal("warning");
            });

            it("defaults to the Gateway API bundle it is built against", () => {
                expect(spec.gatewayApi.defaultBundle).to.equal(bundle);
                expect(spec.gatewayApi.manifest).to.equal(`https://github.com/kubernetes-sigs/gateway-api/releases/download/${bundle}/standard-install.yaml`);
            });

            it("has a stand-in of that bundle for its real-engine tests (tests/e2e/fixtures/gen-gateway-api.py)", () => {
                const file = path.join(__dirname, "..", "e2e", "fixtures", `gateway-api-${bundle}.yaml`);
                const standIn = parseBundle(fs.readFileSync(file, "utf8"), file);
                expect([standIn.version, standIn.channel]).to.deep.equal([bundle, "standard"]);
                const crds = standIn.objects.filter((o) => o.kind === "CustomResourceDefinition");
                expect(crds.every((c) => c.metadata.annotations?.["gateway.networking.k8s.io/bundle-version"] === bundle)).to.equal(true);
                // From v1.5 the bundle guards its CRDs with the safe-upgrades policy and binding.
                const guarded = Number(bundle.split(".")[1]) >= 5;
                expect(standIn.objects.filter((o) => o.kind.startsWith("ValidatingAdmissionPolicy")).length).to.equal(guarded ? 2 : 0);
            });

            it("wires the license and Solo's peering settings as that minor reads them", () => {
                expect(spec.license).to.equal(license);
                const values = istiodValues(spec) as any;
                expect(values.license !== undefined).to.equal(license === "secretRef");
                if (minor < 24) {
                    return;
                }
                const env = values.pilot.env;
                expect(env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN).to.equal("true");
                expect(values.platforms).to.deep.equal({ peering: { enabled: true } });
                if (peering) {
                    expect([env.PILOT_ENABLE_IP_AUTOALLOCATE, env.PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES]).to.deep.equal(["true", "false"]);
                } else {
                    expect(env).to.not.have.any.keys("PILOT_ENABLE_IP_AUTOALLOCATE", "PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES");
                }
                // A single cluster gets none of the peering settings.
                expect((istiodValues(resolveControllerSpec({ version })) as any).pilot.env).to.equal(undefined);
            });
        });
    }
});

describe("what each minor removed from istiod (1.29–1.31 install changes)", () => {
    /** Every environment variable the component's values set for istiod and the proxies, as release/path/NAME. */
    function variablesSet(version: string, args: object): string[] {
        const spec = resolveControllerSpec({ version, ...args });
        // Two roots trusted: what a root rotation adds on top (ISTIO_MULTIROOT_MESH, PROXY_CONFIG_XDS_AGENT).
        const rotation = { roots: ["a", "b"], issuer: "a", subjects: {} };
        return planReleases(spec).flatMap((p) => {
            const v = withTrustValues(p.name, p.values, rotation) as any;
            const maps: [string, Record<string, unknown> | undefined][] = [
                ["pilot.env", v.pilot?.env],
                ["env", v.env],
                ["meshConfig.defaultConfig.proxyMetadata", v.meshConfig?.defaultConfig?.proxyMetadata],
            ];
            return maps.flatMap(([at, env]) => Object.keys(env ?? {}).map((name) => `${p.name}/${at}/${name}`));
        });
    }

    it("1.31 removed PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY; 1.29 and 1.30 removed nothing the table knows", () => {
        expect([...removedIstiodEnv(parseVersion("1.30.2")!)]).to.deep.equal([]);
        expect([...removedIstiodEnv(parseVersion("1.31.1")!)]).to.deep.equal([["PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY", 31]]);
        expect([...removedIstiodEnv(parseVersion("1.32.0")!)]).to.deep.equal([["PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY", 31]]);
    });

    for (const minor of Object.keys(MINORS).map(Number)) {
        const version = `1.${minor}.3`;
        it(`Istio ${version}: nothing the component sets is a variable the minor removed`, () => {
            const removed = removedIstiodEnv(parseVersion(version)!);
            const multicluster = minor >= 24 ? { cluster: "east", network: "east", eastWestGateway: {}, license: "k" } : { license: "k" };
            const set = [...variablesSet(version, multicluster), ...variablesSet(version, { dataplaneMode: "Sidecar" })];
            expect(set.length).to.be.greaterThan(minor >= 24 ? 3 : 1);
            expect(set.filter((s) => removed.has(s.split("/").pop()!))).to.deep.equal([]);
        });
    }

    it("an override of a removed variable is reported for the minor that removed it and later, not before", () => {
        const values = { istiod: { pilot: { env: { PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: "true", OTHER: "x" } }, env: { PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: "false" } } };
        expect(ignoredOverrides(values, parseVersion("1.30.2")!)).to.deep.equal([]);
        expect(ignoredOverrides(values, parseVersion("1.31.1")!, "clusters[1] (west).values")).to.deep.equal([
            "clusters[1] (west).values.istiod.pilot.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: Istio 1.31 removed this variable, so istiod 1.31.1 ignores it; remove it from the values",
            "clusters[1] (west).values.istiod.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: Istio 1.31 removed this variable, so istiod 1.31.1 ignores it; remove it from the values",
        ]);
    });

    it("the component logs that warning at preview and still installs", async () => {
        mockClusters({ preflight: emptySnapshot("v1.33.2") });
        const warnings: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => void warnings.push(message);
        try {
            const mesh = new ServiceMeshController("mesh", { version: "1.31.1", gatewayApi: { install: false }, values: { istiod: { pilot: { env: { PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: "true" } } } } });
            expect(await (mesh.phase as any).promise()).to.equal("SUCCEEDED");
        } finally {
            (pulumi.log as any).warn = original;
        }
        expect(warnings).to.deep.equal([
            'ServiceMeshController "mesh": values.istiod.pilot.env.PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: Istio 1.31 removed this variable, so istiod 1.31.1 ignores it; remove it from the values',
        ]);
    });
});

describe("versions across the registry change (mocks)", () => {
    beforeEach(resetMocks);
    const releases = () => registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const deployed = (version: string) => ({
        ...emptySnapshot("v1.33.2"),
        helmReleases: [{ name: "istiod", namespace: "istio-system", chart: "istiod", version: `${version}-solo`, status: "deployed", revision: 3 }],
        installNamespace: { annotations: { "servicemesh.pulumi.com/owner": `${pulumi.getProject()}/${pulumi.getStack()}/mesh` } },
    });
    const outcome = (mesh: ServiceMeshController) => (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);

    it("1.28 → 1.29 is one step: every release moves to the public chart registry and image hub", async () => {
        mockClusters({ preflight: deployed("1.28.2") });
        expect(await outcome(new ServiceMeshController("mesh", { version: "1.29.3", gatewayApi: { install: false } }))).to.equal("");
        await settle();
        for (const r of releases()) {
            expect(r.inputs.chart).to.equal(`oci://us-docker.pkg.dev/soloio-img/istio-helm/${r.inputs.name === "istio-base" ? "base" : r.inputs.name === "istio-cni" ? "cni" : r.inputs.name}`);
            expect(r.inputs.version).to.equal("1.29.3-solo");
        }
        const istiod = releases().find((r) => r.inputs.name === "istiod")!;
        expect([istiod.inputs.values.global.hub, istiod.inputs.values.global.tag]).to.deep.equal(["us-docker.pkg.dev/soloio-img/istio", "1.29.3-solo"]);
    });

    it("a skip across it (1.28 → 1.30) is refused, naming both versions", async () => {
        mockClusters({ preflight: deployed("1.28.2") });
        const message = await outcome(new ServiceMeshController("mesh", { version: "1.30.1", gatewayApi: { install: false } }));
        expect(message).to.contain("an upgrade from 1.28.2 (deployed, read from Helm release istio-system/istiod, chart istiod 1.28.2-solo) to 1.30.1 that skips 1.29 is refused (got \"1.30.1\"); allowed: 1.28.x or 1.29.x");
        await settle();
        expect(releases()).to.deep.equal([]);
    });

    it("a minor newer than the table installs from the public registry, with a warning on the component", async () => {
        const warnings: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => void warnings.push(message);
        try {
            new ServiceMeshController("mesh", { version: "1.32.0", gatewayApi: { install: false } });
            new ServiceMeshController("known", { version: "1.31.1", gatewayApi: { install: false } });
        } finally {
            (pulumi.log as any).warn = original;
        }
        await settle();
        expect(warnings.filter((w) => w.includes("newer than the minors"))).to.deep.equal([
            'ServiceMeshController "mesh": Istio 1.32.0 is newer than the minors this component was tested with (up to 1.31); it is installed like 1.31 from oci://us-docker.pkg.dev/soloio-img/istio-helm, without a Kubernetes support check',
        ]);
        expect(releases().filter((r) => r.inputs.version === "1.32.0-solo")).to.have.length(4);
    });
});
