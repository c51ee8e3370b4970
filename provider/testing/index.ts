// servicemesh/testing: Pulumi mocks that answer what the components read from a cluster the way a cluster would, so a
// program's own unit tests can assert on phase, conditions, releases and values. By default every cluster is healthy;
// per cluster (keyed by its name or its provider's kube context) a release can fail, istiod or the dataplane stay
// unready, links be refused; `settle` awaits an output, or fails at once with what stopped the program.
import * as pulumi from "@pulumi/pulumi";
import { ManifestFetcher, useManifestFetcher } from "../gatewayapi/manifest";
import { Connector, useConnector } from "../preflight/run";
import { ClusterSnapshot } from "../preflight/snapshot";
import { CNI_DAEMONSET, ISTIOD_DEPLOYMENT, ZTUNNEL_DAEMONSET } from "../readiness/targets";
import { EASTWEST_PARAMETERS_NAME, SERVICE_TYPE_ANNOTATION } from "../render/eastwest";
import { EASTWEST_GATEWAY_NAME } from "../render/gateways";
import { tlsState } from "./tls";
import { MockCluster, ServiceMeshMocksOptions, defaultKubernetesVersion, mergeCluster, mergeOptions, unknownKeys } from "./options";
import { watch } from "./settle";

export { defaultKubernetesVersion } from "./options";
export type { MockCluster, ServiceMeshMocksOptions } from "./options";
export { settle, settled } from "./settle";
export type { SettleOptions, Settled } from "./settle";

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
    /**
     * The cluster the resource was answered for: the `clusters` key that matched it, else the provider's kube context,
     * the cluster's name, the provider's resource name, or `(default)`, the first known.
     */
    cluster: string;
    /** false for component resources. */
    custom: boolean;
}

/** A pre-flight connection: the kubeconfig and context it reads through, the cluster's name when it has one. */
export interface MockedPreflight {
    kubeconfig?: string;
    context?: string;
    cluster?: string;
}

const DEFAULT = "(default)";
const PROVIDER = "pulumi:providers:kubernetes";

/** How a cluster is known to the mocks: the ways a `clusters` key can name it. */
interface ClusterIdentity {
    context?: string;
    kubeconfig?: string;
    /** The cluster's name (MultiClusterMesh cluster, ServiceMeshController `cluster`). */
    cluster?: string;
    /** The resource name of a provider without a context. */
    provider?: string;
}

/** What every ServiceMeshMocks of a process shares: the options in force and the record of what the program did. */
class MockRecord {
    options: ServiceMeshMocksOptions = {};
    readonly resources: MockedResource[] = [];
    readonly preflights: MockedPreflight[] = [];
    readonly takenOver: string[] = [];
    readonly fetchedManifests: string[] = [];
    readonly failures: Error[] = [];
    /** `clusters` keys some cluster matched. */
    readonly reached = new Set<string>();
    /** `clusters` keys of the setup in force: defaults for whichever clusters a test builds, so never unreached. */
    setupKeys = new Set<string>();
    readonly providers = new Map<string, ClusterIdentity>();
    readonly addresses = new Map<string, string>();
    /** The east-west Gateway and its parameters ConfigMap each cluster was given, as istiod would read them. */
    readonly eastWest = new Map<string, { gateway?: any; parameters?: Record<string, string> }>();
    activity = 0;
    /** `project/stack/preview` of the Pulumi mocks installed, when installed. */
    installed?: string;

    clear(): void {
        for (const list of [this.resources, this.preflights, this.takenOver, this.fetchedManifests, this.failures]) list.length = 0;
        for (const map of [this.reached, this.providers, this.addresses, this.eastWest]) map.clear();
    }
}

/** The process's one record, shared by every setServiceMeshMocks call (several test files in one run). */
let processRecord: MockRecord | undefined;

/**
 * Pulumi mocks for programs that use servicemesh. `setServiceMeshMocks` installs them; they can also be called from
 * mocks of your own (see `useServiceMeshPreflight`). Every ServiceMeshMocks that setServiceMeshMocks returns in a
 * process shares one record and one set of options in force, so call `reset()` before each test (e.g. in
 * `beforeEach`): it makes this instance's setup options, with the test's, the ones in force.
 */
