// The east-west gateway for real networks: per-platform exposure, the parametersRef ConfigMap istiod reads (per
// minor), NodePort peering, refusals naming the field with nothing created, and the link's readiness.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as path from "path";
import { MultiClusterMesh, ServiceMeshController } from "../../provider";
import { linkState } from "../../provider/link/gateway";
import { eastWestState, eastWestTarget } from "../../provider/readiness/eastwest";
import { EastWestSpec, RENDERED_FROM_ANNOTATION, eastWestGatewayManifest, eastWestParameters, exposureFor } from "../../provider/render/eastwest";
import { resolveControllerSpec } from "../../provider/spec/validate";
import { emptySnapshot, expectRejected, mockClusters, mocks, registered, resetMocks, settle, valueOf } from "./mocks";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const member = { version: "1.31.1", cluster: "east", network: "east", gatewayApi: { manifest: CRDS } };
const spec = (eastWestGateway: object, version = "1.31.1"): EastWestSpec => resolveControllerSpec({ ...member, version, eastWestGateway }).eastWest!;
const parsed = (data: Record<string, string>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, JSON.parse(v)]));
const node = (labels: Record<string, string>, providerID = "") => ({ name: "n1", labels, providerID });
const SNAPSHOT = {
    EKS: { ...emptySnapshot("v1.34.2-eks-1a2b3c4"), nodes: [node({ "eks.amazonaws.com/nodegroup": "ng" })] },
    GKE: { ...emptySnapshot("v1.34.2-gke.1000"), nodes: [node({}, "gce://p/z/n1")] },
    AKS: { ...emptySnapshot("v1.34.2"), nodes: [node({ "kubernetes.azure.com/cluster": "rg" }, "azure:///subscriptions/x")] },
    Generic: emptySnapshot("v1.34.2"),
};

