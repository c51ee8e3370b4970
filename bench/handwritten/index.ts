// The real-engine floor for MultiClusterMesh: what a user would write without the component, registered directly on
// the same clusters - per cluster a provider, the namespace, each Gateway API CRD, the cacerts Secret, the Helm
// releases in the component's order with the values it computes (given in the config, so the charts install the
// same), the east-west namespace and Gateway (waiting for its address), the readiness reads; then a peer Gateway per
// link, waiting until accepted. No validation, no pre-flight, no conditions. The charts come through Helm's own
// repository options. bench/engine.ts writes the config (`mesh`, a HandwrittenMesh).
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface HandwrittenRelease {
    name: string;
    chart: string;
    values: Record<string, unknown>;
    after: string[];
    afterGatewayApi: boolean;
}

export interface HandwrittenCluster {
    name: string;
    kubeconfig: string;
    context: string;
    network: string;
    trustDomain: string;
    releases: HandwrittenRelease[];
    /** Names of the CRDs, DaemonSets and webhook configurations the component reads back. */
    reads: { crds: string[]; daemonSets: Record<string, string>; mutating: string; validating: string };
    eastWestGateway: { apiVersion: string; kind: string; metadata: Record<string, any>; spec: { listeners: unknown[] } & Record<string, unknown> };
}

export interface HandwrittenMesh {
    clusters: HandwrittenCluster[];
    links: { from: string; to: string }[];
    chartVersion: string;
    namespace: string;
    eastWestNamespace: string;
    gatewayApiManifest: string;
    caDir: string;
    timeoutSeconds: number;
    repository: { url: string; username: string; caFile: string };
}

const config = new pulumi.Config();
const mesh = config.requireObject<HandwrittenMesh>("mesh");
const password = config.requireSecret("repositoryPassword");
const crdDocs = (yaml.loadAll(fs.readFileSync(mesh.gatewayApiManifest, "utf8")) as any[]).filter((d) => d);

const addresses: Record<string, pulumi.Output<string>> = {};
const members: Record<string, { provider: k8s.Provider; istiod: k8s.helm.v3.Release; listeners: unknown[] }> = {};
const ready: pulumi.Output<unknown>[] = [];

