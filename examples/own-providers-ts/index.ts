// A multicluster mesh built from the program's own Kubernetes providers (one per context, as a program that creates
// its clusters would have), and a cluster that joins it by hand: its own ServiceMeshController and a ClusterLink to
// and from every member — the pieces MultiClusterMesh is made of, usable from any language.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterLink, MultiClusterMesh, ServiceMeshController } from "servicemesh";

interface ClusterConfig {
    name: string;
    context: string;
}

const config = new pulumi.Config();
const version = config.get("istioVersion") ?? "1.31.1";
const clusters = config.requireObject<ClusterConfig[]>("clusters");
const joiner = config.getObject<ClusterConfig>("joiner");
const caDir = config.require("caDir");
const license = config.getSecret("license");
const repositoryUrl = config.get("repositoryUrl");
const repositorySecret = config.get("repositorySecret");
const gatewayApiManifest = config.get("gatewayApiManifest");
const shared = {
    version,
    repository: repositoryUrl
        ? { url: repositoryUrl, secrets: repositorySecret ? [repositorySecret] : undefined, insecureSkipVerify: config.getBoolean("insecureSkipVerify") }
        : undefined,
    gatewayApi: gatewayApiManifest ? { manifest: gatewayApiManifest } : undefined,
    license,
};

/** A cluster's CA material, issued elsewhere from one root (Istio's layout). */
function cacerts(cluster: string) {
    const pem = (file: string) => fs.readFileSync(path.join(caDir, cluster, `${file}.pem`), "utf8");
    return { caCertPem: pem("ca-cert"), caKeyPem: pulumi.secret(pem("ca-key")), rootCertPem: pem("root-cert"), certChainPem: pem("cert-chain") };
}

const providers = Object.fromEntries(clusters.map((c) => [c.name, new k8s.Provider(c.name, { context: c.context })]));
const mesh = new MultiClusterMesh(
    "mesh",
    {
        ...shared,
        clusters: clusters.map((c) => ({ cluster: c.name })),
        rootOfTrust: { clusterCas: clusters.map((c) => ({ cluster: c.name, ...cacerts(c.name) })) },
    },
    { clusterProviders: providers },
);

export const phase = mesh.phase;
export const summary = mesh.summary;
export const clusterStates = mesh.clusters;
export const meshLinks = mesh.links;

/** The joiner: a controller on its own provider, and a one-way link each way with every member. */
function join(j: ClusterConfig) {
    const provider = new k8s.Provider(j.name, { context: j.context });
    const controller = new ServiceMeshController(
        j.name,
        { ...shared, cluster: j.name, network: j.name, eastWestGateway: {}, cacerts: cacerts(j.name) },
        { provider },
    );
    const links = clusters.flatMap((m) => {
        const member = mesh.clusters.apply((cs) => cs.find((c) => c.cluster === m.name)!);
        return [
            new ClusterLink(
                `${j.name}-to-${m.name}`,
                { from: j.name, to: { cluster: m.name, eastWestAddress: member.eastWestAddress } },
                { provider, dependsOn: [controller] },
            ),
            new ClusterLink(
                `${m.name}-to-${j.name}`,
                { from: m.name, to: { cluster: j.name, eastWestAddress: controller.eastWestAddress } },
                { provider: providers[m.name], dependsOn: [mesh] },
            ),
        ];
    });
    return {
        phase: controller.phase,
        links: pulumi.all(
            links.map((l) => pulumi.all([l.from, l.to, l.accepted, l.eastWestAddress]).apply(([from, to, accepted, eastWestAddress]) => ({ from, to, accepted, eastWestAddress }))),
        ),
    };
}

const joined = joiner ? join(joiner) : undefined;
export const joinerPhase = joined?.phase;
export const joinerLinks = joined?.links;
