// servicemesh/testing: Pulumi mocks that answer what the components read from a cluster the way a cluster would, so a
// program's own unit tests can assert on phase, conditions, releases and values. By default every cluster is healthy;
// per cluster (keyed by Kubernetes context) a release can fail, istiod or the dataplane stay unready, links be refused.
import * as pulumi from "@pulumi/pulumi";
import { ManifestFetcher, useManifestFetcher } from "../gatewayapi/manifest";
import { Connector, useConnector } from "../preflight/run";
import { ClusterSnapshot } from "../preflight/snapshot";
import { CNI_DAEMONSET, ISTIOD_DEPLOYMENT, ZTUNNEL_DAEMONSET } from "../readiness/targets";
import { EASTWEST_PARAMETERS_NAME, SERVICE_TYPE_ANNOTATION } from "../render/eastwest";
import { EASTWEST_GATEWAY_NAME } from "../render/gateways";
import { tlsState } from "./tls";

/** How one mocked cluster behaves. Every field is optional: the default is a healthy cluster. */
export interface MockCluster {
    /** Helm status per release name (`istio-base`, `istiod`, `istio-cni`, `ztunnel`); default `deployed`. */
    releases?: Record<string, string>;
    /** false: istiod runs 0 of 2 replicas ready. */
    istiodReady?: boolean;
    /** false: the istio-cni and ztunnel DaemonSets have no pod ready. */
    dataplaneReady?: boolean;
    /** The address the east-west gateway reports. Default `10.0.0.<n>`, n counting the clusters seen. */
    eastWestAddress?: string;
    /** false: istiod refuses the peer Gateways this cluster sends (Accepted=False, reason Invalid). */
    linksAccepted?: boolean;
    /** false: the east-west gateway's Deployment has no replica ready (links into this cluster are not up). */
    eastWestReady?: boolean;
    /** The Kubernetes version the pre-flight reads. Default `v1.30.4`. */
    kubernetesVersion?: string;
    /**
     * What else the pre-flight finds (Helm releases, Istio objects, nodes...), merged over an empty cluster; `false`:
     * no kubeconfig is found, so the pre-flight is skipped.
     */
    preflight?: Partial<ClusterSnapshot> | false;
    /** Objects for other reads, or to replace an answer, keyed `<type token> <namespace/name or name>`. */
    objects?: Record<string, object>;
}

export interface ServiceMeshMocksOptions extends MockCluster {
    /**
     * Clusters that behave differently from the default, by the context of the Kubernetes provider their resources
     * go through (a provider without a context: its resource name).
     */
    clusters?: Record<string, MockCluster>;
    /** Answers for the program's own resources and calls (default: a resource's state is its inputs). */
    fallback?: pulumi.runtime.Mocks;
    /**
     * What an http(s) Gateway API manifest URL serves (an Error fails the fetch). Default: a bundle of the Gateway CRD
     * at the version in the URL's `/download/<version>/` path (the release manifests' layout), so that a program's
     * tests never reach the network.
     */
    gatewayApiManifest?: string | Error;
}

/** A minimal Gateway API bundle: the Gateway CRD of `version`, annotated the way the release manifests are. */
export function gatewayApiBundle(version: string, channel = "standard"): string {
    return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gateways.gateway.networking.k8s.io
  annotations: {gateway.networking.k8s.io/bundle-version: ${version}, gateway.networking.k8s.io/channel: ${channel}}
spec:
  group: gateway.networking.k8s.io
  names: {kind: Gateway, plural: gateways, singular: gateway, listKind: GatewayList}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;
}

/** A resource the program registered (or read), as the mocks saw it. */
export interface MockedResource {
    type: string;
    name: string;
    inputs: any;
    /** The provider reference, `<urn>::<id>`, when one was given. */
    provider?: string;
    /** The id of a read (`Deployment.get`), else undefined. */
    id?: string;
    /** The cluster key the resource was answered for (see ServiceMeshMocksOptions.clusters). */
    cluster: string;
    /** false for component resources. */
    custom: boolean;
}