export class ServiceMeshMocks implements pulumi.runtime.Mocks {
    private readonly record: MockRecord;

    /**
     * @param setup the options every `reset` builds on.
     * @param record what this instance shares with others (setServiceMeshMocks passes the process's); default its own.
     * @param pulumiMocks project, stack and preview flag for `pulumi.runtime.setMocks`; undefined: the caller installs
     *   the mocks itself.
     */
    constructor(
        readonly setup: ServiceMeshMocksOptions = {},
        record?: MockRecord,
        private readonly pulumiMocks?: { project: string; stack: string; preview: boolean },
    ) {
        throwOnUnknownKeys(setup);
        this.record = record ?? new MockRecord();
        this.record.options = setup;
        this.record.setupKeys = new Set(Object.keys(setup.clusters ?? {}));
    }

    /** The options in force; they may be changed between tests (or call `reset`). */
    get options(): ServiceMeshMocksOptions {
        return this.record.options;
    }
    set options(options: ServiceMeshMocksOptions) {
        throwOnUnknownKeys(options);
        this.record.options = options;
    }

    /** Every resource registered or read, in order. */
    get resources(): MockedResource[] {
        return this.record.resources;
    }
    /** Each pre-flight connection. */
    get preflights(): MockedPreflight[] {
        return this.record.preflights;
    }
    /** Helm releases the pre-flight handed over for takeover (onConflict Force), as `namespace/name`. */
    get takenOver(): string[] {
        return this.record.takenOver;
    }
    /** URLs the components fetched a Gateway API manifest from. */
    get fetchedManifests(): string[] {
        return this.record.fetchedManifests;
    }
    /** Failures the mocks raised since the last reset (a read of a missing object, an ambiguous `clusters` key). */
    get failures(): readonly Error[] {
        return this.record.failures;
    }
    /** Grows with every answer the mocks give (settle waits until it stops). */
    get activity(): number {
        return this.record.activity;
    }

    /**
     * Forgets what was registered and seen, and puts in force the setup options (those given to setServiceMeshMocks)
     * with `options` built on them: a field given replaces the setup's, `releases` and `objects` merge by key, and
     * `clusters` merge entry by entry. An unknown option key throws, naming it. Also re-installs this instance's Pulumi
     * mocks when another test file installed others (another project, stack or preview flag).
     */
    reset(options: ServiceMeshMocksOptions = {}): void {
        throwOnUnknownKeys(options);
        this.record.clear();
        this.record.options = mergeOptions(this.setup, options);
        this.record.setupKeys = new Set(Object.keys(this.setup.clusters ?? {}));
        useServiceMeshPreflight(this); // forgets what was fetched before
        if (this.pulumiMocks) {
            const { project, stack, preview } = this.pulumiMocks;
            const installed = `${project}/${stack}/${preview}`;
            if (this.record.installed !== installed) {
                pulumi.runtime.setMocks(this, project, stack, preview);
                this.record.installed = installed;
            }
        }
    }

    /**
     * Throws when the options in force asked for something the program never reached: a `clusters` key that matched
     * no cluster (a typo, or a name that is neither a cluster's name nor its provider's kube context), or an unknown
     * option key, all in one error. The setup's `clusters` keys (setServiceMeshMocks) are exempt: they are defaults
     * for whichever clusters a test builds; a key a test gives (`reset(options)`, or `options` set) must be reached.
     * `settle` and `settled` call it once the program has settled; call it yourself after other waits.
     */
    verify(): void {
        const problems = unknownKeys(this.options);
        const unreached = Object.keys(this.options.clusters ?? {}).filter((k) => !this.record.reached.has(k) && !this.record.setupKeys.has(k));
        if (unreached.length) {
            const seen = this.clustersSeen();
            problems.push(
                `clusters: ${unreached.map((k) => `"${k}"`).join(", ")} matched no cluster; the clusters seen: ${seen.length ? seen.join(", ") : "none"}; a key is a cluster's name or its provider's kube context`,
            );
        }
        if (problems.length) {
            throw new Error(`servicemesh/testing: the mocks' options name what the program never reached:\n  - ${problems.join("\n  - ")}`);
        }
    }