describe("east-west gateway: exposure per platform", () => {
    it("EKS Internal: the AWS Load Balancer Controller's internal NLB", () => {
        expect(exposureFor(spec({ exposure: "Internal" }), "EKS").annotations).to.deep.equal({
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        });
    });
    it("GKE Internal: the internal passthrough load balancer", () => {
        expect(exposureFor(spec({ exposure: "Internal" }), "GKE").annotations).to.deep.equal({ "networking.gke.io/load-balancer-type": "Internal" });
    });
    it("AKS Internal: the internal load balancer, and with source ranges the NSG keeps the VNet out too", () => {
        expect(exposureFor(spec({ exposure: "Internal" }), "AKS").annotations).to.deep.equal({ "service.beta.kubernetes.io/azure-load-balancer-internal": "true" });
        expect(exposureFor(spec({ exposure: "Internal", loadBalancerSourceRanges: ["10.1.0.0/16"] }), "AKS").annotations).to.deep.equal({
            "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
            "service.beta.kubernetes.io/azure-deny-all-except-load-balancer-source-ranges": "true",
        });
    });
    it("the user's annotations win over the platform's", () => {
        const a = exposureFor(spec({ exposure: "Internal", annotations: { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance" } }), "EKS").annotations;
        expect(a["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"]).to.equal("instance");
    });
    it("Internal on a platform without a mapping is refused unless annotations say how", () => {
        expect(exposureFor(spec({ exposure: "Internal" }), "Generic").problem).to.match(/^eastWestGateway\.exposure: Internal has no load balancer mapping on platform Generic \(got "Internal"\); allowed:/);
        const metallb = { "metallb.universe.tf/address-pool": "internal" };
        expect(exposureFor(spec({ exposure: "Internal", annotations: metallb }), "Generic")).to.deep.equal({ annotations: metallb });
    });
    it("warns when a public cloud's load balancer would face the internet, not when ranges or annotations restrict it", () => {
        for (const platform of ["EKS", "GKE", "AKS"] as const) {
            expect(exposureFor(spec({}), platform).warning).to.contain(`internet-facing ${platform} load balancer`).and.contain("15012");
        }
        expect(exposureFor(spec({ loadBalancerSourceRanges: ["203.0.113.0/24"] }), "EKS").warning).to.equal(undefined);
        expect(exposureFor(spec({ annotations: { "networking.gke.io/load-balancer-type": "Internal" } }), "GKE").warning).to.equal(undefined);
        expect(exposureFor(spec({}), "Generic").warning).to.equal(undefined);
    });
});

describe("east-west gateway: the parametersRef ConfigMap", () => {
    const selector = { matchLabels: { "gateway.networking.k8s.io/gateway-name": "istio-eastwest" } };
    const spread = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: selector }];

    it("defaults to Solo's guidance: two replicas spread over nodes and zones, a PodDisruptionBudget of one", () => {
        expect(parsed(eastWestParameters(spec({})))).to.deep.equal({
            deployment: {
                spec: {
                    replicas: 2,
                    template: {
                        spec: {
                            affinity: {
                                podAntiAffinity: {
                                    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: selector } }],
                                },
                            },
                            topologySpreadConstraints: spread,
                        },
                    },
                },
            },
            podDisruptionBudget: { spec: { minAvailable: 1 } },
        });
    });
    it("autoscaling: an HPA patch and no fixed replica count", () => {
        const data = parsed(eastWestParameters(spec({ autoscaling: { maxReplicas: 6 }, antiAffinity: "None" })));
        expect(data.horizontalPodAutoscaler).to.deep.equal({
            spec: { minReplicas: 2, maxReplicas: 6, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }] },
        });
        expect(data.deployment).to.deep.equal({ spec: {} });
        expect(data.podDisruptionBudget).to.deep.equal({ spec: { minAvailable: 1 } });
    });
    it("required anti-affinity, resources of the istio-proxy container, one replica without a PDB", () => {
        const data = parsed(eastWestParameters(spec({ replicas: 1, antiAffinity: "Required", resources: { requests: { cpu: "500m", memory: "512Mi" } } })));
        expect(data.deployment.spec.replicas).to.equal(1);
        expect(data.deployment.spec.template.spec.affinity).to.deep.equal({
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: selector }] },
        });
        expect(data.deployment.spec.template.spec.containers).to.deep.equal([{ name: "istio-proxy", resources: { requests: { cpu: "500m", memory: "512Mi" } } }]);
        expect(data.podDisruptionBudget).to.equal(undefined);
    });
    it("source ranges patch the Service of a LoadBalancer; node ports that of a NodePort gateway", () => {
        expect(parsed(eastWestParameters(spec({ loadBalancerSourceRanges: ["10.0.0.0/8", "fd00::/8"] }))).service).to.deep.equal({
            spec: { loadBalancerSourceRanges: ["10.0.0.0/8", "fd00::/8"] },
        });
        const nodePort = spec({ serviceType: "NodePort", address: "mesh-east.example.com", nodePorts: { crossNetwork: 31008, xds: 31012 } });
        expect(parsed(eastWestParameters(nodePort)).service).to.deep.equal({ spec: { ports: [{ port: 15008, nodePort: 31008 }, { port: 15012, nodePort: 31012 }] } });
    });
    it("a change of the ConfigMap or the Service type changes the Gateway's spec (so its generation), nothing else does", () => {
        const digest = (ew: object) => eastWestGatewayManifest(spec(ew), "east", "east", {}).spec.infrastructure!.annotations![RENDERED_FROM_ANNOTATION];
        expect(digest({ replicas: 3 })).to.not.equal(digest({ replicas: 2 }));
        expect(digest({ serviceType: "NodePort", address: "10.0.0.5" })).to.not.equal(digest({}));
        expect(digest({ address: "10.0.0.5" })).to.equal(digest({}));
    });
    it("only keys istiod accepts (supportedOverlays, 1.26–1.31)", () => {
        const all = spec({ autoscaling: { maxReplicas: 4 }, loadBalancerSourceRanges: ["10.0.0.0/8"] });
        expect(Object.keys(eastWestParameters(all))).to.have.members(["deployment", "service", "horizontalPodAutoscaler", "podDisruptionBudget"]);
    });
    for (const version of ["1.26.3", "1.28.2", "1.29.3", "1.30.2", "1.31.1"]) {
        it(`${version}: the Gateway references the ConfigMap`, () => expect(spec({}, version).parameters).to.equal(true));
    }
    for (const version of ["1.24.3", "1.25.2"]) {
        it(`${version}: no parametersRef (istiod reads none before 1.26): istiod's one replica, no PDB`, () => {
            const ew = spec({}, version);
            expect(ew).to.include({ parameters: false, podDisruptionBudget: false, antiAffinity: "None" });
            expect(ew.replicas).to.equal(undefined);
        });
    }
});