const DEFAULT = "(default)";
const PROVIDER = "pulumi:providers:kubernetes";

/**
 * Pulumi mocks for programs that use servicemesh. `setServiceMeshMocks` installs them; they can also be called from
 * mocks of your own. The options may be changed between tests (or call `reset`).
 */
export class ServiceMeshMocks implements pulumi.runtime.Mocks {
    /** Every resource registered or read, in order. */
    readonly resources: MockedResource[] = [];
    /** kubeconfig/context of each pre-flight connection. */
    readonly preflights: { kubeconfig?: string; context?: string }[] = [];
    /** Helm releases the pre-flight handed over for takeover (onConflict Force), as `namespace/name`. */
    readonly takenOver: string[] = [];
    /** URLs the components fetched a Gateway API manifest from. */
    readonly fetchedManifests: string[] = [];
    private readonly clusterOfProvider = new Map<string, string>();
    private readonly addresses = new Map<string, string>();
    /** The east-west Gateway and its parameters ConfigMap each cluster was given, as istiod would read them. */
    private readonly eastWest = new Map<string, { gateway?: any; parameters?: Record<string, string> }>();

    constructor(public options: ServiceMeshMocksOptions = {}) {}

    /** Forgets what was registered and seen, keeping or replacing the options. */
    reset(options: ServiceMeshMocksOptions = this.options): void {
        this.options = options;
        this.resources.length = 0;
        this.preflights.length = 0;
        this.takenOver.length = 0;
        this.fetchedManifests.length = 0;
        useManifestFetcher(this.manifestFetcher); // forgets what was fetched before
        this.clusterOfProvider.clear();
        this.addresses.clear();
        this.eastWest.clear();
    }

    /** The behaviour of the cluster with this key: the defaults, overridden by its `clusters` entry. */
    cluster(key: string): MockCluster {
        const { clusters, fallback, ...defaults } = this.options;
        const own = clusters?.[key] ?? {};
        return { ...defaults, ...own, releases: { ...defaults.releases, ...own.releases }, objects: { ...defaults.objects, ...own.objects } };
    }

