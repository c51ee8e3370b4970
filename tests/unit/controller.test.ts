// ServiceMeshController under Pulumi mocks: which resources it registers, on which provider, with what values, and
// how the readiness outputs follow what the (mock) cluster reports.
import * as path from "path";
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expectRejected, fetchedManifests, mocks, recordSecretOutputs, registered, resetMocks, secretOutputs, settle, valueOf } from "./mocks";
import { ServiceMeshController } from "../../provider";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const base = { version: "1.24.3", gatewayApi: { manifest: CRDS } };

const releasesOf = () => registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
const reads = () => registered.filter((r) => r.id);

async function deploy(args: any, opts?: any) {
    const mesh = new ServiceMeshController("mesh", args, opts);
    const [conditions, phase, releases] = await Promise.all([valueOf(mesh.conditions), valueOf(mesh.phase), valueOf(mesh.releases)]);
    await settle();
    return { mesh, conditions, phase, releases };
}

describe("ServiceMeshController (mocks)", () => {
    beforeEach(resetMocks);

    it("installs base, istiod, cni and ztunnel as Helm releases in the install namespace, pinned to the version", async () => {
        const { releases } = await deploy(base);
        const rel = releasesOf();
        expect(rel.map((r) => r.inputs.name)).to.have.members(["istio-base", "istiod", "istio-cni", "ztunnel"]);
        for (const r of rel) {
            expect(r.inputs.namespace).to.equal("istio-system");
            expect(r.inputs.version).to.equal("1.24.3-solo");
            expect(r.inputs.chart).to.match(/^oci:\/\/us-docker\.pkg\.dev\/gloo-mesh\/istio-helm-4d37697f9711\/(base|istiod|cni|ztunnel)$/);
            expect(r.inputs.skipAwait).to.equal(false);
            expect(r.inputs.timeout).to.equal(600);
        }
        expect(releases.map((r) => [r.name, r.status, r.version])).to.deep.equal([
            ["istio-base", "deployed", "1.24.3-solo"],
            ["istiod", "deployed", "1.24.3-solo"],
            ["istio-cni", "deployed", "1.24.3-solo"],
            ["ztunnel", "deployed", "1.24.3-solo"],
        ]);
    });

    it("passes the rendered values to each release", async () => {
        await deploy({ ...base, cluster: "east", network: "net-east", scalingProfile: "Large" });
        const istiod = releasesOf().find((r) => r.inputs.name === "istiod")!;
        expect(istiod.inputs.values.profile).to.equal("ambient");
        expect(istiod.inputs.values.meshConfig.trustDomain).to.equal("east");
        expect(istiod.inputs.values.pilot.autoscaleMin).to.equal(4);
        const ztunnel = releasesOf().find((r) => r.inputs.name === "ztunnel")!;
        expect(ztunnel.inputs.values.network).to.equal("net-east");
    });

    it("creates the namespace with the network label, and the Gateway API CRDs", async () => {
        await deploy({ ...base, network: "net-east", installNamespace: "mesh" });
        const ns = registered.filter((r) => r.type === "kubernetes:core/v1:Namespace");
        expect(ns).to.have.length(1);
        expect(ns[0].inputs.metadata).to.deep.equal({
            name: "mesh",
            labels: { "topology.istio.io/network": "net-east" },
            annotations: { "servicemesh.pulumi.com/owner": "servicemesh/test/mesh" },
        });
        // One resource per CRD (not a ConfigGroup, whose construct would fail the program on an unreachable cluster).
        const crds = registered.filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition" && !r.id);
        expect(crds.map((c) => [c.name, c.inputs.metadata.name])).to.deep.equal([["mesh-gateway-api-crds:gateways.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"]]);
        expect(registered.filter((r) => r.type.startsWith("kubernetes:yaml/"))).to.have.length(0);
    });

    it("aliases each CRD to the ConfigGroup that held it before, so existing stacks keep their CRDs", async () => {
        let alias: any;
        const mesh = new ServiceMeshController("mesh", base, {
            transformations: [(a) => { if (a.type.endsWith("CustomResourceDefinition") && !a.opts.id) alias = a.opts.aliases?.[0]; return undefined; }],
        });
        await valueOf(mesh.phase);
        expect(await valueOf(alias.parent)).to.match(/ServiceMeshController\$kubernetes:yaml\/v2:ConfigGroup::mesh-gateway-api-crds$/);
    });

    it("reads image.secrets from an existing install namespace before any release; none when it creates the namespace", async () => {
        const deps: Record<string, string[]> = {};
        mocks.options.objects = { "kubernetes:core/v1:Secret istio-system/pull-a": { type: "kubernetes.io/dockerconfigjson", data: {} } };
        const mesh = new ServiceMeshController("mesh", { ...base, createNamespace: false, image: { secrets: ["pull-a"] } }, {
            transformations: [(a) => { deps[a.name] = ((a.opts.dependsOn as any[]) ?? []).map((d) => d.__name); return undefined; }, recordSecretOutputs],
        });
        await valueOf(mesh.phase);
        await settle();
        expect(reads().filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => [r.name, r.id])).to.deep.equal([["mesh-image-pull-secret-pull-a", "istio-system/pull-a"]]);
        expect(secretOutputs["mesh-image-pull-secret-pull-a"]).to.include.members(["data", "metadata"]);
        for (const release of ["mesh-istio-base", "mesh-istiod", "mesh-istio-cni", "mesh-ztunnel"]) {
            expect(deps[release], release).to.include("mesh-image-pull-secret-pull-a");
        }
        resetMocks();
        await deploy({ ...base, image: { secrets: ["pull-a"] } });
        expect(reads().filter((r) => r.type === "kubernetes:core/v1:Secret")).to.deep.equal([]);
    });

    it("patches an existing namespace instead when createNamespace is false", async () => {
        await deploy({ ...base, createNamespace: false, network: "n1" });
        expect(registered.filter((r) => r.type === "kubernetes:core/v1:Namespace")).to.have.length(0);
        const patch = registered.filter((r) => r.type === "kubernetes:core/v1:NamespacePatch");
        expect(patch.map((p) => p.inputs.metadata)).to.deep.equal([
            { name: "istio-system", labels: { "topology.istio.io/network": "n1" }, annotations: { "servicemesh.pulumi.com/owner": "servicemesh/test/mesh" } },
        ]);
    });

    it("skips the Gateway API CRDs when install is false, and fetches a URL manifest itself, one resource per object", async () => {
        const off = await deploy({ version: "1.24.3", gatewayApi: { install: false } });
        expect(registered.filter((r) => r.type.startsWith("kubernetes:yaml/"))).to.have.length(0);
        expect(reads().map((r) => r.id)).to.not.include("gateways.gateway.networking.k8s.io");
        expect(await valueOf(off.mesh.gatewayApi)).to.deep.equal({ version: "", channel: "", managed: false, action: "disabled" });
        resetMocks();
        await deploy({ version: "1.24.3", gatewayApi: { manifest: "https://example.com/download/v1.3.0/standard-install.yaml" } });
        expect(fetchedManifests).to.deep.equal(["https://example.com/download/v1.3.0/standard-install.yaml"]);
        expect(registered.filter((r) => r.type.startsWith("kubernetes:yaml/"))).to.have.length(0);
        const crds = registered.filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition" && !r.id);
        expect(crds.map((c) => c.inputs.metadata.annotations["gateway.networking.k8s.io/bundle-version"])).to.deep.equal(["v1.3.0"]);
    });

    for (const [mode, input, releases] of [
        ["Sidecar + Auto", { dataplaneMode: "Sidecar" }, ["istio-base", "istiod", "istio-cni"]],
        ["Sidecar + InitContainer", { dataplaneMode: "Sidecar", trafficCaptureMode: "InitContainer" }, ["istio-base", "istiod"]],
    ] as const) {
        it(`${mode}: registers ${releases.join(", ")} and reports the rest NotRequired`, async () => {
            const { conditions, phase } = await deploy({ ...base, ...input });
            expect(releasesOf().map((r) => r.inputs.name)).to.have.members([...releases]);
            expect(releasesOf()).to.have.length(releases.length);
            expect(conditions.find((c) => c.type === "ZtunnelDeployed")).to.deep.include({ status: "True", reason: "NotRequired" });
            if (releases.length === 2) {
                expect(conditions.find((c) => c.type === "CNIDeployed")).to.deep.include({ status: "True", reason: "NotRequired" });
            }
            expect(phase).to.equal("SUCCEEDED");
        });
    }

    it("orders children: releases depend on the namespace, istiod on base and the CRDs, ztunnel on istiod and cni", async () => {
        const deps: Record<string, string[]> = {};
        const mesh = new ServiceMeshController("mesh", base, {
            transformations: [
                (a) => {
                    deps[a.name] = ((a.opts.dependsOn as any[]) ?? []).map((d) => (d as any).__name);
                    return undefined;
                },
            ],
        });
        await valueOf(mesh.phase);
        expect(deps["mesh-istio-base"]).to.deep.equal(["mesh-namespace"]);
        expect(deps["mesh-istiod"]).to.deep.equal(["mesh-namespace", "mesh-istio-base", "mesh-gateway-api-crds:gateways.gateway.networking.k8s.io"]);
        expect(deps["mesh-istio-cni"]).to.deep.equal(["mesh-namespace", "mesh-istio-base"]);
        expect(deps["mesh-ztunnel"]).to.deep.equal(["mesh-namespace", "mesh-istiod", "mesh-istio-cni"]);
    });

    it("builds its own provider from a kubeconfig input and puts every child on it", async () => {
        const { mesh } = await deploy({ ...base, kubeconfig: "apiVersion: v1\nkind: Config\n", context: "east" });
        const providers = registered.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers).to.have.length(1);
        expect(providers[0].inputs.context).to.equal("east");
        const providerRef = `${await valueOf(mesh.urn)}`.replace(/ServiceMeshController::mesh$/, "ServiceMeshController$pulumi:providers:kubernetes::mesh-k8s");
        const children = registered.filter((r) => r.custom && r.type !== "pulumi:providers:kubernetes");
        expect(children.length).to.be.greaterThan(10);
        for (const child of children) {
            expect(child.provider, `${child.type} ${child.name}`).to.equal(`${providerRef}::mesh-k8s-id`);
        }
    });

    it("keeps the kubeconfig secret", async () => {
        const { mesh } = await deploy({ ...base, kubeconfig: "apiVersion: v1\nkind: Config\n" });
        expect(mesh).to.be.ok;
        // The mock monitor records secret inputs unwrapped; the provider resource receives a secret Output.
        let seen: any;
        new ServiceMeshController("other", { ...base, kubeconfig: "kc" }, {
            transformations: [(a) => { if (a.type === "pulumi:providers:kubernetes") seen = a.props.kubeconfig; return undefined; }],
        });
        await settle();
        expect(await (seen as any).isSecret).to.equal(true);
    });

    it("uses the provider resource option for every child", async () => {
        const provider = new k8s.Provider("east", { context: "east" });
        await deploy(base, { provider });
        await settle();
        const children = registered.filter((r) => r.custom && r.type !== "pulumi:providers:kubernetes");
        const providerUrn = await valueOf(provider.urn);
        for (const child of children) {
            expect(child.provider, `${child.type} ${child.name}`).to.equal(`${providerUrn}::east-id`);
        }
    });

    it("rejects kubeconfig together with a provider option, creating nothing", async () => {
        const provider = new k8s.Provider("east", {});
        await settle();
        registered.length = 0;
        expect(() => new ServiceMeshController("mesh", { ...base, kubeconfig: "x" }, { provider })).to.throw(
            "kubeconfig: set together with a kubernetes provider resource option",
        );
        expect(() => new ServiceMeshController("mesh", { ...base, context: "east" }, { provider })).to.throw(
            "context: set together with a kubernetes provider resource option",
        );
        await settle();
        expect(registered).to.deep.equal([]);
    });

    it("uses the provider input (what Python, Go and YAML pass) for every child, and pre-flights through it", async () => {
        const provider = new k8s.Provider("east", { kubeconfig: "/tmp/east.yaml", context: "east-ctx" });
        await deploy({ ...base, provider });
        await settle();
        const children = registered.filter((r) => r.custom && r.type !== "pulumi:providers:kubernetes");
        expect(children.length).to.be.greaterThan(5);
        const providerUrn = await valueOf(provider.urn);
        for (const child of children) {
            expect(child.provider, `${child.type} ${child.name}`).to.equal(`${providerUrn}::east-id`);
        }
        expect(registered.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.name)).to.deep.equal(["east"]);
        expect(mocks.preflights).to.deep.equal([{ kubeconfig: "/tmp/east.yaml", context: "east-ctx" }]);
    });

    it("rejects the provider input together with kubeconfig or a provider option, or a value that is no provider, creating nothing", async () => {
        const provider = new k8s.Provider("east", {});
        await settle();
        registered.length = 0;
        await expectRejected(
            () => new ServiceMeshController("mesh", { ...base, provider, kubeconfig: "x" }),
            "provider: set together with kubeconfig; allowed: one way to reach the cluster, either the provider input, kubeconfig/context or the provider option",
        );
        await expectRejected(
            () => new ServiceMeshController("mesh", { ...base, provider }, { provider }),
            "provider: set together with a kubernetes provider resource option; allowed: one way to reach the cluster, either the provider input, kubeconfig/context or the provider option",
        );
        await expectRejected(
            () => new ServiceMeshController("mesh", { ...base, provider: { context: "east" } as any }),
            'provider: is {"context":"east"}; allowed: a Kubernetes provider resource (a kubernetes.Provider of the program, passed as the resource itself)',
        );
    });

    it("builds a provider for a context of the ambient kubeconfig, so nothing lands on its current context", async () => {
        await deploy({ ...base, context: "east" });
        const providers = registered.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers.map((p) => [p.name, p.inputs.context, p.inputs.kubeconfig])).to.deep.equal([["mesh-k8s", "east", undefined]]);
        const children = registered.filter((r) => r.custom && r.type !== "pulumi:providers:kubernetes");
        expect(children.every((c) => c.provider?.endsWith("::mesh-k8s-id")), children.map((c) => c.provider).join()).to.equal(true);
    });

    it("pre-flights through the kubeconfig and context a provider option carries", async () => {
        const provider = new k8s.Provider("east", { kubeconfig: "/tmp/east.yaml", context: "east-ctx" });
        await deploy(base, { provider });
        expect(mocks.preflights).to.deep.equal([{ kubeconfig: "/tmp/east.yaml", context: "east-ctx" }]);
    });

    it("reads back the workloads, webhooks and CRDs after their releases", async () => {
        await deploy(base);
        expect(reads().map((r) => `${r.type.split(":").pop()} ${r.id}`).sort()).to.deep.equal([
            "CustomResourceDefinition authorizationpolicies.security.istio.io",
            "CustomResourceDefinition gateways.gateway.networking.k8s.io",
            "CustomResourceDefinition virtualservices.networking.istio.io",
            "DaemonSet istio-system/istio-cni-node",
            "DaemonSet istio-system/ztunnel",
            "Deployment istio-system/istiod",
            "MutatingWebhookConfiguration istio-sidecar-injector",
            "ValidatingWebhookConfiguration istio-validator-istio-system",
        ]);
    });

    it("reports every condition True and phase SUCCEEDED on a healthy cluster", async () => {
        const { mesh, conditions, phase } = await deploy({ ...base, cluster: "east", network: "net-east" });
        expect(conditions.map((c) => [c.type, c.status, c.reason])).to.deep.equal([
            ["Initialized", "True", "ManifestsInitialized"],
            ["CRDInstalled", "True", "CRDInstalled"],
            ["ControlPlaneDeployed", "True", "DeploymentSucceeded"],
            ["CNIDeployed", "True", "DeploymentSucceeded"],
            ["ZtunnelDeployed", "True", "DeploymentSucceeded"],
            ["WebhookDeployed", "True", "DeploymentSucceeded"],
            ["Ready", "True", "SystemReady"],
        ]);
        expect(phase).to.equal("SUCCEEDED");
        expect(await valueOf(mesh.trustDomain)).to.equal("east");
        expect(await valueOf(mesh.cluster)).to.equal("east");
        expect(await valueOf(mesh.network)).to.equal("net-east");
        expect(await valueOf(mesh.version)).to.equal("1.24.3");
        expect(await valueOf(mesh.installNamespace)).to.equal("istio-system");
    });

    const breakObject = (key: string, obj: object) => (mocks.options.objects = { [key]: obj });
    const unhealthy: [string, () => void, string, string, string][] = [
        ["istiod not ready", () => breakObject("kubernetes:apps/v1:Deployment istio-system/istiod", { spec: {}, status: { replicas: 2, readyReplicas: 1 } }), "ControlPlaneDeployed", "DeploymentNotReady", "Not ready: Deployment istiod 1/2 replicas ready"],
        ["istiod scaled to zero", () => breakObject("kubernetes:apps/v1:Deployment istio-system/istiod", { spec: { replicas: 0 }, status: {} }), "ControlPlaneDeployed", "DeploymentNotReady", "Not ready: Deployment istiod 0/0 replicas ready"],
        ["cni pods not ready", () => breakObject("kubernetes:apps/v1:DaemonSet istio-system/istio-cni-node", { status: { currentNumberScheduled: 3, numberReady: 2 } }), "CNIDeployed", "DeploymentNotReady", "Not ready: DaemonSet istio-cni-node 2/3 pods ready"],
        ["ztunnel scheduled nowhere", () => breakObject("kubernetes:apps/v1:DaemonSet istio-system/ztunnel", { status: { currentNumberScheduled: 0, numberReady: 0 } }), "ZtunnelDeployed", "DeploymentNotReady", "Not ready: DaemonSet ztunnel 0/0 pods ready"],
        ["CRD not established", () => breakObject("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition virtualservices.networking.istio.io", { status: { conditions: [{ type: "Established", status: "False" }] } }), "CRDInstalled", "CRDNotEstablished", "CRDs not established: virtualservices.networking.istio.io"],
        ["empty injector webhook", () => breakObject("kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration istio-sidecar-injector", { webhooks: [] }), "WebhookDeployed", "DeploymentNotReady", "Not ready: webhook configurations without webhooks: istio-sidecar-injector"],
        ["istiod release failed", () => (mocks.options.releases = { istiod: "failed" }), "ControlPlaneDeployed", "ReleaseNotDeployed", "Helm release istiod is failed"],
    ];
    for (const [what, breakIt, type, reason, message] of unhealthy) {
        it(`reports ${type} False when ${what}`, async () => {
            breakIt();
            const { conditions, phase } = await deploy(base);
            expect(conditions.find((c) => c.type === type)).to.deep.equal({ type, status: "False", reason, message });
            const ready = conditions.find((c) => c.type === "Ready")!;
            expect(ready.status).to.equal("False");
            expect(ready.message).to.contain(type);
            expect(phase).to.equal(what.includes("failed") ? "FAILED" : "PENDING");
        });
    }

    it("reads the webhook names of a non-default install namespace", async () => {
        const { phase } = await deploy({ ...base, installNamespace: "mesh" });
        expect(phase).to.equal("SUCCEEDED");
        expect(reads().map((r) => r.id)).to.include.members(["istio-sidecar-injector-mesh", "istio-validator-mesh"]);
    });
});