describe("east-west gateway: refusals name the field and create nothing", () => {
    beforeEach(resetMocks);
    const bad: [string, object, string, string?][] = [
        ["replicas on 1.25", { replicas: 3 }, 'eastWestGateway.replicas: Istio 1.25.2 cannot apply it: istiod reads a Gateway\'s parametersRef ConfigMap (replicas, affinity, resources, autoscaler, PodDisruptionBudget, Service settings) from 1.26 (got version "1.25.2"); allowed: unset (istiod runs one replica, no PodDisruptionBudget), or version 1.26.0 or later', "1.25.2"],
        ["source ranges on 1.24", { loadBalancerSourceRanges: ["10.0.0.0/8"] }, "eastWestGateway.loadBalancerSourceRanges: Istio 1.24.3 cannot apply it", "1.24.3"],
        ["NodePort on 1.27", { serviceType: "NodePort", address: "10.0.0.5" }, 'eastWestGateway.serviceType: NodePort east-west gateways need Solo Istio 1.28 or later, where peering reaches node addresses and ports (got version "1.27.3"); allowed: LoadBalancer, or version 1.28.0 or later', "1.27.3"],
        ["NodePort without an address", { serviceType: "NodePort" }, "eastWestGateway.address: is required with serviceType NodePort (got none)"],
        ["exposure with NodePort", { serviceType: "NodePort", address: "10.0.0.5", exposure: "Internal" }, 'eastWestGateway.exposure: applies to a LoadBalancer gateway (got "Internal" with serviceType NodePort)'],
        ["node ports on a LoadBalancer", { nodePorts: { xds: 31012 } }, 'eastWestGateway.nodePorts: applies to a NodePort gateway (got {"xds":31012} with serviceType LoadBalancer)'],
        ["a node port out of range", { serviceType: "NodePort", address: "10.0.0.5", nodePorts: { xds: 8080 } }, "eastWestGateway.nodePorts.xds: is too small; allowed: 30000 to 32767 (got 8080)"],
        ["replicas and autoscaling", { replicas: 2, autoscaling: { maxReplicas: 4 } }, "eastWestGateway.replicas: set together with autoscaling (got 2)"],
        ["max below min", { autoscaling: { minReplicas: 3, maxReplicas: 2 } }, "eastWestGateway.autoscaling.maxReplicas: is below minReplicas 3 (got 2); allowed: 3 or more"],
        ["a PDB over one replica", { replicas: 1, podDisruptionBudget: true }, "eastWestGateway.podDisruptionBudget: true with 1 replica would block every node drain (minAvailable 1 of 1) (got true); allowed: false, or replicas (autoscaling.minReplicas) of 2 or more"],
        ["a bad CIDR", { loadBalancerSourceRanges: ["10.0.0.0/33"] }, 'eastWestGateway.loadBalancerSourceRanges.0: is not a CIDR; allowed: e.g. 10.0.0.0/8 or fd00::/8 (got "10.0.0.0/33")'],
        ["an annotation istiod drops", { annotations: { "gateway.networking.k8s.io/x": "y" } }, 'eastWestGateway.annotations.gateway.networking.k8s.io/x: is under gateway.networking.k8s.io/, which istiod drops from the gateway\'s annotations; allowed: any other key (got "gateway.networking.k8s.io/x")'],
        ["an unknown exposure", { exposure: "Private" }, 'eastWestGateway.exposure: is not allowed; allowed values: Internal, Public (got "Private")'],
        ["a bad quantity", { resources: { limits: { cpu: "lots" } } }, 'eastWestGateway.resources.limits.cpu: is not a Kubernetes quantity; allowed: e.g. 500m or 2 (got "lots")'],
    ];
    for (const [what, eastWestGateway, problem, version] of bad) {
        it(`refuses ${what}`, async () => {
            let error: Error | undefined;
            try {
                new ServiceMeshController("mesh", { ...member, version: version ?? member.version, eastWestGateway } as any);
            } catch (e) {
                error = e as Error;
            }
            expect(error?.message).to.contain(problem);
            await settle();
            expect(registered).to.deep.equal([]);
        });
    }
    it("lists every problem in one error", () =>
        expectRejected(
            () => new ServiceMeshController("mesh", { ...member, eastWestGateway: { serviceType: "NodePort", exposure: "Public", replicas: 0 } } as any),
            "eastWestGateway.replicas: is too small; allowed: 1 to 100 (got 0)",
        ));
});

