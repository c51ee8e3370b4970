// How a component reaches its cluster: the caller's provider (resource option), or one built from a kubeconfig input.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterAccess {
    kubeconfig?: pulumi.Input<string>;
    context?: pulumi.Input<string>;
}

/**
 * A Kubernetes provider for `kubeconfig` (content or file path) and `context`, or undefined when no kubeconfig is
 * given so that children inherit the provider from the resource options. The kubeconfig is always a secret.
 */
export function providerFor(name: string, access: ClusterAccess, parent: pulumi.Resource): k8s.Provider | undefined {
    if (access.kubeconfig === undefined) {
        return undefined;
    }
    return clusterProvider(`${name}-k8s`, access, { parent });
}

/** True when the resource options already target a Kubernetes provider. */
export function hasKubernetesProviderOption(opts: pulumi.ComponentResourceOptions | undefined): boolean {
    if (!opts) {
        return false;
    }
    if (opts.provider) {
        return true;
    }
    const providers = opts.providers;
    if (!providers) {
        return false;
    }
    const list = Array.isArray(providers) ? providers : Object.values(providers);
    // getPackage is public at run time but not in the SDK's type declarations.
    return list.some((p) => (p as unknown as { getPackage(): string }).getPackage() === "kubernetes");
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

/** How the pre-flight can reach the cluster: the access inputs, those of a known provider option, or "opaque". */
export function accessFor(access: ClusterAccess, opts: pulumi.ComponentResourceOptions | undefined): ClusterAccess | "opaque" {
    if (access.kubeconfig !== undefined || !hasKubernetesProviderOption(opts)) {
        return access;
    }
    return (opts?.provider && accessByProvider.get(opts.provider as pulumi.ProviderResource)) || "opaque";
}
