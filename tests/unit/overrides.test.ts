// The `values` input's pure parts: the deep merge, the owned-values table and its refusals, the escape hatch, the
// shape checks and the layering of MultiClusterMesh's shared and per-cluster values.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import "./mocks";
import { checkOverrides, containsOutputs, layerOverrides, mergeValues, overridesShapeProblems, protectedOverrides } from "../../provider/render/overrides";
import { planReleases } from "../../provider/render/releases";
import { trustValues } from "../../provider/render/trust";
import { HelmValues, OWNED_VALUES } from "../../provider/render/values";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { SpecError } from "../../provider/spec/inputs";
import { valueOf } from "./mocks";

describe("values overrides: merge", () => {
    const cases: [string, HelmValues, HelmValues, HelmValues][] = [
        ["adds a new key", { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
        ["merges nested objects key by key", { m: { x: 1, y: { z: 1 } } }, { m: { y: { w: 2 } } }, { m: { x: 1, y: { z: 1, w: 2 } } }],
        ["replaces a scalar", { a: "1" }, { a: "2" }, { a: "2" }],
        ["replaces arrays whole", { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
        ["replaces an object with an array", { t: { a: 1 } }, { t: [{ key: "k" }] }, { t: [{ key: "k" }] }],
        ["replaces an array with an object", { t: [1] }, { t: { a: 1 } }, { t: { a: 1 } }],
        ["keeps null (Helm then removes the chart default)", { a: { b: 1 } }, { a: null }, { a: null }],
        ["ignores undefined (not given)", { a: 1 }, { a: undefined }, { a: 1 }],
        ["merges into an empty base", {}, { meshConfig: { accessLogFile: "/dev/stdout" } }, { meshConfig: { accessLogFile: "/dev/stdout" } }],
    ];
    for (const [what, base, over, expected] of cases) {
        it(what, () => {
            const before = structuredClone(base);
            expect(mergeValues(base, over)).to.deep.equal(expected);
            expect(base, "the base is not mutated").to.deep.equal(before);
        });
    }

    it("keeps the computed values the override does not touch (istiod, ambient, multicluster)", () => {
        const spec = resolveControllerSpec({ version: "1.25.2", cluster: "east", network: "east", eastWestGateway: {}, license: "x" });
        const istiod = planReleases(spec).find((p) => p.name === "istiod")!.values;
        const merged = mergeValues(istiod, { meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { env: { EXTRA: "1" }, nodeSelector: { pool: "infra" } } });
        expect(merged.meshConfig).to.deep.equal({ trustDomain: "east", accessLogFile: "/dev/stdout" });
        expect((merged.pilot as any).env).to.deep.equal({ PILOT_SKIP_VALIDATE_TRUST_DOMAIN: "true", EXTRA: "1" });
        expect((merged.pilot as any).autoscaleMin).to.equal(2);
        expect(merged.global).to.deep.equal(istiod.global);
        expect(merged.license).to.deep.equal(istiod.license);
    });
});

describe("values overrides: owned values", () => {
    const refused: [string, string, HelmValues, string][] = [
        ["istiod hub", "istiod", { global: { hub: "mirror/istio" } }, "values.istiod.global.hub: is owned by the component, set from the `image.repository` input; allowed: set `image.repository` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["istiod unprefixed tag (1.24+ form)", "istiod", { tag: "1.2.3" }, "values.istiod.tag: is owned by the component, set from the `version and distribution` input; allowed: set `version and distribution` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["istiod variant", "istiod", { global: { variant: "debug" } }, "values.istiod.global.variant: is owned by the component, set from the `distribution` input; allowed: set `distribution` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["istiod full image reference", "istiod", { pilot: { image: "evil.example/pilot:1" } }, "values.istiod.pilot.image: is owned by the component, set from the `image.repository (and version, distribution)` input; allowed: set `image.repository (and version, distribution)` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["cluster name", "istiod", { global: { multiCluster: { clusterName: "x" } } }, "values.istiod.global.multiCluster.clusterName: is owned by the component, set from the `cluster` input; allowed: set `cluster` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["trust domain", "istiod", { meshConfig: { trustDomain: "x" } }, "values.istiod.meshConfig.trustDomain: is owned by the component, set from the `trustDomain` input; allowed: set `trustDomain` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["a scaling figure deep inside", "istiod", { pilot: { resources: { limits: { memory: "8Gi" } } } }, "values.istiod.pilot.resources.limits.memory: is owned by the component, set from the `scalingProfile` input; allowed: set `scalingProfile` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["the unprefixed scaling figure", "istiod", { autoscaleMax: 3 }, "values.istiod.autoscaleMax: is owned by the component, set from the `scalingProfile` input; allowed: set `scalingProfile` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["peering", "istiod", { platforms: { peering: { enabled: false } } }, "values.istiod.platforms.peering.enabled: is owned by the component, set from the `eastWestGateway (multicluster peering)` input; allowed: set `eastWestGateway (multicluster peering)` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["license", "istiod", { license: { value: "k" } }, "values.istiod.license.value: is owned by the component, set from the `license` input; allowed: set `license` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["revision (no input)", "istiod", { revision: "canary" }, "values.istiod.revision: is owned by the component, kept because the component names istiod's revisions itself (upgradeStrategy) and reads them back; allowed: leave it unset, or set allowProtectedValueOverrides: true to override it anyway"],
        ["a whole object holding an owned value, replaced by null", "istiod", { meshConfig: null }, "values.istiod.meshConfig: replaces values the component owns: meshConfig.trustDomain (set from the `trustDomain` input), meshConfig.defaultConfig.proxyMetadata.ISTIO_DELTA_XDS (set from the `version (set for 1.22.0–1.22.3)` input), meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT (set from the `rootOfTrust.rotation (or cacerts holding two roots)` input); allowed: set the keys you mean one by one, or set allowProtectedValueOverrides: true to override it anyway"],
        ["ztunnel network", "ztunnel", { network: "n" }, "values.ztunnel.network: is owned by the component, set from the `network` input; allowed: set `network` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["ztunnel global form of the cluster name", "ztunnel", { global: { multiCluster: { clusterName: "c" } } }, "values.ztunnel.global.multiCluster.clusterName: is owned by the component, set from the `cluster` input; allowed: set `cluster` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["cni profile", "cni", { profile: "" }, "values.cni.profile: is owned by the component, set from the `dataplaneMode` input; allowed: set `dataplaneMode` instead, or set allowProtectedValueOverrides: true to override it anyway"],
        ["base namespace", "base", { global: { istioNamespace: "x" } }, "values.base.global.istioNamespace: is owned by the component, set from the `installNamespace` input; allowed: set `installNamespace` instead, or set allowProtectedValueOverrides: true to override it anyway"],
    ];
    for (const [what, chart, override, problem] of refused) {
        it(`refuses ${what}, naming the key and the input`, () => {
            expect(checkOverrides({ [chart]: override }, false)).to.deep.equal({ problems: [problem], warnings: [] });
        });
    }

    const free: [string, string, HelmValues][] = [
        ["access logs", "istiod", { meshConfig: { accessLogFile: "/dev/stdout", outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } }],
        ["istiod env, tolerations, node selector, pod annotations", "istiod", { pilot: { env: { PILOT_X: "1" }, tolerations: [{ key: "infra", operator: "Exists" }], nodeSelector: { pool: "infra" }, podAnnotations: { "prometheus.io/scrape": "true" } } }],
        ["an image name without a registry", "istiod", { pilot: { image: "pilot" } }],
        ["ztunnel resources", "ztunnel", { resources: { requests: { cpu: "500m" }, limits: { memory: "1Gi" } } }],
        ["other ztunnel env", "ztunnel", { env: { L7_ENABLED: "true" } }],
        ["cni DNS capture and excluded namespaces", "cni", { cni: { ambient: { dnsCapture: true }, excludeNamespaces: ["kube-system"] } }],
        ["another global of istiod", "istiod", { global: { logAsJson: true, proxy: { resources: {} } } }],
    ];
    for (const [what, chart, override] of free) {
        it(`lets ${what} through`, () => {
            expect(checkOverrides({ [chart]: override }, false)).to.deep.equal({ problems: [], warnings: [] });
        });
    }

    it("with the escape hatch: no problem, one warning per owned key overridden", () => {
        const result = checkOverrides({ istiod: { global: { hub: "h", tag: "t" }, meshConfig: { accessLogFile: "/dev/stdout" } }, ztunnel: { hub: "h" } }, true);
        expect(result.problems).to.deep.equal([]);
        expect(result.warnings).to.deep.equal([
            "values.istiod.global.hub overrides what the component owns: it is owned by the component, set from the `image.repository` input (allowProtectedValueOverrides is set)",
            "values.istiod.global.tag overrides what the component owns: it is owned by the component, set from the `version and distribution` input (allowProtectedValueOverrides is set)",
            "values.ztunnel.hub overrides what the component owns: it is owned by the component, set from the `image.repository` input (allowProtectedValueOverrides is set)",
        ]);
    });

    it("skips parts held in Outputs (checked once they resolve)", () => {
        expect(protectedOverrides("istiod", { global: { hub: pulumi.output("h") }, license: pulumi.secret({ value: "k" }) })).to.deep.equal([]);
    });

    // Every value the component computes must be in the table, so that no override can silently change it.
    const specs: [string, object][] = [
        ["ambient", {}],
        ["sidecar", { dataplaneMode: "Sidecar" }],
        ["1.22.3 (delta xDS off)", { version: "1.22.3" }],
        ["multicluster 1.24 (license env)", { cluster: "east", network: "east", eastWestGateway: {}, license: "k" }],
        ["multicluster 1.25 (license secretRef)", { version: "1.25.2", cluster: "east", network: "east", eastWestGateway: {}, license: "k", platform: "OpenShift" }],
        ["FIPS, private images, GKE", { version: "1.25.2", distribution: "FIPS", image: { repository: "mirror.example/istio", secrets: ["p"] }, platform: "GKE", scalingProfile: "Large" }],
    ];
    const leaves = (v: unknown, at: string[] = []): string[][] =>
        typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length
            ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]))
            : [at];
    for (const [what, input] of specs) {
        it(`owns every value it computes (${what})`, () => {
            for (const plan of planReleases(resolveControllerSpec({ version: "1.24.3", ...input }))) {
                const rows = OWNED_VALUES[plan.chart].map((r) => r.segments ?? r.path.split("."));
                // What a root rotation adds (render/trust.ts) is computed too.
                const rotating = trustValues(plan.name, { roots: ["AA", "BB"], issuer: "BB", subjects: {} });
                for (const leaf of leaves(mergeValues(plan.values, rotating))) {
                    const covered = rows.some((r) => r.length <= leaf.length && r.every((s, i) => leaf[i] === s));
                    expect(covered, `${plan.chart}: ${leaf.join(".")} is computed but not in OWNED_VALUES`).to.equal(true);
                }
            }
        });
    }
});

describe("values overrides: shape", () => {
    const all = ["base", "istiod", "cni", "ztunnel"] as const;
    it("takes an object of chart objects, Outputs included", () => {
        expect(overridesShapeProblems(undefined, all)).to.deep.equal([]);
        expect(overridesShapeProblems({ istiod: {}, ztunnel: pulumi.secret({}) }, all)).to.deep.equal([]);
        expect(overridesShapeProblems(pulumi.output({}), all)).to.deep.equal([]);
    });

    it("names an unknown chart, a non-object and a chart the update does not install", () => {
        expect(overridesShapeProblems({ gateway: {}, istiod: "x", ztunnel: {} }, ["base", "istiod", "cni"])).to.deep.equal([
            'values: unknown chart "gateway"; allowed: an object with the keys base, istiod, cni, ztunnel, each an object of that chart\'s Helm values (the east-west gateway is no Helm release: istiod deploys it)',
            'values.istiod: is not an object (got "x"); allowed: an object of the istiod chart\'s Helm values',
            "values.ztunnel: this update installs no ztunnel chart (it installs base, istiod, cni); allowed: values for an installed chart",
        ]);
        expect(overridesShapeProblems([1], all)).to.deep.equal([
            "values: is not an object (got [1]); allowed: an object with the keys base, istiod, cni, ztunnel, each an object of that chart's Helm values",
        ]);
    });

    it("is part of the controller's input validation, every problem listed in one round", () => {
        let error: unknown;
        try {
            resolveControllerSpec({ version: "1.24.3", dataplaneMode: "Sidecar", values: { ztunnel: {}, istiod: { global: { network: "n" } } }, allowProtectedValueOverrides: "yes" });
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(SpecError);
        // The unparsable flag is reported, and the values are still checked (as with its default, false).
        expect((error as SpecError).problems).to.deep.equal([
            'allowProtectedValueOverrides: is not a boolean; allowed: true or false (got "yes")',
            "values.ztunnel: this update installs no ztunnel chart (it installs base, istiod, cni); allowed: values for an installed chart",
            "values.istiod.global.network: is owned by the component, set from the `network` input; allowed: set `network` instead, or set allowProtectedValueOverrides: true to override it anyway",
        ]);
    });
});

describe("values overrides: shared and per-cluster layers (MultiClusterMesh)", () => {
    it("merges the cluster's values over the shared ones, chart by chart, lists replaced", () => {
        const shared = { istiod: { meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { tolerations: [{ key: "a" }] } }, cni: { cni: { logLevel: "info" } } };
        const cluster = { istiod: { pilot: { tolerations: [{ key: "b" }], nodeSelector: { pool: "x" } } }, ztunnel: { resources: { requests: { cpu: "1" } } } };
        expect(layerOverrides(shared, cluster)).to.deep.equal({
            istiod: { meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { tolerations: [{ key: "b" }], nodeSelector: { pool: "x" } } },
            cni: { cni: { logLevel: "info" } },
            ztunnel: { resources: { requests: { cpu: "1" } } },
        });
        expect(layerOverrides(shared, undefined)).to.equal(shared);
        expect(layerOverrides(undefined, cluster)).to.equal(cluster);
    });

    it("merges layers that hold secrets once resolved, and the result stays secret", async () => {
        const shared = { istiod: { pilot: { env: { TOKEN: pulumi.secret("s3cret") } } } };
        const cluster = { istiod: { pilot: { env: { OTHER: "1" } } } };
        const layered = layerOverrides(shared, cluster) as Record<string, pulumi.Output<HelmValues>>;
        expect(containsOutputs(shared)).to.equal(true);
        expect(pulumi.Output.isInstance(layered.istiod)).to.equal(true);
        expect(await valueOf(layered.istiod)).to.deep.equal({ pilot: { env: { TOKEN: "s3cret", OTHER: "1" } } });
        expect(await (layered.istiod as any).isSecret).to.equal(true);
        const whole = layerOverrides(pulumi.secret({ istiod: { a: 1 } }), { istiod: { b: 2 } }) as pulumi.Output<any>;
        expect(await valueOf(whole)).to.deep.equal({ istiod: { a: 1, b: 2 } });
        expect(await (whole as any).isSecret).to.equal(true);
    });
});
