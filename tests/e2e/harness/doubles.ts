// Test doubles of the controllers a simulated cluster lacks. Nothing on a kwok cluster runs istiod or a cloud load
// balancer, so this loop plays exactly their part, and nothing more, as the real ones would:
// - istiod's gateway deployment controller, for each Gateway of class `istio-eastwest`: the Deployment, Service,
//   HorizontalPodAutoscaler and PodDisruptionBudget it renders, with the Gateway's infrastructure metadata and its
//   parametersRef ConfigMap's patches, owned by the Gateway; and the Gateway's status (gatewayDouble.ts says which
//   istio source lines each rule follows). kube-controller-manager and the scheduler then run the Deployment for real
//   (kwok plays the pods), honouring replicas, anti-affinity and the PodDisruptionBudget;
// - the cloud load balancer: an ingress address for every LoadBalancer Service, from a per-cluster pool in
//   192.0.2.0/24 (the documentation range: data only, nothing is ever sent to it); changing a cluster's pool address
//   re-addresses its load balancers, as a re-created cloud load balancer would;
// - istiod's peering (upstream and Solo's): each Gateway of class `istio-remote` is Accepted and Programmed (upstream
//   says so of every remote Gateway); Solo's gloo.solo.io/PeerConnected is True only when the address and xDS port
//   reach the peer cluster's east-west gateway (its load balancer on 15012, or for a NodePort gateway one of its
//   nodes' addresses on the xDS node port), and gloo.solo.io/PeeringSucceeded only when that gateway also has a ready
//   replica and offers the data plane the link prefers (NodePort or not);
// - istiod's webhook patcher: once serving, istiod writes its CA into the validating webhooks' caBundle and flips
//   their failurePolicy from Ignore to Fail (the drift GitOps tools report as a permanent diff, istio#44285); a
//   self-signed test certificate stands for istiod's CA.
// Reads go over HTTPS with the package's own client (one process per read would be 3 kubectl starts per cluster and
// second: at 10 clusters most of two cores, which would slow every figure the bench takes next to it); the rare
// writes still go through kubectl.
import { KubeGet, connectionFrom, kubeGet, kubeconfigText } from "../../../provider/preflight/kube";
import { selfSignedCert } from "../../support/certs";
import { Cluster, kubectl } from "./clusters";
import { RENDERED_ANNOTATION, eastWestStatus, overlayError, renderEastWest, renderKey, sameStatus } from "./gatewayDouble";

export interface DoublesOptions {
    /** The load-balancer address each cluster hands out, by cluster name. */
    addresses: Record<string, string>;
    intervalMs?: number;
}



