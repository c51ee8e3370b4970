// The Helm baselines: the same charts installed the way users do without the component - per cluster the namespace,
// the Gateway API CRDs and the cacerts Secret with kubectl, then `helm upgrade --install --wait` of base, istiod, cni
// and ztunnel in the component's order, with the values the component computes. Sequential: cluster after cluster
// (what users do today); parallel: every cluster at once (the best a script can do).
import * as fs from "fs";
import * as path from "path";
import { chartVersion } from "../provider/render/releases";
import { Environment, GATEWAY_API_CRDS } from "../tests/e2e/harness/environment";
import { run } from "../tests/e2e/harness/run";
import { clusterPlan } from "./plan";

/** Helm with its own config, cache and data directories under the bench state, so nothing is shared with the user's. */
function helmEnv(e: Environment): NodeJS.ProcessEnv {
    const home = path.join(e.stateDir, "helm");
    return { ...process.env, HELM_CACHE_HOME: `${home}/cache`, HELM_CONFIG_HOME: `${home}/config`, HELM_DATA_HOME: `${home}/data` };
}

const helm = (e: Environment, cluster: string, args: string[]) => run(path.join(e.bin, "helm"), ["--kubeconfig", e.clusters[cluster].kubeconfig, ...args], { env: helmEnv(e) });

async function installCluster(e: Environment, clusters: string[], cluster: string, caDir: string): Promise<void> {
    const { spec, releases } = clusterPlan(clusters, cluster);
    const ns = spec.installNamespace;
    await e.kubectl(cluster, ["create", "namespace", ns]);
    await e.kubectl(cluster, ["label", "namespace", ns, `topology.istio.io/network=${spec.network}`]);
    await e.kubectl(cluster, ["apply", "--server-side", "-f", GATEWAY_API_CRDS]);
    const files = ["ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem"].map((f) => `--from-file=${path.join(caDir, cluster, f)}`);
    await e.kubectl(cluster, ["create", "secret", "generic", "cacerts", "-n", ns, ...files]);
    for (const r of releases) {
        const values = path.join(e.stateDir, `values-${cluster}-${r.name}.json`);
        fs.writeFileSync(values, JSON.stringify(r.values));
        await helm(e, cluster, [
            "upgrade", "--install", r.name, r.chart, "--repo", e.repo.url, "--version", chartVersion(spec),
            "--username", e.repo.username, "--password", e.repo.password, "--ca-file", e.repo.caFile,
            "--namespace", ns, "-f", values, "--wait", "--timeout", `${spec.timeoutSeconds}s`,
        ]);
    }
}

/** Installs on every cluster, one after another or all at once, and returns when the last release is ready. */
export async function helmInstall(e: Environment, clusters: string[], caDir: string, mode: "sequential" | "parallel"): Promise<void> {
    if (mode === "parallel") {
        await Promise.all(clusters.map((c) => installCluster(e, clusters, c, caDir)));
        return;
    }
    for (const cluster of clusters) {
        await installCluster(e, clusters, cluster, caDir);
    }
}

/** Removes what helmInstall created (not timed), all clusters at once. */
export async function helmUninstall(e: Environment, clusters: string[]): Promise<void> {
    await Promise.all(
        clusters.map(async (cluster) => {
            const { spec, releases } = clusterPlan(clusters, cluster);
            for (const r of [...releases].reverse()) {
                await helm(e, cluster, ["uninstall", r.name, "--namespace", spec.installNamespace, "--wait"]);
            }
            await e.kubectl(cluster, ["delete", "namespace", spec.installNamespace, "--wait"]);
            await e.kubectl(cluster, ["delete", "-f", GATEWAY_API_CRDS, "--wait"]);
        }),
    );
}
