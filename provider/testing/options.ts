// What servicemesh/testing can be told: the options, how a test's options build on the setup's, which keys exist,
// and the Kubernetes version a mocked cluster reports by default (one the requested Istio minor supports).
import * as pulumi from "@pulumi/pulumi";
import { ClusterSnapshot } from "../preflight/snapshot";
import { IstioVersion, minorFacts } from "../spec/versions";

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
    /**
     * The Kubernetes version the pre-flight reads. Default: the newest Kubernetes minor the requested Istio minor
     * supports (the versions table), `v1.<minor>.0`, so that a mesh at any supported Istio version passes.
     */
    kubernetesVersion?: string;
    /**
     * What else the pre-flight finds (Helm releases, Istio objects, nodes...), merged over an empty cluster; `false`:
     * no kubeconfig is found, so the pre-flight is skipped. The repository Secrets it reads come from `objects`.
     */
    preflight?: Partial<Omit<ClusterSnapshot, "repositorySecrets">> | false;
    /** Objects for other reads, or to replace an answer, keyed `<type token> <namespace/name or name>`. */
    objects?: Record<string, object>;
}

export interface ServiceMeshMocksOptions extends MockCluster {
    /**
     * Clusters that behave differently from the default, keyed by the cluster's name (a MultiClusterMesh cluster, a
     * ServiceMeshController's `cluster`) or by the kube context of the Kubernetes provider its resources go through (a
     * provider without a context: its resource name). A key that no cluster reached is an error once the program
     * settled (see `settle` and `ServiceMeshMocks.verify`).
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

// Every key, so that a typo (`istiodready`) is an error instead of a default silently kept.
const CLUSTER_KEYS: Record<keyof MockCluster, true> = {
    releases: true,
    istiodReady: true,
    dataplaneReady: true,
    eastWestAddress: true,
    linksAccepted: true,
    eastWestReady: true,
    kubernetesVersion: true,
    preflight: true,
    objects: true,
};
const OPTION_KEYS: Record<keyof ServiceMeshMocksOptions, true> = { ...CLUSTER_KEYS, clusters: true, fallback: true, gatewayApiManifest: true };
const PREFLIGHT_KEYS: Record<keyof Omit<ClusterSnapshot, "repositorySecrets">, true> = {
    serverVersion: true,
    nodes: true,
    apiGroups: true,
    helmReleases: true,
    objects: true,
    cacerts: true,
    installNamespace: true,
    gatewayApi: true,
    unread: true,
    revisions: true,
};

/** The problems of `options`' keys: one line per unknown key, naming it and where it is. */
export function unknownKeys(options: ServiceMeshMocksOptions): string[] {
    const unknown = (o: object, allowed: object, where: string) =>
        Object.keys(o)
            .filter((k) => !Object.hasOwn(allowed, k))
            .map((k) => `${where}${k}: unknown option; allowed: ${Object.keys(allowed).join(", ")}`);
    const inCluster = (c: MockCluster, where: string) => (c.preflight ? unknown(c.preflight, PREFLIGHT_KEYS, `${where}preflight.`) : []);
    const problems = [...unknown(options, OPTION_KEYS, ""), ...inCluster(options, "")];
    for (const [key, cluster] of Object.entries(options.clusters ?? {})) {
        const where = `clusters["${key}"].`;
        problems.push(...unknown(cluster ?? {}, CLUSTER_KEYS, where), ...inCluster(cluster ?? {}, where));
    }
    return problems;
}

/** `over` merged over `base`: each field replaced, except `releases` and `objects`, merged by key. */
export function mergeCluster<T extends MockCluster>(base: T, over: T): T {
    return { ...base, ...over, releases: { ...base.releases, ...over.releases }, objects: { ...base.objects, ...over.objects } };
}

/** A test's options built on the setup's: fields replaced, `releases`/`objects` by key, `clusters` entry by entry. */
export function mergeOptions(setup: ServiceMeshMocksOptions, test: ServiceMeshMocksOptions): ServiceMeshMocksOptions {
    const merged = mergeCluster(setup, test);
    const clusters: Record<string, MockCluster> = { ...setup.clusters };
    for (const [key, cluster] of Object.entries(test.clusters ?? {})) {
        clusters[key] = mergeCluster(clusters[key] ?? {}, cluster);
    }
    return { ...merged, clusters };
}

/** The newest Kubernetes minor the Istio minor supports (past the table: the newest row's), `v1.<minor>.0`. */
export function defaultKubernetesVersion(istio: IstioVersion): string {
    const row = minorFacts(istio);
    return `v1.${(row?.kubernetes ?? row?.facts.kubernetes ?? [0, 30])[1]}.0`;
}