describe("ServiceMeshController values overrides (mocks)", () => {
    beforeEach(resetMocks);
    const release = (name: string) => releasesOf().find((r) => r.inputs.name === name)!;
    // Mocks record a secret input as the SDK's secret wrapper around its value.
    const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
    const isSecretInput = (v: any) => Object.values(v ?? {}).includes(SECRET_SIG);
    /** The error a component's outputs fail with (the mock runtime reports it as an unhandled rejection). */
    const rejection = (mesh: ServiceMeshController) =>
        new Promise<string>((resolve) => {
            process.once("unhandledRejection", (err: any) => resolve(String(err?.message ?? err)));
            valueOf(mesh.phase).then(() => resolve(""));
        });

    it("merges each chart's overrides into that release only, keeping the computed values", async () => {
        await deploy({
            ...base,
            cluster: "east",
            values: {
                istiod: { meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { tolerations: [{ key: "infra", operator: "Exists" }] } },
                ztunnel: { resources: { requests: { cpu: "500m", memory: "1Gi" } } },
            },
        });
        const istiod = release("istiod").inputs.values;
        expect(istiod.meshConfig).to.deep.equal({ trustDomain: "east", accessLogFile: "/dev/stdout" });
        expect(istiod.pilot.tolerations).to.deep.equal([{ key: "infra", operator: "Exists" }]);
        expect(istiod.pilot.autoscaleMin).to.equal(2);
        expect(istiod.global.multiCluster).to.deep.equal({ clusterName: "east" });
        expect(release("ztunnel").inputs.values.resources).to.deep.equal({ requests: { cpu: "500m", memory: "1Gi" } });
        expect(release("ztunnel").inputs.values.multiCluster).to.deep.equal({ clusterName: "east" });
        expect(release("istio-cni").inputs.values).to.not.have.property("resources");
    });

    it("keeps a secret override secret: that release's values are a secret, the others are not", async () => {
        await deploy({ ...base, values: { istiod: { pilot: { env: { VAULT_TOKEN: pulumi.secret("s3cret") } } }, cni: { cni: { logLevel: "debug" } } } });
        const istiod = release("istiod").inputs.values;
        expect(isSecretInput(istiod)).to.equal(true);
        expect(istiod.value.pilot.env).to.deep.equal({ VAULT_TOKEN: "s3cret" });
        for (const other of ["istio-base", "istio-cni", "ztunnel"]) {
            expect(isSecretInput(release(other).inputs.values), other).to.equal(false);
        }
        expect(release("istio-cni").inputs.values.cni).to.deep.equal({ logLevel: "debug" });
    });

    it("reports the values it applied per release: exactly each release's Helm values, computed ← overrides", async () => {
        const { mesh } = await deploy({
            ...base,
            cluster: "east",
            values: { istiod: { meshConfig: { accessLogFile: "/dev/stdout" } }, ztunnel: { resources: { requests: { cpu: "500m" } } } },
        });
        const applied = await valueOf(mesh.appliedValues);
        expect(applied.map((a) => [a.release, a.chart])).to.deep.equal([["istio-base", "base"], ["istiod", "istiod"], ["istio-cni", "cni"], ["ztunnel", "ztunnel"]]);
        for (const a of applied) {
            expect(a.values, a.release).to.deep.equal(release(a.release).inputs.values);
        }
        const istiod = applied.find((a) => a.release === "istiod")!.values;
        expect(istiod.meshConfig).to.deep.equal({ trustDomain: "east", accessLogFile: "/dev/stdout" });
        expect(istiod.pilot.autoscaleMax).to.equal(25);
        expect(applied.find((a) => a.release === "ztunnel")!.values.resources).to.deep.equal({ requests: { cpu: "500m" } });
        expect(await (mesh.appliedValues as any).isSecret).to.equal(false);
    });

    it("keeps the applied values secret when an override holds a secret, and the other outputs readable", async () => {
        const { mesh } = await deploy({ ...base, values: { istiod: { pilot: { env: { VAULT_TOKEN: pulumi.secret("s3cret") } } } } });
        expect(await (mesh.appliedValues as any).isSecret).to.equal(true);
        const istiod = (await valueOf(mesh.appliedValues)).find((a) => a.release === "istiod")!;
        expect(istiod.values.pilot.env).to.deep.equal({ VAULT_TOKEN: "s3cret" });
        for (const out of [mesh.phase, mesh.conditions, mesh.releases, mesh.gatewayApi]) {
            expect(await (out as any).isSecret).to.equal(false);
        }
    });

    it("keeps the applied values secret when istiod 1.24 takes the license in its environment", async () => {
        const { mesh } = await deploy({ ...base, license: "lic-key" });
        expect(await (mesh.appliedValues as any).isSecret).to.equal(true);
        const istiod = (await valueOf(mesh.appliedValues)).find((a) => a.release === "istiod")!;
        expect(istiod.values.pilot.env.SOLO_LICENSE_KEY).to.equal("lic-key");
        expect(await (mesh.phase as any).isSecret).to.equal(false);
    });

    it("refuses an owned value at construction, naming the key and the input, creating nothing", () =>
        expectRejected(
            () => new ServiceMeshController("mesh", { ...base, values: { istiod: { global: { hub: "mirror.example/istio" } } } }),
            "values.istiod.global.hub: is owned by the component, set from the `image.repository` input; allowed: set `image.repository` instead, or set allowProtectedValueOverrides: true to override it anyway",
            'ServiceMeshController "mesh"',
        ));

    it("refuses an owned value held in a secret before registering any child", async () => {
        const mesh = new ServiceMeshController("mesh", { ...base, values: { istiod: pulumi.secret({ license: { value: "k" } }) } });
        expect(await rejection(mesh)).to.contain("values.istiod.license.value: is owned by the component, set from the `license` input");
        await settle();
        expect(registered.filter((r) => r.custom)).to.deep.equal([]);
    });

    it("checks the shape of values held in a secret as a whole, before registering any child", async () => {
        const mesh = new ServiceMeshController("mesh", { ...base, dataplaneMode: "Sidecar", values: pulumi.secret({ ztunnel: { resources: {} } }) });
        expect(await rejection(mesh)).to.contain("values.ztunnel: this update installs no ztunnel chart (it installs base, istiod, cni)");
        await settle();
        expect(registered.filter((r) => r.custom)).to.deep.equal([]);
    });

    it("with allowProtectedValueOverrides, applies the override and warns naming the key", async () => {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (msg: string) => void warnings.push(msg);
        try {
            await deploy({ ...base, allowProtectedValueOverrides: true, values: { ztunnel: { hub: "mirror.example/ztunnel" } } });
        } finally {
            (pulumi.log as any).warn = warn;
        }
        expect(release("ztunnel").inputs.values.hub).to.equal("mirror.example/ztunnel");
        expect(warnings).to.include(
            'ServiceMeshController "mesh": values.ztunnel.hub overrides what the component owns: it is owned by the component, set from the `image.repository` input (allowProtectedValueOverrides is set)',
        );
    });
});
