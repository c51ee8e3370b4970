// Pulumi mocks that play a Kubernetes cluster: Helm releases report a status, and static reads return the objects
// a test puts in `cluster`. Every registration is recorded, so tests can assert what was (or was not) created.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { SpecError } from "../../provider/spec/inputs";
import { tlsState } from "./tlsMock";
import { useConnector } from "../../provider/preflight/run";
import { ClusterSnapshot } from "../../provider/preflight/snapshot";
import { useManifestFetcher } from "../../provider/gatewayapi/manifest";

export interface Registered {
    type: string;
    name: string;
    inputs: any;
    provider?: string;
    id?: string;
    custom: boolean;
}

export interface MockCluster {
    /** Objects returned by static reads, keyed by `<type> <id>`. */
    objects: Map<string, any>;
    /** Helm status a release reports, by release name (default "deployed"). */
    releaseStatus: Record<string, string>;
    /** Address an east-west Gateway reports, by the id of the provider it was created through (default 10.0.0.1). */
    eastWestAddresses: Record<string, string>;
    /** Accepted condition status of remote peer Gateways (default "True"). */
    linkAccepted: string;
    /** What the pre-flight reads (default: an empty Kubernetes 1.30 cluster); undefined = no kubeconfig found. */
    snapshot?: ClusterSnapshot;
    /** Releases the pre-flight handed over for takeover, as `namespace/name`. */
    takenOver: string[];
    /** What a Gateway API manifest URL serves instead of the default one-CRD bundle of its version; an Error fails the fetch. */
    manifest?: string | Error;
    /** kubeconfig/context the pre-flight was given, per connection. */
    connections: { kubeconfig?: string; context?: string }[];
}

export function emptySnapshot(serverVersion = "v1.30.4"): ClusterSnapshot {
    return { serverVersion, nodes: [], apiGroups: [], helmReleases: [], objects: [], unread: [] };
}

export const registered: Registered[] = [];
export const cluster: MockCluster = { objects: new Map(), releaseStatus: {}, eastWestAddresses: {}, linkAccepted: "True", takenOver: [], connections: [] };

useConnector((kubeconfig, context) => {
    cluster.connections.push({ kubeconfig, context });
    const snapshot = cluster.snapshot;
    return snapshot && {
        describe: "mock cluster",
        snapshot: async () => structuredClone(snapshot),
        takeOver: async (ns, name) => void cluster.takenOver.push(`${ns}/${name}`),
    };
});

/** URLs the component fetched a Gateway API manifest from. */
export const fetchedManifests: string[] = [];

