// Simulated Kubernetes clusters: real API servers (kube-apiserver, etcd, controller-manager, scheduler) with fake
// nodes and pods run by kwok, created through scripts/kwok.sh from local binaries only.
import * as path from "path";
import { run } from "./run";
import { REPO } from "./tools";

export interface Cluster {
    name: string;
    kubeconfig: string;
    /** The kubeconfig's context. */
    context: string;
}

function kwok(fn: string, ...args: string[]): Promise<string> {
    const script = `. "${path.join(REPO, "scripts", "kwok.sh")}" && ${fn} ${args.map((a) => `"${a}"`).join(" ")}`;
    return run("bash", ["-c", script]).then((r) => r.stdout.trim());
}

export async function startCluster(name: string, nodes: number): Promise<Cluster> {
    const kubeconfig = await kwok("start_cluster", name, String(nodes));
    return { name, kubeconfig, context: `kwok-${name}` };
}

/** Stops a cluster's control plane, keeping its state: its API server refuses connections until startCluster. */
export async function stopCluster(name: string): Promise<void> {
    await kwok("stop_cluster", name);
}

export async function deleteCluster(name: string): Promise<void> {
    await kwok("delete_cluster", name).catch(() => undefined);
}

/** kubectl against one cluster, with the toolchain's kubectl. */
export function kubectl(bin: string, cluster: Cluster, args: string[], input?: string): Promise<string> {
    return run(path.join(bin, "kubectl"), ["--kubeconfig", cluster.kubeconfig, ...args], { input }).then((r) => r.stdout);
}

export async function kubectlJson<T = any>(bin: string, cluster: Cluster, args: string[]): Promise<T> {
    return JSON.parse(await kubectl(bin, cluster, [...args, "-o", "json"]));
}
