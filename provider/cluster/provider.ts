// How a component reaches its cluster: the caller's provider (resource option), or one built from a kubeconfig input.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterAccess {
    kubeconfig?: pulumi.Input<string>;
    context?: pulumi.Input<string>;
    /** The program's provider for the cluster, given as an input (the way other languages hand one over). */
    provider?: pulumi.ProviderResource;
}

/**
 * A Kubernetes provider for `kubeconfig` (content or file path) and/or `context` (of the ambient kubeconfig when no
 * kubeconfig is given), or undefined when neither is given so that children inherit the provider from the resource
 * options. The kubeconfig is always a secret.
 */
export function providerFor(name: string, access: ClusterAccess, parent: pulumi.Resource): pulumi.ProviderResource | undefined {
    if (access.provider) {
        return access.provider;
    }
    if (access.kubeconfig === undefined && access.context === undefined) {
        return undefined;
    }
    return clusterProvider(`${name}-k8s`, access, { parent });
}

/** The Kubernetes provider the resource options target (`provider`, or the kubernetes entry of `providers`). */
export function kubernetesProviderOption(opts: pulumi.ComponentResourceOptions | undefined): pulumi.ProviderResource | undefined {
    if (!opts) {
        return undefined;
    }
    // getPackage is public at run time but not in the SDK's type declarations.
    const isKubernetes = (p: pulumi.ProviderResource) => (p as unknown as { getPackage(): string }).getPackage() === "kubernetes";
    if (opts.provider && isKubernetes(opts.provider)) {
        return opts.provider;
    }
    const providers = opts.providers;
    const list = !providers ? [] : Array.isArray(providers) ? providers : Object.values(providers);
    return list.find(isKubernetes);
}

/**
 * What is wrong with a value given as a Kubernetes provider input, or undefined for a provider. From another language
 * the engine hands the component a reference that the Node.js SDK rehydrates as a k8s.Provider; a reference it could
 * not rehydrate arrives as the provider's id or URN (a string).
 */
export function providerProblem(value: unknown): string | undefined {
    if (k8s.Provider.isInstance(value)) {
        return undefined;
    }
    const got = typeof value === "string" ? `the string ${JSON.stringify(value)}` : pulumi.Resource.isInstance(value) ? "a resource that is not a Kubernetes provider" : `${JSON.stringify(value)}`;
    return `is ${got}; allowed: a Kubernetes provider resource (a kubernetes.Provider of the program, passed as the resource itself)`;
}

/**
 * One way to reach a component's cluster: the `provider` input, `kubeconfig`/`context`, or a Kubernetes provider
 * resource option; `target` says which cluster (e.g. `the sending cluster "east"`). Also checks the provider input.
 */
export function accessProblems(access: { kubeconfig?: unknown; context?: unknown; provider?: unknown }, providerOption: boolean, target: string): string[] {
    const ways = [
        ...(access.provider !== undefined ? ["provider"] : []),
        ...(access.kubeconfig !== undefined ? ["kubeconfig"] : access.context !== undefined ? ["context"] : []),
        ...(providerOption ? ["a kubernetes provider resource option"] : []),
    ];
    const problems = providerInputProblems("provider", access.provider);
    if (ways.length > 1) {
        problems.push(
            `${ways[0]}: set together with ${ways.slice(1).join(" and ")}; allowed: one way to reach ${target}, either the provider input, kubeconfig/context or the provider option`,
        );
    }
    return problems;
}

/** The provider input's problem (`field: ...`), if it is given and is not a Kubernetes provider. */
function providerInputProblems(field: string, provider: unknown): string[] {
    const problem = provider !== undefined ? providerProblem(provider) : undefined;
    return problem ? [`${field}: ${problem}`] : [];
}

/** How the program reaches a mesh's clusters besides their kubeconfig/context inputs (TypeScript resource options). */
export interface MeshAccessOptions {
    /** Names given a provider in the `clusterProviders` option. */
    clusterProviders?: string[];
    /** A Kubernetes provider in the `provider`/`providers` option, which names no cluster. */
    providerOption?: boolean;
}