    /** The behaviour of the cluster with this key: the defaults, overridden by its `clusters` entry. */
    cluster(key: string): MockCluster {
        const { clusters, fallback: _f, gatewayApiManifest: _g, ...defaults } = this.options;
        return mergeCluster(defaults, clusters?.[key] ?? {});
    }

    newResource(args: pulumi.runtime.MockResourceArgs): ReturnType<pulumi.runtime.Mocks["newResource"]> {
        this.record.activity++;
        const id = args.id || `${args.name}-id`;
        if (args.type === PROVIDER) {
            const { context, kubeconfig } = args.inputs;
            this.record.providers.set(id, {
                context: typeof context === "string" ? context : undefined,
                kubeconfig: typeof kubeconfig === "string" ? kubeconfig : undefined,
                provider: typeof context === "string" ? undefined : args.name,
            });
        }
        const key = this.keyOf(this.identityOf(args.provider));
        this.record.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, id: args.id, cluster: key, custom: args.custom ?? true });
        if (args.type === PROVIDER) {
            return { id, state: args.inputs };
        }
        const tls = tlsState(args.type, args.inputs);
        if (tls) {
            return { id, state: tls };
        }
        const state = args.id ? this.read(args.type, args.id, key) : this.created(args, key);
        if (state === undefined) {
            if (this.options.fallback) return this.options.fallback.newResource(args);
            throw this.failure(`${args.type} ${args.id} not found in the mocked cluster "${key}"; add it to the objects option`);
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.record.activity++;
        return this.options.fallback ? this.options.fallback.call(args) : args.inputs;
    }

    /** What a Gateway API manifest URL serves (see ServiceMeshMocksOptions.gatewayApiManifest). */
    readonly manifestFetcher: ManifestFetcher = async (url) => {
        this.record.activity++;
        this.record.fetchedManifests.push(url);
        const served = this.options.gatewayApiManifest;
        if (served instanceof Error) throw served;
        if (served !== undefined) return served;
        const version = /\/download\/(v[^/]+)\//.exec(url)?.[1];
        if (!version) throw new Error("HTTP 404");
        return gatewayApiBundle(version);
    };

    /** The pre-flight's view of a cluster, by its kube context or name; its Kubernetes version one Istio supports. */
    readonly connector: Connector = (kubeconfig, context, target) => {
        this.record.activity++;
        this.record.preflights.push({ kubeconfig, context, ...(target.cluster === undefined ? {} : { cluster: target.cluster }) });
        const key = this.keyOf({ context, kubeconfig, cluster: target.cluster });
        const c = this.cluster(key);
        if (c.preflight === false) {
            return undefined;
        }
        const snapshot: ClusterSnapshot = {
            serverVersion: c.kubernetesVersion ?? defaultKubernetesVersion(target.istio),
            nodes: [],
            apiGroups: [],
            helmReleases: [],
            objects: [],
            unread: [],
            ...c.preflight,
        };
        return {
            describe: `mocked cluster "${key}"`,
            // Repository Secrets are read as the real pre-flight reads them: from the cluster's objects.
            snapshot: async (_ns, _gatewayApi, _revisions, secrets) => {
                this.record.activity++;
                const read = structuredClone(snapshot);
                if (secrets?.length) {
                    read.repositorySecrets = secrets.map((ref) => {
                        const found = c.objects?.[`kubernetes:core/v1:Secret ${ref.namespace}/${ref.name}`] as { type?: string; data?: Record<string, string> } | undefined;
                        return { ...ref, type: found?.type, dockerConfigJson: found?.data?.[".dockerconfigjson"] };
                    });
                }
                return read;
            },
            takeOver: async (ns, name) => void this.record.takenOver.push(`${ns}/${name}`),
        };
    };

    /** A failure the mocks raise, kept so that settle reports it even when Pulumi swallows the rejection. */
    private failure(message: string): Error {
        const error = new Error(`servicemesh/testing: ${message}`);
        this.record.failures.push(error);
        return error;
    }

    /** The identity of the cluster behind a provider reference; its name from a pre-flight through the same access. */
    private identityOf(provider: string | undefined): ClusterIdentity {
        const seen = provider ? this.record.providers.get(provider.split("::").pop()!) : undefined;
        const identity: ClusterIdentity = seen ?? {};
        const sameAccess = (p: MockedPreflight) =>
            p.context === identity.context && (p.kubeconfig === undefined || identity.kubeconfig === undefined || p.kubeconfig === identity.kubeconfig);
        const names = new Set(this.record.preflights.filter((p) => p.cluster !== undefined && sameAccess(p)).map((p) => p.cluster));
        return names.size === 1 ? { ...identity, cluster: [...names][0] } : identity;
    }

    /** The `clusters` key naming this cluster (marked reached), else the first name it is known by. */
    private keyOf(identity: ClusterIdentity): string {
        const clusters = this.options.clusters ?? {};
        const names = [identity.context, identity.cluster, identity.provider].filter((n): n is string => n !== undefined);
        const matched = [...new Set(names.filter((n) => Object.hasOwn(clusters, n)))];
        if (matched.length > 1) {
            throw this.failure(`clusters: ${matched.map((k) => `"${k}"`).join(" and ")} name the same cluster (${describeIdentity(identity)}); keep one`);
        }
        if (matched.length) {
            this.record.reached.add(matched[0]);
            return matched[0];
        }
        return names[0] ?? DEFAULT;
    }

    /** The clusters the program reached, for an error about a key that matched none. */
    private clustersSeen(): string[] {
        const identities = [...this.record.providers.values(), ...this.record.preflights];
        return [...new Set(identities.map((i) => describeIdentity(this.identityWithName(i))))];
    }

    private identityWithName(i: ClusterIdentity): ClusterIdentity {
        if (i.cluster !== undefined) return i;
        const named = this.record.preflights.find((p) => p.cluster !== undefined && p.context === i.context);
        return named ? { ...i, cluster: named.cluster } : i;
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
        const eastWest = this.record.eastWest;
        if (!eastWest.has(key)) eastWest.set(key, {});
        return eastWest.get(key)!;
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
        const addresses = this.record.addresses;
        if (!addresses.has(key)) addresses.set(key, `10.0.0.${addresses.size + 1}`);
        return addresses.get(key)!;
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
        // An object the program itself created on this cluster (e.g. a revision tag's webhook): as it was given.
        const own = this.record.resources.find((r) => !r.id && r.type === type && r.cluster === key && r.inputs?.metadata?.name === name);
        return own ? structuredClone(own.inputs) : undefined;
    }
}