/** A release manifest URL `.../download/<version>/standard-install.yaml` serves a one-CRD bundle of that version. */
export function bundleText(version: string, channel = "standard"): string {
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

useManifestFetcher(async (url) => {
    fetchedManifests.push(url);
    if (cluster.manifest instanceof Error) throw cluster.manifest;
    if (cluster.manifest !== undefined) return cluster.manifest;
    const m = /\/download\/(v[^/]+)\/standard-install\.yaml$/.exec(url);
    if (!m) throw new Error("HTTP 404");
    return bundleText(m[1]);
});

/** additionalSecretOutputs of each resource created or read, by resource name (see recordSecretOutputs). */
export const secretOutputs: Record<string, string[] | undefined> = {};

/** A transformation that records additionalSecretOutputs, which mocks do not apply themselves. */
export function recordSecretOutputs(a: pulumi.ResourceTransformationArgs): undefined {
    secretOutputs[a.name] = (a.opts as pulumi.CustomResourceOptions).additionalSecretOutputs;
    return undefined;
}

export function resetMocks(): void {
    registered.length = 0;
    fetchedManifests.length = 0;
    Object.keys(secretOutputs).forEach((k) => delete secretOutputs[k]);
    cluster.objects = healthyCluster();
    cluster.releaseStatus = {};
    cluster.eastWestAddresses = {};
    cluster.linkAccepted = "True";
    cluster.snapshot = emptySnapshot();
    cluster.takenOver = [];
    cluster.connections = [];
    cluster.manifest = undefined;
}

/** A cluster in which everything the ambient install creates is ready. */
export function healthyCluster(ns = "istio-system"): Map<string, any> {
    const m = new Map<string, any>();
    m.set(`kubernetes:apps/v1:Deployment ${ns}/istiod`, { spec: {}, status: { replicas: 2, readyReplicas: 2 } });
    m.set(`kubernetes:apps/v1:DaemonSet ${ns}/istio-cni-node`, { status: { currentNumberScheduled: 3, numberReady: 3 } });
    m.set(`kubernetes:apps/v1:DaemonSet ${ns}/ztunnel`, { status: { currentNumberScheduled: 3, numberReady: 3 } });
    for (const crd of [
        "virtualservices.networking.istio.io",
        "authorizationpolicies.security.istio.io",
        "gateways.gateway.networking.k8s.io",
    ]) {
        m.set(`kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition ${crd}`, {
            status: { conditions: [{ type: "Established", status: "True" }] },
        });
    }
    const injector = ns === "istio-system" ? "istio-sidecar-injector" : `istio-sidecar-injector-${ns}`;
    m.set(`kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration ${injector}`, {
        webhooks: [{ name: "rev.namespace.sidecar-injector.istio.io" }],
    });
    m.set(`kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration istio-validator-${ns}`, {
        webhooks: [{ name: "rev.validation.istio.io" }],
    });
    return m;
}

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: any } {
            registered.push({
                type: args.type,
                name: args.name,
                inputs: args.inputs,
                provider: args.provider,
                id: args.id,
                custom: args.custom ?? true,
            });
            if (args.id) {
                // A static read: the object must exist in the mock cluster, as it must in a real one.
                const obj = cluster.objects.get(`${args.type} ${args.id}`);
                if (!obj) {
                    throw new Error(`mock cluster: ${args.type} ${args.id} not found`);
                }
                return { id: args.id, state: obj };
            }
            const tls = tlsState(args.type, args.inputs);
            if (tls) {
                return { id: `${args.name}-id`, state: tls };
            }
            const state: any = { ...args.inputs };
            if (args.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway") {
                // Play istiod: give east-west gateways an address and accept peer gateways.
                state.status =
                    args.inputs.metadata.name === "istio-eastwest"
                        ? { addresses: [{ type: "IPAddress", value: cluster.eastWestAddresses[args.provider?.split("::").pop() ?? ""] ?? "10.0.0.1" }] }
                        : { conditions: [{ type: "Accepted", status: cluster.linkAccepted, reason: cluster.linkAccepted === "True" ? "Accepted" : "Invalid", message: "peer" }] };
            }
            if (args.type === "kubernetes:helm.sh/v3:Release") {
                state.status = {
                    name: args.inputs.name,
                    namespace: args.inputs.namespace,
                    chart: String(args.inputs.chart).split("/").pop()!.replace(/-\d.*\.tgz$/, ""),
                    version: args.inputs.version ?? "",
                    status: cluster.releaseStatus[args.inputs.name] ?? "deployed",
                    revision: 1,
                };
            }
            if (args.type === "kubernetes:core/v1:Namespace" || args.type === "kubernetes:core/v1:NamespacePatch") {
                state.status = { phase: "Active" };
            }
            return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return args.inputs;
        },
    },
    "servicemesh",
    "test",
    false,
);

/** Resolves an Output in a test. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every registration that was started has been recorded. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
        await new Promise((r) => setImmediate(r));
    }
}

/**
 * Asserts that `construct` throws a SpecError listing `problem` (and naming `component` when given), and that nothing
 * at all was registered.
 */
export async function expectRejected(construct: () => unknown, problem: string, component?: string): Promise<void> {
    let error: unknown;
    try {
        construct();
    } catch (e) {
        error = e;
    }
    expect(error).to.be.instanceOf(SpecError);
    expect((error as SpecError).problems).to.include(problem);
    if (component) {
        expect((error as Error).message).to.contain(component);
    }
    await settle();
    expect(registered).to.deep.equal([]);
}