/** Exactly one way to reach each cluster: its `provider` input, a provider in clusterProviders, or its kubeconfig/context. */
export function meshAccessProblems(clusters: { name: string; kubeconfig?: unknown; context?: unknown; provider?: unknown }[], access: MeshAccessOptions): string[] {
    const problems: string[] = [];
    const withOption = new Set(access.clusterProviders ?? []);
    const names = clusters.map((c) => c.name);
    if (access.providerOption) {
        problems.push(
            "provider: a kubernetes provider resource option does not say which cluster it reaches; allowed: each cluster's provider, kubeconfig or context (or clusterProviders in TypeScript)",
        );
    }
    for (const name of withOption) {
        if (!names.includes(name)) {
            problems.push(`clusterProviders: "${name}" is not a cluster of this mesh; allowed: ${names.join(", ")}`);
        }
    }
    clusters.forEach((c, i) => {
        const ways = [
            ...(["kubeconfig", "context"] as const).filter((f) => c[f] !== undefined),
            ...(c.provider !== undefined ? ["provider"] : []),
            ...(withOption.has(c.name) ? [`clusterProviders.${c.name}`] : []),
        ];
        problems.push(...providerInputProblems(`clusters[${i}] (${c.name}).provider`, c.provider));
        if (ways.length > 1 && !(ways.length === 2 && ways[0] === "kubeconfig" && ways[1] === "context")) {
            problems.push(
                `clusters[${i}] (${c.name}): ${ways.join(" and ")} set together; allowed: one way to reach the cluster, either a provider or kubeconfig/context`,
            );
        } else if (!ways.length && clusters.length > 1) {
            problems.push(
                `clusters[${i}] (${c.name}): has no kubeconfig, context or provider; allowed: one of them, so that each cluster is reached through its own provider`,
            );
        }
    });
    return problems;
}

/** True when the resource options already target a Kubernetes provider. */
export function hasKubernetesProviderOption(opts: pulumi.ComponentResourceOptions | undefined): boolean {
    return kubernetesProviderOption(opts) !== undefined;
}

// Providers built from known access inputs (MultiClusterMesh's per-cluster providers), so a component handed one of
// them as its provider option can still run its pre-flight against the same cluster.
const accessByProvider = new WeakMap<pulumi.ProviderResource, ClusterAccess>();

export function clusterProvider(name: string, access: ClusterAccess, opts: pulumi.CustomResourceOptions): k8s.Provider {
    const provider = new k8s.Provider(
        name,
        { kubeconfig: access.kubeconfig === undefined ? undefined : pulumi.secret(access.kubeconfig), context: access.context },
        opts,
    );
    accessByProvider.set(provider, access);
    return provider;
}

/**
 * How the pre-flight can reach the cluster: the access inputs; those a known provider was built from; the
 * `kubeconfig`/`context` a @pulumi/kubernetes Provider object carries as outputs (the SDK sets them from its inputs,
 * `kubeconfig` defaulting to $KUBECONFIG; a provider input from another language's program arrives rehydrated from the
 * engine's state, with them); or "opaque" for a provider whose settings cannot be read (a provider resource option
 * from another language's program, which arrives as a bare reference).
 */
export function accessFor(access: ClusterAccess, opts: pulumi.ComponentResourceOptions | undefined): ClusterAccess | "opaque" {
    const provider = access.provider ?? kubernetesProviderOption(opts);
    if (access.kubeconfig !== undefined || access.context !== undefined || !provider) {
        return { kubeconfig: access.kubeconfig, context: access.context };
    }
    const known = accessByProvider.get(provider);
    if (known) {
        return known;
    }
    const settings = provider as unknown as { kubeconfig?: unknown; context?: unknown };
    if (!pulumi.Output.isInstance(settings.kubeconfig) && !pulumi.Output.isInstance(settings.context)) {
        return "opaque";
    }
    return { kubeconfig: settings.kubeconfig as pulumi.Output<string>, context: settings.context as pulumi.Output<string> };
}