export class ControllerDoubles {
    private timer?: NodeJS.Timeout;
    private running = false;
    private readonly gets = new Map<string, KubeGet>();
    /** Reads of the current pass, so links to one peer read its gateway once per pass. */
    private pass = new Map<string, Promise<any>>();
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
        return (await this.get(cluster, apiPath)) ?? { items: [] };
    }

    /** One object, or undefined when it is not there. */
    private async get(cluster: Cluster, apiPath: string): Promise<any> {
        let get = this.gets.get(cluster.name);
        if (!get) {
            const source = kubeconfigText(cluster.kubeconfig);
            if (!source) throw new Error(`no kubeconfig at ${cluster.kubeconfig}`);
            get = kubeGet(connectionFrom(source.text, source.dir, cluster.context), 10_000);
            this.gets.set(cluster.name, get);
        }
        const key = `${cluster.name} ${apiPath}`;
        if (!this.pass.has(key)) this.pass.set(key, get(apiPath));
        return this.pass.get(key);
    }

    private async tick(): Promise<void> {
        if (this.running) return;
        this.running = true;
        this.pass = new Map();
        try {
            const clusters = this.clusters.filter((c) => !this.active || this.active.has(c.name));
            await Promise.all(clusters.map((c) => this.reconcile(c).catch((e) => this.errors.push(`${c.name}: ${(e as Error).message.split("\n")[0]}`))));
        } finally {
            this.running = false;
        }
    }

    private async reconcile(cluster: Cluster): Promise<void> {
        const services = await this.list(cluster, "/api/v1/services");
        for (const svc of services.items) {
            const pool = this.options.addresses[cluster.name];
            if (svc.spec.type === "LoadBalancer" && svc.status?.loadBalancer?.ingress?.[0]?.ip !== pool) {
                await this.patchStatus(cluster, "service", svc.metadata.namespace, svc.metadata.name, {
                    loadBalancer: { ingress: [{ ip: pool }] },
                });
            }
        }
        await this.patchValidatingWebhooks(cluster);
        const gateways = await this.list(cluster, "/apis/gateway.networking.k8s.io/v1/gateways");
        for (const gw of gateways.items) {
            const { namespace, name } = gw.metadata;
            if (gw.metadata.deletionTimestamp) continue;
            if (gw.spec.gatewayClassName === "istio-eastwest") {
                const deployment = await this.get(cluster, `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
                await this.renderEastWest(cluster, gw, deployment);
                const service = services.items.find((o: any) => o.metadata.namespace === namespace && o.metadata.name === name);
                const status = eastWestStatus(gw, { service, deployment });
                if (!sameStatus(gw.status, status)) {
                    await this.patchStatus(cluster, "gateways.gateway.networking.k8s.io", namespace, name, status);
                }
            } else if (gw.spec.gatewayClassName === "istio-remote") {
                const status = await this.peering(gw);
                if (!sameStatus(gw.status, status)) {
                    await this.patchStatus(cluster, "gateways.gateway.networking.k8s.io", namespace, name, status);
                }
            }
        }
    }

    /** Renders (again, when the Gateway or its ConfigMap changed) what istiod generates for an east-west Gateway. */
    private async renderEastWest(cluster: Cluster, gw: any, deployment: any): Promise<void> {
        const { namespace, name } = gw.metadata;
        const ref = gw.spec.infrastructure?.parametersRef;
        const cm = ref ? await this.get(cluster, `/api/v1/namespaces/${namespace}/configmaps/${ref.name}`) : undefined;
        if (ref && !cm?.data) return; // istiod: "parametersRef targeting configmap ..., but configmap does not exist"
        if (overlayError(cm?.data)) return; // istiod: "unsupported overlay": nothing rendered
        const key = renderKey(gw, cm?.data);
        if (deployment?.metadata?.annotations?.[RENDERED_ANNOTATION] === key) return;
        const objects = renderEastWest(gw);
        const rendered: any[] = [];
        for (const [overlay, object] of Object.entries<any>(objects)) {
            const patch = cm?.data?.[overlay];
            if (!patch && (overlay === "horizontalPodAutoscaler" || overlay === "podDisruptionBudget")) {
                await kubectl(this.bin, cluster, ["delete", object.kind.toLowerCase(), name, "-n", namespace, "--ignore-not-found"]);
                continue;
            }
            // Kubernetes' own strategic merge patch, as istiod applies it (strategicMergePatchYAML).
            rendered.push(patch ? JSON.parse(await kubectl(this.bin, cluster, ["patch", "--local", "-f", "-", "--type=strategic", "-p", patch, "-o", "json"], JSON.stringify(object))) : object);
        }
        const dep = rendered.find((o) => o.kind === "Deployment");
        dep.metadata.annotations = { ...dep.metadata.annotations, [RENDERED_ANNOTATION]: key };
        await kubectl(this.bin, cluster, ["apply", "--server-side", "--field-manager=istiod-double", "--force-conflicts", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: rendered }));
    }

    /** Solo's peering, as far as the API servers show it: which cluster and gateway a remote Gateway reaches. */
    private async peering(gw: any): Promise<{ addresses: any[]; conditions: any[] }> {
        const generation = gw.metadata.generation;
        const at = new Date().toISOString();
        const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: at, observedGeneration: generation });
        const reach = await this.reach(gw);
        return {
            addresses: gw.spec.addresses ?? [],
            conditions: [
                condition("Accepted", "True", "Accepted", "Resource accepted"),
                condition("Programmed", "True", "Programmed", "This Gateway is remote; Istio will not program it"),
                reach.connected
                    ? condition("gloo.solo.io/PeerConnected", "True", "Programmed", `connected to peer ${reach.cluster}`)
                    : condition("gloo.solo.io/PeerConnected", "False", "Pending", `not connected to peer: ${reach.why}`),
                reach.synced
                    ? condition("gloo.solo.io/PeeringSucceeded", "True", "Programmed", "peer data synced")
                    : condition("gloo.solo.io/PeeringSucceeded", "Unknown", "Pending", `network not yet synced: ${reach.why}`),
            ],
        };
    }

    private async reach(gw: any): Promise<{ connected: boolean; synced: boolean; cluster?: string; why: string }> {
        const peerName = gw.metadata.labels?.["topology.istio.io/cluster"];
        const peer = this.clusters.find((c) => c.name === peerName);
        if (!peer) return { connected: false, synced: false, why: `no cluster ${peerName}` };
        const address = gw.spec.addresses?.[0]?.value;
        const xdsPort = gw.spec.listeners?.find((l: any) => l.name === "xds-tls")?.port;
        const ns = gw.metadata.namespace;
        const svc = await this.get(peer, `/api/v1/namespaces/${ns}/services/istio-eastwest`);
        if (!svc) return { connected: false, synced: false, why: `no east-west Service in ${peerName}` };
        const nodePort = svc.spec.type === "NodePort";
        let connected: boolean;
        if (nodePort) {
            const nodes = (await this.list(peer, "/api/v1/nodes")).items;
            const ips = nodes.flatMap((n: any) => (n.status?.addresses ?? []).map((a: any) => a.address));
            const port = svc.spec.ports.find((p: any) => p.port === 15012)?.nodePort;
            connected = ips.includes(address) && xdsPort === port;
        } else {
            connected = (svc.status?.loadBalancer?.ingress ?? []).some((i: any) => i.ip === address || i.hostname === address) && xdsPort === 15012;
        }
        if (!connected) return { connected, synced: false, cluster: peerName, why: `${address}:${xdsPort} does not reach ${peerName}'s east-west gateway` };
        const preferNodePort = gw.metadata.annotations?.["peering.solo.io/preferred-data-plane-service-type"] === "nodeport";
        if (preferNodePort !== nodePort) return { connected, synced: false, cluster: peerName, why: `data plane ${preferNodePort ? "NodePort" : "LoadBalancer"} not offered by ${peerName}` };
        const dep = await this.get(peer, `/apis/apps/v1/namespaces/${ns}/deployments/istio-eastwest`);
        const ready = (dep?.status?.readyReplicas ?? 0) > 0;
        return { connected, synced: ready, cluster: peerName, why: ready ? "" : `${peerName}'s east-west gateway has no ready replica` };
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

    private async patchStatus(cluster: Cluster, kind: string, namespace: string, name: string, status: object): Promise<void> {
        await kubectl(this.bin, cluster, ["patch", kind, name, "-n", namespace, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
    }
}