    newResource(args: pulumi.runtime.MockResourceArgs): ReturnType<pulumi.runtime.Mocks["newResource"]> {
        const key = this.clusterOf(args.provider);
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, id: args.id, cluster: key, custom: args.custom ?? true });
        const id = args.id || `${args.name}-id`;
        if (args.type === PROVIDER) {
            this.clusterOfProvider.set(id, typeof args.inputs.context === "string" ? args.inputs.context : args.name);
            return { id, state: args.inputs };
        }
        const tls = tlsState(args.type, args.inputs);
        if (tls) {
            return { id, state: tls };
        }
        const state = args.id ? this.read(args.type, args.id, key) : this.created(args, key);
        if (state === undefined) {
            if (this.options.fallback) return this.options.fallback.newResource(args);
            throw new Error(`servicemesh/testing: ${args.type} ${args.id} not found in the mocked cluster "${key}"; add it to the objects option`);
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return this.options.fallback ? this.options.fallback.call(args) : args.inputs;
    }

    /** What a Gateway API manifest URL serves (see ServiceMeshMocksOptions.gatewayApiManifest). */
    readonly manifestFetcher: ManifestFetcher = async (url) => {
        this.fetchedManifests.push(url);
        const served = this.options.gatewayApiManifest;
        if (served instanceof Error) throw served;
        if (served !== undefined) return served;
        const version = /\/download\/(v[^/]+)\//.exec(url)?.[1];
        if (!version) throw new Error("HTTP 404");
        return gatewayApiBundle(version);
    };

    /** The pre-flight's view of a cluster, by the context it connects with. */
    readonly connector: Connector = (kubeconfig, context) => {
        this.preflights.push({ kubeconfig, context });
        const c = this.cluster(context ?? DEFAULT);
        if (c.preflight === false) {
            return undefined;
        }
        const snapshot: ClusterSnapshot = {
            serverVersion: c.kubernetesVersion ?? "v1.30.4",
            nodes: [],
            apiGroups: [],
            helmReleases: [],
            objects: [],
            unread: [],
            ...c.preflight,
        };
        return {
            describe: `mocked cluster "${context ?? DEFAULT}"`,
            snapshot: async () => structuredClone(snapshot),
            takeOver: async (ns, name) => void this.takenOver.push(`${ns}/${name}`),
        };
    };

    private clusterOf(provider: string | undefined): string {
        return (provider && this.clusterOfProvider.get(provider.split("::").pop()!)) || DEFAULT;
    }

    /** What a created resource reports: Helm release status, namespace phase, Gateway status from istiod. */
    private created(args: pulumi.runtime.MockResourceArgs, key: string): Record<string, any> | undefined {
        const c = this.cluster(key);
        const state: Record<string, any> = { ...args.inputs };
        switch (args.type) {
            case "kubernetes:helm.sh/v3:Release":
                state.status = {
                    name: args.inputs.name,
                    namespace: args.inputs.namespace,
                    chart: String(args.inputs.chart).split("/").pop()!.replace(/-\d.*\.tgz$/, ""),
                    version: args.inputs.version ?? "",
                    status: c.releases?.[args.inputs.name] ?? "deployed",
                    revision: 1,
                };
                break;
            case "kubernetes:core/v1:Namespace":
            case "kubernetes:core/v1:NamespacePatch":
                state.status = { phase: "Active" };
                break;
            case "kubernetes:gateway.networking.k8s.io/v1:Gateway": {
                if (args.inputs.metadata?.name === EASTWEST_GATEWAY_NAME) {
                    this.eastWestOf(key).gateway = args.inputs;
                    state.status = this.eastWestGatewayStatus(key, c);
                    break;
                }
                const accepted = c.linksAccepted === false ? "False" : "True";
                const reason = accepted === "True" ? "Accepted" : "Invalid";
                state.status = {
                    conditions: [
                        { type: "Accepted", status: accepted, reason, message: "peer" },
                        { type: "Programmed", status: accepted, reason: accepted === "True" ? "Programmed" : "Invalid", message: "peer" },
                    ],
                };
                break;
            }
            case "kubernetes:core/v1:ConfigMap":
                if (args.inputs.metadata?.name === EASTWEST_PARAMETERS_NAME) this.eastWestOf(key).parameters = args.inputs.data;
                break;
            default:
                if (!args.type.startsWith("kubernetes:") && this.options.fallback) return undefined;
        }
        return state;
    }

    private eastWestOf(key: string): { gateway?: any; parameters?: Record<string, string> } {
        if (!this.eastWest.has(key)) this.eastWest.set(key, {});
        return this.eastWest.get(key)!;
    }

    private eastWestGatewayStatus(key: string, c: MockCluster): object {
        const conditions = [
            { type: "Accepted", status: "True", reason: "Accepted", message: "mocked istiod" },
            { type: "Programmed", status: "True", reason: "Programmed", message: "mocked istiod" },
        ];
        return { addresses: [{ type: "IPAddress", value: this.eastWestAddress(key, c) }], conditions };
    }

    /** The Service and Deployment istiod would generate from the east-west Gateway and its parameters ConfigMap. */
    private eastWestGenerated(kind: string, key: string, c: MockCluster): Record<string, any> | undefined {
        const { gateway, parameters } = this.eastWestOf(key);
        const patch = (k: string) => (parameters?.[k] ? JSON.parse(parameters[k]) : {});
        if (kind === "Gateway") {
            return { status: this.eastWestGatewayStatus(key, c) };
        }
        if (kind === "Service") {
            const type = gateway?.metadata?.annotations?.[SERVICE_TYPE_ANNOTATION] ?? "LoadBalancer";
            const fixed: { port: number; nodePort: number }[] = patch("service").spec?.ports ?? [];
            const ports = [15008, 15012].map((port, i) => ({ port, nodePort: fixed.find((p) => p.port === port)?.nodePort ?? 31000 + i }));
            const ingress = type === "LoadBalancer" ? [{ ip: this.eastWestAddress(key, c) }] : [];
            const ranges = patch("service").spec?.loadBalancerSourceRanges;
            return { spec: { type, ports, ...(ranges ? { loadBalancerSourceRanges: ranges } : {}) }, status: { loadBalancer: { ingress } } };
        }
        if (kind === "Deployment") {
            const hpa = patch("horizontalPodAutoscaler").spec;
            const replicas = hpa?.minReplicas ?? patch("deployment").spec?.replicas ?? 1;
            return { spec: { replicas }, status: { replicas, readyReplicas: c.eastWestReady === false ? 0 : replicas } };
        }
        return undefined;
    }

    private eastWestAddress(key: string, c: MockCluster): string {
        if (c.eastWestAddress) return c.eastWestAddress;
        if (!this.addresses.has(key)) this.addresses.set(key, `10.0.0.${this.addresses.size + 1}`);
        return this.addresses.get(key)!;
    }

    /** A static read (`<Kind>.get`): the objects the Istio charts create, ready unless told otherwise. */
    private read(type: string, id: string, key: string): Record<string, any> | undefined {
        const c = this.cluster(key);
        const given = c.objects?.[`${type} ${id}`];
        if (given) return structuredClone(given);
        const name = id.split("/").pop()!;
        const kind = type.split(":").pop();
        if (name === EASTWEST_GATEWAY_NAME) {
            return this.eastWestGenerated(kind!, key, c);
        }
        if (kind === "Deployment" && (name === ISTIOD_DEPLOYMENT || name.startsWith(`${ISTIOD_DEPLOYMENT}-`))) {
            return { spec: {}, status: { replicas: 2, readyReplicas: c.istiodReady === false ? 0 : 2 } };
        }
        if (kind === "DaemonSet" && (name === CNI_DAEMONSET || name === ZTUNNEL_DAEMONSET)) {
            return { status: { currentNumberScheduled: 3, numberReady: c.dataplaneReady === false ? 0 : 3 } };
        }
        if (kind === "CustomResourceDefinition") {
            return { status: { conditions: [{ type: "Established", status: "True" }] } };
        }
        if (kind === "MutatingWebhookConfiguration" && name.startsWith("istio-sidecar-injector")) {
            return { webhooks: [{ name: "rev.namespace.sidecar-injector.istio.io" }] };
        }
        if (kind === "ValidatingWebhookConfiguration" && name.startsWith("istio-validator")) {
            return { webhooks: [{ name: "rev.validation.istio.io" }] };
        }
        return undefined;
    }
}

/**
 * Installs ServiceMeshMocks as the Pulumi mocks (and as the components' pre-flight, so no real cluster is read).
 * Call it before the program's resources are created, e.g. at the top of the test file before importing the program.
 */
export function setServiceMeshMocks(options: ServiceMeshMocksOptions = {}, project = "project", stack = "stack", preview = false): ServiceMeshMocks {
    const mocks = new ServiceMeshMocks(options);
    useServiceMeshPreflight(mocks);
    pulumi.runtime.setMocks(mocks, project, stack, preview);
    return mocks;
}

/**
 * Routes the components' pre-flight reads and Gateway API manifest downloads to `mocks` (setServiceMeshMocks does
 * it; for mocks you install yourself).
 */
export function useServiceMeshPreflight(mocks: ServiceMeshMocks): void {
    useConnector(mocks.connector);
    useManifestFetcher(mocks.manifestFetcher);
}