/** A cluster as an error message names it. */
function describeIdentity(i: ClusterIdentity): string {
    const parts = [i.cluster !== undefined && `name "${i.cluster}"`, i.context !== undefined && `context "${i.context}"`, i.provider !== undefined && `provider "${i.provider}"`];
    const said = parts.filter(Boolean).join(", ");
    return said || "the default cluster (no provider, no context)";
}

function throwOnUnknownKeys(options: ServiceMeshMocksOptions): void {
    const problems = unknownKeys(options);
    if (problems.length) {
        throw new Error(`servicemesh/testing: unknown mocks options:\n  - ${problems.join("\n  - ")}`);
    }
}

/**
 * Installs the mocks as the Pulumi mocks (and as the components' pre-flight, so no real cluster is read), with
 * `options` as the setup every `reset(options)` builds on. Call it before the program's resources are created, e.g.
 * at the top of the test file before importing the program. A process has one set of mocks: each call (one per test
 * file) returns a ServiceMeshMocks with its own setup over the same record, and its `reset()` puts that setup in force,
 * so test files that each call it can run in one mocha run as long as their tests call `reset` first (`beforeEach`).
 */
export function setServiceMeshMocks(options: ServiceMeshMocksOptions = {}, project = "project", stack = "stack", preview = false): ServiceMeshMocks {
    processRecord ??= new MockRecord();
    const mocks = new ServiceMeshMocks(options, processRecord, { project, stack, preview });
    mocks.reset();
    return mocks;
}

/**
 * Routes the components' pre-flight reads and Gateway API manifest downloads to `mocks`, and has `settle` watch them
 * (setServiceMeshMocks does it; for mocks you install yourself).
 */
export function useServiceMeshPreflight(mocks: ServiceMeshMocks): void {
    useConnector(mocks.connector);
    useManifestFetcher(mocks.manifestFetcher);
    watch(mocks);
}
