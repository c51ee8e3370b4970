// Part 1, the baseline: what a user would write without the component — the same providers, namespaces, Gateway API
// CRDs (one resource each), cacerts Secrets, Helm releases, east-west and peer Gateways and readiness reads, registered directly with
// hand-written values and no validation. The driver checks that it registers exactly the component's custom
// resources, type by type.
import * as yaml from "js-yaml";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayStatus } from "../../provider/readiness/gateways";
import { IssuedCa } from "../../tests/support/pki";

const NS = "istio-system";
const EW_NS = "istio-eastwest";
const CHARTS = "oci://us-docker.pkg.dev/gloo-mesh/istio-helm-1-24";
const HUB = "us-docker.pkg.dev/gloo-mesh/istio-1-24";
const VERSION = "1.24.3-solo";
const listeners = [
    { name: "cross-network", port: 15008, protocol: "HBONE", tls: { mode: "Passthrough" } },
    { name: "xds-tls", port: 15012, protocol: "TLS", tls: { mode: "Passthrough" } },
];

interface Cluster {
    provider: k8s.Provider;
    istiod: k8s.helm.v3.Release;
    address: pulumi.Output<string>;
}

export async function baseline(names: string[], cas: Record<string, IssuedCa>, gatewayApiYaml: string): Promise<unknown> {
    const clusters: Record<string, Cluster> = {};
    const ready: pulumi.Output<unknown>[] = [];
    const crdDocs = (yaml.loadAll(gatewayApiYaml) as any[]).filter((d) => d);
    for (const name of names) {
        const provider = new k8s.Provider(`mesh-${name}`, { context: `ctx-${name}` });
        const opts = { provider };
        const labels = { "topology.istio.io/network": name };
        const ns = new k8s.core.v1.Namespace(`mesh-${name}-namespace`, { metadata: { name: NS, labels } }, opts);
        const crds = crdDocs.map((crd) => new k8s.apiextensions.v1.CustomResourceDefinition(`mesh-${name}-${crd.metadata.name}`, crd, opts));
        const ca = cas[name];
        const cacerts = new k8s.core.v1.Secret(
            `mesh-${name}-cacerts`,
            {
                metadata: { name: "cacerts", namespace: NS },
                stringData: pulumi.secret({ "ca-cert.pem": ca.caCertPem, "ca-key.pem": ca.caKeyPem, "root-cert.pem": ca.rootCertPem, "cert-chain.pem": ca.certChainPem }),
            },
            { ...opts, dependsOn: [ns] },
        );
        const release = (release: string, chart: string, values: object, dependsOn: pulumi.Resource[]) =>
            new k8s.helm.v3.Release(
                `mesh-${name}-${release}`,
                { name: release, namespace: NS, chart: `${CHARTS}/${chart}`, version: VERSION, values, timeout: 600, waitForJobs: true },
                { ...opts, dependsOn: [ns, ...dependsOn] },
            );
        const global = { hub: HUB, tag: "1.24.3-solo", istioNamespace: NS, multiCluster: { clusterName: name }, network: name };
        const base = release("istio-base", "base", { defaultRevision: "default", global: { istioNamespace: NS } }, []);
        const istiod = release("istiod", "istiod", { profile: "ambient", global, meshConfig: { trustDomain: name }, pilot: { autoscaleMin: 2 } }, [base, ...crds, cacerts]);
        const cni = release("istio-cni", "cni", { profile: "ambient", global }, [base]);
        const ztunnel = release("ztunnel", "ztunnel", { profile: "ambient", hub: HUB, tag: "1.24.3-solo", multiCluster: { clusterName: name }, network: name }, [istiod, cni]);

        const ewNs = new k8s.core.v1.Namespace(`mesh-${name}-eastwest-namespace`, { metadata: { name: EW_NS, labels } }, opts);
        const ew = new k8s.apiextensions.CustomResource(
            `mesh-${name}-eastwest-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: "istio-eastwest", namespace: EW_NS, labels: { "istio.io/expose-istiod": "15012", ...labels }, annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" } },
                spec: { gatewayClassName: "istio-eastwest", listeners },
                status: undefined, // declared, so that the live status is an output
            },
            { ...opts, dependsOn: [ewNs, istiod, ...crds] },
        );
        // The east-west gateway read back once it exists: the Gateway, and the Service and Deployment istiod made from it.
        const ewId = ew.id.apply(() => `${EW_NS}/istio-eastwest`);
        const ewLive = new k8s.apiextensions.CustomResource(`mesh-${name}-eastwest-gateway-observed`, { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", status: undefined }, { ...opts, id: ewId });
        ready.push((ewLive as unknown as { status: pulumi.Output<unknown> }).status, k8s.core.v1.Service.get(`mesh-${name}-eastwest-service-observed`, ewId, opts).status, k8s.apps.v1.Deployment.get(`mesh-${name}-eastwest-deployment-observed`, ewId, opts).status);
        // Readiness, read back after the releases (the ids wait for them).
        const after = (r: k8s.helm.v3.Release, id: string) => r.status.apply(() => id);
        ready.push(
            k8s.apps.v1.Deployment.get(`mesh-${name}-istiod-observed`, after(istiod, `${NS}/istiod`), opts).status,
            k8s.apps.v1.DaemonSet.get(`mesh-${name}-istio-cni-node-observed`, after(cni, `${NS}/istio-cni-node`), opts).status,
            k8s.apps.v1.DaemonSet.get(`mesh-${name}-ztunnel-observed`, after(ztunnel, `${NS}/ztunnel`), opts).status,
            k8s.admissionregistration.v1.MutatingWebhookConfiguration.get(`mesh-${name}-injector-observed`, after(istiod, "istio-sidecar-injector"), opts).webhooks,
            k8s.admissionregistration.v1.ValidatingWebhookConfiguration.get(`mesh-${name}-validator-observed`, after(istiod, `istio-validator-${NS}`), opts).webhooks,
        );
        for (const crd of ["virtualservices.networking.istio.io", "authorizationpolicies.security.istio.io", "gateways.gateway.networking.k8s.io"]) {
            ready.push(k8s.apiextensions.v1.CustomResourceDefinition.get(`mesh-${name}-${crd}-observed`, after(base, crd), opts).status);
        }
        const address = gatewayStatus(ew).apply((s) => s?.addresses?.[0]?.value ?? "");
        clusters[name] = { provider, istiod, address };
    }
    // Every pair, both ways: a peer Gateway in `from` pointing at `to`'s east-west address.
    for (const from of names) {
        for (const to of names.filter((t) => t !== from)) {
            const peer = new k8s.apiextensions.CustomResource(
                `mesh-link-${from}-to-${to}`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "Gateway",
                    metadata: {
                        name: `istio-remote-peer-${to}`,
                        namespace: EW_NS,
                        labels: { "topology.istio.io/network": to, "topology.istio.io/cluster": to },
                        annotations: { "gateway.istio.io/service-account": "istio-eastwest", "gateway.istio.io/trust-domain": to, "pulumi.com/waitFor": "condition=Accepted" },
                    },
                    spec: { gatewayClassName: "istio-remote", addresses: [{ type: "IPAddress", value: clusters[to].address }], listeners },
                    status: undefined,
                },
                { provider: clusters[from].provider, dependsOn: [clusters[from].istiod] },
            );
            ready.push(gatewayStatus(peer));
        }
    }
    return new Promise((resolve) => pulumi.all(ready).apply(resolve));
}
