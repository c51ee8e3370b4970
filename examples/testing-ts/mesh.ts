// The program's logic as a function, so tests can build it under mocks: a Kubernetes provider per context (as a
// program that already has them would) and a multicluster mesh over them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MultiClusterMesh } from "servicemesh";

export function buildMesh(contexts: string[], license?: pulumi.Input<string>) {
    const providers = Object.fromEntries(contexts.map((context) => [context, new k8s.Provider(context, { context })]));
    const mesh = new MultiClusterMesh(
        "mesh",
        {
            version: "1.26.2",
            clusters: contexts.map((cluster) => ({ cluster })),
            license,
            rootOfTrust: { keyAlgorithm: "ECDSA" },
        },
        { clusterProviders: providers },
    );
    return { mesh, providers };
}
