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

const PROBE_NAMESPACE = "servicemesh-probe";
const probe = (ns: string) => [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "probe", namespace: ns },
        spec: {
            selector: { matchLabels: { app: "probe" } },
            template: { metadata: { labels: { app: "probe" } }, spec: { containers: [{ name: "probe", image: "registry.k8s.io/pause:3.10" }] } },
        },
    },
];

/**
 * Waits until the cluster runs pods on every node (a probe DaemonSet's pods scheduled, Running and Ready, then
 * removed); resolves with the seconds it took. A restarted cluster needs this, not a node Ready wait: its nodes keep
 * the Ready status they had before the stop, but the new kwok controller takes a node over (renews its heartbeat,
 * runs its pods) only once the stopped controller's lease on it has expired: kwokctl's node leases last 200 s from
 * their last renewal, and a controller that finds one held retries every 50 s. Until then pods bound to the node
 * stay Pending.
 */
export async function untilPodsRun(bin: string, cluster: Cluster, timeoutS = 600): Promise<number> {
    const started = performance.now();
    await kubectl(bin, cluster, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: probe(PROBE_NAMESPACE) }));
    await kubectl(bin, cluster, ["rollout", "status", "daemonset/probe", "-n", PROBE_NAMESPACE, `--timeout=${timeoutS}s`]);
    const seconds = (performance.now() - started) / 1000;
    await kubectl(bin, cluster, ["delete", "namespace", PROBE_NAMESPACE, "--wait=true", "--timeout=120s"]);
    return seconds;
}

/** kubectl against one cluster, with the toolchain's kubectl. */
export function kubectl(bin: string, cluster: Cluster, args: string[], input?: string): Promise<string> {
    return run(path.join(bin, "kubectl"), ["--kubeconfig", cluster.kubeconfig, ...args], { input }).then((r) => r.stdout);
}

export async function kubectlJson<T = any>(bin: string, cluster: Cluster, args: string[]): Promise<T> {
    return JSON.parse(await kubectl(bin, cluster, [...args, "-o", "json"]));
}
