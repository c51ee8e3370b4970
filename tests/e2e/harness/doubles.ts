// Test doubles of the controllers a simulated cluster lacks. Nothing on a kwok cluster runs istiod or a cloud load
// balancer, so this loop plays exactly their part, and nothing more, as the real ones would:
// - istiod's gateway controller: for each Gateway of class `istio-eastwest`, a LoadBalancer Service named after it
//   (owned by the Gateway, so the garbage collector removes it with the Gateway), and once the Service has an
//   ingress address, that address in the Gateway's status.addresses with Accepted/Programmed conditions;
// - the cloud load balancer: an ingress address for every LoadBalancer Service without one (from a per-cluster
//   pool in 192.0.2.0/24, the documentation range: data only, nothing is ever sent to it);
// - istiod's peering: Accepted=True on each Gateway of class `istio-remote` whose address is a known east-west
//   address (a link to an address no cluster has is left unaccepted, as istiod would leave it);
// - istiod's webhook patcher: once serving, istiod writes its CA into the validating webhooks' caBundle and flips
//   their failurePolicy from Ignore to Fail (the drift GitOps tools report as a permanent diff, istio#44285); a
//   self-signed test certificate stands for istiod's CA.
// Reads go over HTTPS with the package's own client (one process per read would be 3 kubectl starts per cluster and
// second: at 10 clusters most of two cores, which would slow every figure the bench takes next to it); the rare
// writes still go through kubectl.
import { KubeGet, connectionFrom, kubeGet, kubeconfigText } from "../../../provider/preflight/kube";
import { selfSignedCert } from "../../support/certs";
import { Cluster, kubectl } from "./clusters";

export interface DoublesOptions {
    /** The load-balancer address each cluster hands out, by cluster name. */
    addresses: Record<string, string>;
    intervalMs?: number;
}

const now = () => new Date().toISOString();


function conditions(generation: number, reason = "Accepted") {
    return [
        { type: "Accepted", status: "True", reason, message: "accepted by the test double of istiod", lastTransitionTime: now(), observedGeneration: generation },
        { type: "Programmed", status: "True", reason: "Programmed", message: "programmed by the test double of istiod", lastTransitionTime: now(), observedGeneration: generation },
    ];
}

export class ControllerDoubles {
    private timer?: NodeJS.Timeout;
    private running = false;
    private readonly gets = new Map<string, KubeGet>();
    /** The clusters reconciled; all by default (the bench narrows it to the clusters a figure uses). */
    private active?: Set<string>;
    /** Errors seen while reconciling (a cluster being torn down is not an error worth failing a test for). */
    readonly errors: string[] = [];

    constructor(
        private readonly bin: string,
        private readonly clusters: Cluster[],
        private readonly options: DoublesOptions,
    ) {}