for (const c of mesh.clusters) {
    const provider = new k8s.Provider(`hw-${c.name}`, { kubeconfig: c.kubeconfig, context: c.context });
    const opts = { provider };
    const labels = { "topology.istio.io/network": c.network };
    const ns = new k8s.core.v1.Namespace(`hw-${c.name}-namespace`, { metadata: { name: mesh.namespace, labels } }, opts);
    const crds = crdDocs.map((crd) => new k8s.apiextensions.v1.CustomResourceDefinition(`hw-${c.name}-${crd.metadata.name}`, crd, opts));
    const file = (f: string) => fs.readFileSync(path.join(mesh.caDir, c.name, f), "utf8");
    const cacerts = new k8s.core.v1.Secret(
        `hw-${c.name}-cacerts`,
        {
            metadata: { name: "cacerts", namespace: mesh.namespace },
            type: "Opaque",
            stringData: pulumi.secret({ "ca-cert.pem": file("ca-cert.pem"), "ca-key.pem": file("ca-key.pem"), "root-cert.pem": file("root-cert.pem"), "cert-chain.pem": file("cert-chain.pem") }),
        },
        { ...opts, dependsOn: [ns] },
    );
    const releases: Record<string, k8s.helm.v3.Release> = {};
    for (const r of c.releases) {
        const dependsOn: pulumi.Resource[] = [ns, ...r.after.filter((a) => releases[a]).map((a) => releases[a]), ...(r.afterGatewayApi ? crds : []), ...(r.name === "istiod" ? [cacerts] : [])];
        releases[r.name] = new k8s.helm.v3.Release(
            `hw-${c.name}-${r.name}`,
            {
                name: r.name,
                namespace: mesh.namespace,
                chart: r.chart,
                version: mesh.chartVersion,
                repositoryOpts: { repo: mesh.repository.url, username: mesh.repository.username, password, caFile: mesh.repository.caFile },
                values: r.values,
                timeout: mesh.timeoutSeconds,
                createNamespace: false,
                waitForJobs: true,
            },
            { ...opts, dependsOn },
        );
    }
    const ewNs = new k8s.core.v1.Namespace(`hw-${c.name}-eastwest-namespace`, { metadata: { name: mesh.eastWestNamespace, labels } }, opts);
    const gw = c.eastWestGateway;
    const eastWest = new k8s.apiextensions.CustomResource(
        `hw-${c.name}-eastwest-gateway`,
        {
            ...gw,
            metadata: { ...gw.metadata, annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" } },
            status: undefined, // declared, so the live status is an output
        },
        { ...opts, dependsOn: [ewNs, releases["istiod"], ...crds] },
    );
    addresses[c.name] = (eastWest as any).status.apply((s: any) => s?.addresses?.[0]?.value ?? "");
    // The east-west gateway read back once it exists: the Gateway, and the Service and Deployment istiod made from it.
    const ewId = eastWest.id.apply(() => `${mesh.eastWestNamespace}/${gw.metadata.name}`);
    const ewLive = new k8s.apiextensions.CustomResource(`hw-${c.name}-eastwest-gateway-observed`, { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", status: undefined } as any, { ...opts, id: ewId });
    ready.push((ewLive as any).status, k8s.core.v1.Service.get(`hw-${c.name}-eastwest-service-observed`, ewId, opts).status, k8s.apps.v1.Deployment.get(`hw-${c.name}-eastwest-deployment-observed`, ewId, opts).status);
    members[c.name] = { provider, istiod: releases["istiod"], listeners: gw.spec.listeners };

    // Readiness, read after the releases (the ids wait for them).
    const after = (r: k8s.helm.v3.Release, id: string) => r.status.apply(() => id);
    ready.push(k8s.apps.v1.Deployment.get(`hw-${c.name}-istiod-observed`, after(releases["istiod"], `${mesh.namespace}/istiod`), opts).status);
    for (const [release, ds] of Object.entries(c.reads.daemonSets)) {
        ready.push(k8s.apps.v1.DaemonSet.get(`hw-${c.name}-${ds}-observed`, after(releases[release], `${mesh.namespace}/${ds}`), opts).status);
    }
    ready.push(k8s.admissionregistration.v1.MutatingWebhookConfiguration.get(`hw-${c.name}-injector-observed`, after(releases["istiod"], c.reads.mutating), opts).webhooks);
    ready.push(k8s.admissionregistration.v1.ValidatingWebhookConfiguration.get(`hw-${c.name}-validator-observed`, after(releases["istiod"], c.reads.validating), opts).webhooks);
    for (const crd of c.reads.crds) {
        ready.push(k8s.apiextensions.v1.CustomResourceDefinition.get(`hw-${c.name}-${crd}-observed`, after(releases["istio-base"], crd), opts).status);
    }
}

const byName = Object.fromEntries(mesh.clusters.map((c) => [c.name, c]));
for (const link of mesh.links) {
    const to = byName[link.to];
    const peer = new k8s.apiextensions.CustomResource(
        `hw-link-${link.from}-to-${link.to}`,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: {
                name: `istio-remote-peer-${to.network}`,
                namespace: mesh.eastWestNamespace,
                labels: { "topology.istio.io/network": to.network, "topology.istio.io/cluster": to.name },
                annotations: { "gateway.istio.io/service-account": "istio-eastwest", "gateway.istio.io/trust-domain": to.trustDomain, "pulumi.com/waitFor": "condition=Accepted" },
            },
            spec: { gatewayClassName: "istio-remote", addresses: [{ type: "IPAddress", value: addresses[link.to] }], listeners: members[link.from].listeners },
            status: undefined,
        },
        { provider: members[link.from].provider, dependsOn: [members[link.from].istiod] },
    );
    ready.push((peer as any).status);
}

export const observed = pulumi.all(ready).apply((r) => r.length);