describe("east-west gateway: the component (mocks)", () => {
    beforeEach(resetMocks);
    const created = (type: string) => registered.filter((r) => r.type === type && !r.id);
    const warnings: string[] = [];
    let warn: typeof pulumi.log.warn;
    beforeEach(() => {
        warnings.length = 0;
        warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => void warnings.push(message);
    });
    afterEach(() => ((pulumi.log as any).warn = warn));

    async function install(eastWestGateway: object, platform: keyof typeof SNAPSHOT, version = "1.31.1") {
        mockClusters({ preflight: SNAPSHOT[platform] });
        const mesh = new ServiceMeshController("mesh", { ...member, version, eastWestGateway } as any);
        const outcome = await (mesh.phase as any).promise().then(() => "", (e: Error) => e.message);
        await settle();
        return { mesh, outcome };
    }

    for (const platform of ["EKS", "GKE", "AKS"] as const) {
        it(`${platform}, Internal: the Gateway's infrastructure carries the internal annotations, no internet warning`, async () => {
            const { mesh, outcome } = await install({ exposure: "Internal" }, platform);
            expect(outcome).to.equal("");
            const [gw] = created("kubernetes:gateway.networking.k8s.io/v1:Gateway");
            const { [RENDERED_FROM_ANNOTATION]: digest, ...annotations } = gw.inputs.spec.infrastructure.annotations;
            expect(annotations).to.deep.equal(exposureFor(spec({ exposure: "Internal" }), platform).annotations);
            expect(digest).to.match(/^[0-9a-f]{16}$/);
            expect(gw.inputs.spec.infrastructure.parametersRef).to.deep.equal({ group: "", kind: "ConfigMap", name: "istio-eastwest-parameters" });
            expect(warnings.filter((w) => w.includes("internet-facing"))).to.deep.equal([]);
            expect((await valueOf(mesh.eastWest))!.exposure).to.equal("Internal");
        });
    }

    it("EKS, Public: warns at preview that 15008 and 15012 face the internet", async () => {
        await install({}, "EKS");
        expect(warnings.some((w) => w.startsWith('ServiceMeshController "mesh": the east-west gateway gets an internet-facing EKS load balancer'))).to.equal(true);
    });

    it("Internal on a cluster without a mapping: refused after the pre-flight, no child registered", async () => {
        const { outcome } = await install({ exposure: "Internal" }, "Generic");
        expect(outcome).to.contain("pre-flight checks of ServiceMeshController \"mesh\" refused the update; nothing was changed").and.contain("eastWestGateway.exposure: Internal has no load balancer mapping on platform Generic");
        expect(registered.filter((r) => r.type !== "servicemesh:index:ServiceMeshController")).to.deep.equal([]);
    });

    it("creates the parameters ConfigMap before the Gateway and reports replicas read back", async () => {
        const { mesh } = await install({ replicas: 3, labels: { team: "mesh" } }, "Generic");
        const [cm] = created("kubernetes:core/v1:ConfigMap");
        expect(cm.inputs.metadata).to.deep.equal({ name: "istio-eastwest-parameters", namespace: "istio-eastwest" });
        expect(JSON.parse(cm.inputs.data.deployment).spec.replicas).to.equal(3);
        const [gw] = created("kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(gw.inputs.spec.infrastructure.labels).to.deep.equal({ team: "mesh", "topology.istio.io/network": "east" });
        const state = (await valueOf(mesh.eastWest))!;
        expect(state).to.deep.include({ serviceType: "LoadBalancer", exposure: "Public", replicas: 3, readyReplicas: 3, programmed: true, message: "" });
        expect(state.ports).to.deep.equal({ crossNetwork: 15008, xds: 15012 });
    });

    it("1.25: no ConfigMap, no parametersRef, and a warning that istiod's defaults apply", async () => {
        const { outcome } = await install({}, "Generic", "1.25.2");
        expect(outcome).to.equal("");
        expect(created("kubernetes:core/v1:ConfigMap")).to.deep.equal([]);
        const [gw] = created("kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(Object.keys(gw.inputs.spec.infrastructure)).to.have.members(["labels", "annotations"]);
        expect(gw.inputs.spec.infrastructure.labels).to.deep.equal({ "topology.istio.io/network": "east" });
        expect(warnings.some((w) => w.includes("istiod's defaults (one replica, no PodDisruptionBudget)"))).to.equal(true);
    });

    it("NodePort: Solo's data-plane annotation on the Gateway, node ports read back, the fixed xDS address", async () => {
        const { mesh } = await install({ serviceType: "NodePort", address: "mesh-east.example.com", nodePorts: { crossNetwork: 31008, xds: 31012 } }, "Generic");
        const [gw] = created("kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(gw.inputs.metadata.annotations).to.include({ "networking.istio.io/service-type": "NodePort", "peering.solo.io/data-plane-service-type": "nodeport" });
        const state = (await valueOf(mesh.eastWest))!;
        expect(state).to.deep.include({ serviceType: "NodePort", exposure: "NodePort", address: "mesh-east.example.com" });
        expect(state.ports).to.deep.equal({ crossNetwork: 31008, xds: 31012 });
    });
});

describe("east-west gateway: a mesh's links (mocks)", () => {
    beforeEach(() => mockClusters({ kubernetesVersion: "v1.34.2" }));
    const peerGateways = () => registered.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && !r.id && r.inputs.spec.gatewayClassName === "istio-remote");
    const mesh = (extra: object) =>
        new MultiClusterMesh("mesh", {
            version: "1.31.1",
            gatewayApi: { manifest: CRDS },
            rootOfTrust: { rsaBits: 2048 },
            clusters: [
                { cluster: "east", context: "ctx-east" },
                { cluster: "west", context: "ctx-west", eastWestGateway: { serviceType: "NodePort", nodePorts: { crossNetwork: 31008, xds: 31012 } }, eastWestAddress: "192.0.2.20" },
            ],
            ...extra,
        } as any);

    it("shared settings with a cluster's own over them; a link to a NodePort peer names its node ports and prefers them", async () => {
        const m = mesh({ eastWestGateway: { replicas: 3, exposure: "Public", loadBalancerSourceRanges: ["10.0.0.0/8"], annotations: { "example.com/owner": "platform" } } });
        const [clusters, phase] = await Promise.all([valueOf(m.clusters), valueOf(m.phase)]);
        await settle();
        expect(phase).to.equal("SUCCEEDED");
        expect(clusters.map((c) => [c.name, c.eastWest.serviceType, c.eastWest.replicas])).to.deep.equal([["east", "LoadBalancer", 3], ["west", "NodePort", 3]]);
        const toWest = peerGateways().find((g) => g.name === "mesh-link-east-to-west")!;
        expect(toWest.inputs.metadata.annotations["peering.solo.io/preferred-data-plane-service-type"]).to.equal("nodeport");
        expect(toWest.inputs.spec.addresses).to.deep.equal([{ type: "IPAddress", value: "192.0.2.20" }]);
        expect(toWest.inputs.spec.listeners.map((l: any) => l.port)).to.deep.equal([31008, 31012]);
        const toEast = peerGateways().find((g) => g.name === "mesh-link-west-to-east")!;
        expect(toEast.inputs.metadata.annotations["peering.solo.io/preferred-data-plane-service-type"]).to.equal(undefined);
    });

    it("a link into a cluster whose gateway has no ready replica is not up, and says so", async () => {
        mockClusters({ kubernetesVersion: "v1.34.2", clusters: { "ctx-west": { eastWestReady: false } } });
        const m = mesh({});
        const [links, phase] = await Promise.all([valueOf(m.links), valueOf(m.phase)]);
        const toWest = links.find((l) => l.to === "west")!;
        expect(toWest).to.deep.include({ accepted: true, programmed: true, peerReadyReplicas: 0, ready: false });
        expect(toWest.message).to.equal("the receiving east-west gateway has no ready replica (0/2: no replica ready (0/2))");
        expect(links.find((l) => l.to === "east")!.ready).to.equal(true);
        expect(phase).to.equal("PENDING");
    });

    it("refuses an address at mesh level, naming the per-cluster field", () =>
        expectRejected(() => mesh({ eastWestGateway: { address: "10.0.0.1" } }), 'eastWestGateway.address: is per cluster (got "10.0.0.1"); allowed: clusters[].eastWestGateway.address'));

    it("names the cluster whose own settings are refused", () =>
        expectRejected(
            () => mesh({ version: "1.27.3" }),
            'clusters (west): eastWestGateway.serviceType: NodePort east-west gateways need Solo Istio 1.28 or later, where peering reaches node addresses and ports (got version "1.27.3"); allowed: LoadBalancer, or version 1.28.0 or later',
        ));
});

describe("link readiness (pure)", () => {
    const ok = { type: "Accepted", status: "True", reason: "Accepted", message: "ok" };
    const programmed = { type: "Programmed", status: "True", reason: "Programmed" };
    const peer = { serviceType: "LoadBalancer", exposure: "Public", address: "a", addresses: ["a"], ports: { crossNetwork: 15008, xds: 15012 }, replicas: 2, readyReplicas: 2, programmed: true, message: "" };
    it("is up with Accepted, Programmed and a ready peer", () => expect(linkState({ conditions: [ok, programmed] }, peer)).to.deep.include({ ready: true, message: "Accepted: ok" }));
    it("says which part is missing", () => {
        expect(linkState({ conditions: [ok] }, peer).message).to.equal("no Programmed condition reported yet");
        expect(linkState(undefined, undefined).message).to.equal("no Accepted condition reported yet; no Programmed condition reported yet");
    });
    it("honours Solo's peering conditions where istiod reports them", () => {
        const pending = { type: "gloo.solo.io/PeerConnected", status: "False", reason: "Pending", message: "not connected to peer" };
        expect(linkState({ conditions: [ok, programmed, pending] }, peer)).to.deep.include({ ready: false, message: "gloo.solo.io/PeerConnected False (Pending: not connected to peer)" });
    });
});

describe("east-west gateway state (pure)", () => {
    const ew = resolveControllerSpec({ version: "1.31.1", cluster: "east", network: "east", eastWestGateway: {} }).eastWest!;
    const clusterIp = { addresses: [{ type: "IPAddress", value: "10.96.0.20" }] };
    const service = { type: "LoadBalancer", ports: [] };

    it("does not report the ClusterIP istiod lists while the load balancer is pending", () => {
        const pending = { ...clusterIp, conditions: [{ type: "Programmed", status: "False", reason: "AddressNotAssigned", message: "no load balancer address" }] };
        expect(eastWestState(ew, "Public", { gateway: pending, service, deployment: { replicas: 2, readyReplicas: 2 } })).to.deep.include({
            address: "",
            addresses: [],
            programmed: false,
            message: "Gateway not Programmed (AddressNotAssigned: no load balancer address); no address yet",
        });
    });

    it("points links at the load balancer address the Programmed Gateway reports, from its status alone", () => {
        const programmed = { addresses: [{ type: "IPAddress", value: "203.0.113.7" }], conditions: [{ type: "Programmed", status: "True", reason: "Programmed" }] };
        expect(eastWestTarget(ew, { gateway: programmed })).to.deep.equal({ address: "203.0.113.7", addresses: ["203.0.113.7"], serviceType: "LoadBalancer", ports: { crossNetwork: 15008, xds: 15012 } });
        // Not Programmed (the load balancer pending): istiod lists the ClusterIP, which no peer can reach.
        const pending = { ...clusterIp, conditions: [{ type: "Programmed", status: "False", reason: "AddressNotAssigned" }] };
        expect(eastWestTarget(ew, { gateway: pending }).address).to.equal("");
    });

    it("points links at a NodePort gateway's given address and node ports, never at what its status lists", () => {
        const nodePort = resolveControllerSpec({ version: "1.31.1", cluster: "east", network: "east", eastWestGateway: { serviceType: "NodePort", address: "192.0.2.10" } }).eastWest!;
        const status = { addresses: [{ value: "10.96.0.20" }, { value: "istio-eastwest.istio-eastwest.svc.cluster.local" }], conditions: [{ type: "Programmed", status: "True" }] };
        const service = { ports: [{ port: 15008, nodePort: 30008 }, { port: 15012, nodePort: 30012 }] };
        expect(eastWestTarget(nodePort, { gateway: status, service })).to.deep.equal({ address: "192.0.2.10", addresses: ["192.0.2.10"], serviceType: "NodePort", ports: { crossNetwork: 30008, xds: 30012 } });
    });

    it("takes the Gateway's address once Programmed when the Service shows no ingress", () => {
        const programmed = { addresses: [{ value: "eastwest.example.com" }], conditions: [{ type: "Programmed", status: "True", reason: "Programmed" }] };
        expect(eastWestState(ew, "Public", { gateway: programmed, service, deployment: { replicas: 2, readyReplicas: 1 } })).to.deep.include({ address: "eastwest.example.com", message: "" });
    });
});
