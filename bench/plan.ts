// What the component would install on each cluster of a bench mesh, from its own pure functions (validation, release
// plan, readiness targets, Gateway manifests): the baselines install exactly that, without the component.
import * as path from "path";
import { resolveMeshSpec } from "../provider/multicluster/validate";
import { CNI_DAEMONSET, ZTUNNEL_DAEMONSET, crdTargets, webhookTargets } from "../provider/readiness/targets";
import { eastWestGatewayManifest } from "../provider/render/eastwest";
import { chartVersion, planReleases } from "../provider/render/releases";
import { Environment, GATEWAY_API_CRDS } from "../tests/e2e/harness/environment";
import type { HandwrittenMesh } from "./handwritten/index";

export const ISTIO_VERSION = "1.24.3";

/** The component's resolved spec and release plan for `cluster` in a full mesh of `clusters`. */
export function clusterPlan(clusters: string[], cluster: string) {
    const mesh = { version: ISTIO_VERSION, clusters: clusters.map((name) => ({ cluster: name, context: name })) };
    const spec = resolveMeshSpec(mesh).controllers[cluster];
    return { spec, releases: planReleases(spec) };
}

/** The hand-written program's config for a full mesh of `clusters` (every pair linked both ways, as the example does). */
export function handwrittenMesh(e: Environment, clusters: string[], caDir: string): HandwrittenMesh {
    const first = clusterPlan(clusters, clusters[0]).spec;
    return {
        clusters: clusters.map((name) => {
            const { spec, releases } = clusterPlan(clusters, name);
            const daemonSets: Record<string, string> = {};
            if (releases.some((r) => r.name === "istio-cni")) daemonSets["istio-cni"] = CNI_DAEMONSET;
            if (releases.some((r) => r.name === "ztunnel")) daemonSets["ztunnel"] = ZTUNNEL_DAEMONSET;
            const hooks = webhookTargets(spec);
            return {
                name,
                kubeconfig: e.clusters[name].kubeconfig,
                context: e.clusters[name].context,
                network: spec.network!,
                trustDomain: spec.trustDomain,
                releases: releases.map((r) => ({ name: r.name, chart: r.chart, values: r.values, after: r.after, afterGatewayApi: r.afterGatewayApi })),
                reads: { crds: crdTargets(spec), daemonSets, mutating: hooks.mutating, validating: hooks.validating },
                eastWestGateway: eastWestGatewayManifest(spec.eastWest!, spec.network!, spec.cluster!, {}),
            };
        }),
        links: clusters.flatMap((from) => clusters.filter((to) => to !== from).map((to) => ({ from, to }))),
        chartVersion: chartVersion(first),
        namespace: first.installNamespace,
        eastWestNamespace: first.eastWest!.namespace,
        gatewayApiManifest: path.resolve(GATEWAY_API_CRDS),
        caDir,
        timeoutSeconds: first.timeoutSeconds,
        repository: { url: e.repo.url, username: e.repo.username, caFile: e.repo.caFile },
    };
}