    start(): void {
        this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1000);
    }

    async stop(): Promise<void> {
        clearInterval(this.timer);
        while (this.running) {
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    /** Reconciles only these clusters from now on (undefined: all of them again). */
    only(names: string[] | undefined): void {
        this.active = names && new Set(names);
    }

    /** A list of the cluster's objects (an empty list when the API is not served, e.g. before the Gateway API CRDs). */
    private async list(cluster: Cluster, apiPath: string): Promise<{ items: any[] }> {
        let get = this.gets.get(cluster.name);
        if (!get) {
            const source = kubeconfigText(cluster.kubeconfig);
            if (!source) throw new Error(`no kubeconfig at ${cluster.kubeconfig}`);
            get = kubeGet(connectionFrom(source.text, source.dir, cluster.context), 10_000);
            this.gets.set(cluster.name, get);
        }
        return (await get(apiPath)) ?? { items: [] };
    }

    private async tick(): Promise<void> {
        if (this.running) return;
        this.running = true;
        try {
            const clusters = this.clusters.filter((c) => !this.active || this.active.has(c.name));
            await Promise.all(clusters.map((c) => this.reconcile(c).catch((e) => this.errors.push(`${c.name}: ${(e as Error).message.split("\n")[0]}`))));
        } finally {
            this.running = false;
        }
    }

    private async reconcile(cluster: Cluster): Promise<void> {
        const known = new Set(Object.values(this.options.addresses));
        const services = await this.list(cluster, "/api/v1/services");
        for (const svc of services.items) {
            if (svc.spec.type === "LoadBalancer" && !svc.status?.loadBalancer?.ingress?.length) {
                await this.patchStatus(cluster, "service", svc.metadata.namespace, svc.metadata.name, {
                    loadBalancer: { ingress: [{ ip: this.options.addresses[cluster.name] }] },
                });
            }
        }
        await this.patchValidatingWebhooks(cluster);
        const gateways = await this.list(cluster, "/apis/gateway.networking.k8s.io/v1/gateways");
        for (const gw of gateways.items) {
            const { namespace, name, generation, uid } = gw.metadata;
            if (gw.metadata.deletionTimestamp) continue;
            if (gw.spec.gatewayClassName === "istio-eastwest") {
                const svc = services.items.find((s: any) => s.metadata.namespace === namespace && s.metadata.name === name);
                if (!svc) {
                    await this.createGatewayService(cluster, namespace, name, uid);
                    continue;
                }
                const ip = svc.status?.loadBalancer?.ingress?.[0]?.ip;
                if (ip && gw.status?.addresses?.[0]?.value !== ip) {
                    await this.patchStatus(cluster, "gateways.gateway.networking.k8s.io", namespace, name, {
                        addresses: [{ type: "IPAddress", value: ip }],
                        conditions: conditions(generation),
                    });
                }
            } else if (gw.spec.gatewayClassName === "istio-remote") {
                const accepted = gw.status?.conditions?.some((c: any) => c.type === "Accepted" && c.status === "True" && c.observedGeneration === generation);
                const address = gw.spec.addresses?.[0]?.value;
                if (!accepted && known.has(address)) {
                    await this.patchStatus(cluster, "gateways.gateway.networking.k8s.io", namespace, name, { conditions: conditions(generation) });
                }
            }
        }
    }

    private async patchValidatingWebhooks(cluster: Cluster): Promise<void> {
        const hooks = await this.list(cluster, "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations");
        for (const hook of hooks.items) {
            const name: string = hook.metadata.name;
            if (!(name.startsWith("istio-validator") || name === "istiod-default-validator")) continue;
            const patch = (hook.webhooks ?? []).flatMap((w: any, i: number) =>
                w.failurePolicy === "Fail" && w.clientConfig?.caBundle
                    ? []
                    : [
                          { op: "replace", path: `/webhooks/${i}/failurePolicy`, value: "Fail" },
                          { op: "add", path: `/webhooks/${i}/clientConfig/caBundle`, value: selfSignedCert().cert.toString("base64") },
                      ],
            );
            if (patch.length) {
                await kubectl(this.bin, cluster, ["patch", "validatingwebhookconfiguration", name, "--type=json", "-p", JSON.stringify(patch)]);
            }
        }
    }

    private async createGatewayService(cluster: Cluster, namespace: string, name: string, uid: string): Promise<void> {
        const svc = {
            apiVersion: "v1",
            kind: "Service",
            metadata: {
                name,
                namespace,
                labels: { "gateway.networking.k8s.io/gateway-name": name },
                ownerReferences: [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name, uid }],
            },
            spec: {
                type: "LoadBalancer",
                selector: { "gateway.networking.k8s.io/gateway-name": name },
                ports: [
                    { name: "cross-network", port: 15008, protocol: "TCP" },
                    { name: "xds-tls", port: 15012, protocol: "TCP" },
                ],
            },
        };
        await kubectl(this.bin, cluster, ["apply", "-f", "-"], JSON.stringify(svc));
    }

    private async patchStatus(cluster: Cluster, kind: string, namespace: string, name: string, status: object): Promise<void> {
        await kubectl(this.bin, cluster, ["patch", kind, name, "-n", namespace, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
    }
}
