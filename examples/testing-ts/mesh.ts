// The program's logic as a function, so tests can build it under mocks: a Kubernetes provider per context (as a
// program that already has them would) and a multicluster mesh over them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MultiClusterMesh } from "servicemesh";

/** The Istio version the program installs unless told otherwise: the newest minor servicemesh knows. */
export const DEFAULT_VERSION = "1.31.1";

export function buildMesh(contexts: string[], options: { version?: string; license?: pulumi.Input<string> } = {}) {
    const providers = Object.fromEntries(contexts.map((context) => [context, new k8s.Provider(context, { context })]));
    const mesh = new MultiClusterMesh(
        "mesh",
        {
            version: options.version ?? DEFAULT_VERSION,
            clusters: contexts.map((cluster) => ({ cluster })),
            license: options.license,
            rootOfTrust: { keyAlgorithm: "ECDSA" },
        },
        { clusterProviders: providers },
    );
    return { mesh, providers };
}
