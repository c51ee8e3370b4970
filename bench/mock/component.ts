// Part 1, the component: a full-mesh MultiClusterMesh of the given clusters, compiled (dist/) as programs get it, with
// CA material issued elsewhere (the path the real-engine tier and the demo use; generating it would measure the
// openssl test double, not the component).
import { MultiClusterMesh } from "../../dist"; // npm run bench builds it first
import { IssuedCa } from "../../tests/support/pki";
import { GATEWAY_API_CRDS } from "./program";

/** Constructs the mesh and resolves once its phase (the last output, after every read) is known. */
export function component(names: string[], cas: Record<string, IssuedCa>): Promise<string> {
    const mesh = new MultiClusterMesh("mesh", {
        version: "1.24.3",
        clusters: names.map((name) => ({ cluster: name, context: `ctx-${name}` })),
        gatewayApi: { manifest: GATEWAY_API_CRDS },
        rootOfTrust: { clusterCas: names.map((cluster) => ({ cluster, ...cas[cluster] })) },
    });
    return new Promise((resolve) => mesh.phase.apply(resolve));
}
