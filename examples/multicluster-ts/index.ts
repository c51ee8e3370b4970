// A multicluster ambient mesh: one root of trust with an intermediate CA per cluster, Istio with an east-west
// gateway on every cluster (installed in parallel), and the clusters linked as `istioctl multicluster link` would.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGateway, MultiClusterMesh, RevisionTag, RotationStage, UpgradeStrategy } from "servicemesh";

interface ClusterConfig {
    name: string;
    context?: string;
    /** A kubeconfig file for this cluster; default: the ambient kubeconfig ($KUBECONFIG or ~/.kube/config). */
    kubeconfig?: string;
    network?: string;
    eastWestAddress?: string;
    /** This cluster's own east-west gateway settings (e.g. serviceType NodePort), over the shared ones. */
    eastWestGateway?: EastWestGateway;
}

const config = new pulumi.Config();
const clusters = config.requireObject<ClusterConfig[]>("clusters");
const links = config.getObject<{ from: string; to: string }[]>("links");
const repositoryUrl = config.get("repositoryUrl");
const repositorySecret = config.get("repositorySecret");
const imageRepository = config.get("imageRepository");
const gatewayApiManifest = config.get("gatewayApiManifest");
const caDir = config.get("caDir");
// A root rotation: the stage to converge to, and the next root's material in the same layout as caDir.
const rotationStage = config.get("rotationStage");
const nextCaDir = config.get("nextCaDir");
// East-west gateway settings for every cluster, e.g. {exposure: Internal} (README: East-west gateways in production).
const eastWestGateway = config.getObject<EastWestGateway>("eastWestGateway");

// CA material issued elsewhere, in the layout Istio's certificate tooling writes: <caDir>/<cluster>/{ca-cert.pem,
// ca-key.pem, root-cert.pem, cert-chain.pem}. Without it, the mesh generates its root and intermediates.
const materialIn = (dir: string) =>
    clusters.map((c) => {
        const read = (file: string) => fs.readFileSync(path.join(dir, c.name, file), "utf8");
        return {
            cluster: c.name,
            caCertPem: read("ca-cert.pem"),
            caKeyPem: pulumi.secret(read("ca-key.pem")),
            rootCertPem: read("root-cert.pem"),
            certChainPem: read("cert-chain.pem"),
        };
    });
const clusterCas = caDir ? materialIn(caDir) : undefined;
const rotation = rotationStage
    ? { stage: rotationStage as RotationStage, next: nextCaDir ? { clusterCas: materialIn(nextCaDir) } : undefined }
    : undefined;

const mesh = new MultiClusterMesh("mesh", {
    version: config.get("istioVersion") ?? "1.31.1",
    clusters: clusters.map((c) => ({
        cluster: c.name,
        network: c.network,
        context: c.context,
        // A fixed address (static IP, NodePort) goes with the cluster's own east-west gateway settings.
        eastWestGateway: c.eastWestAddress ? { ...c.eastWestGateway, address: c.eastWestAddress } : c.eastWestGateway,
        // The file's content, as a secret: the provider never sees a path that may not exist where it runs.
        kubeconfig: c.kubeconfig ? pulumi.secret(fs.readFileSync(c.kubeconfig, "utf8")) : undefined,
    })),
    links, // unset: every pair, both directions; [] : none
    image: imageRepository ? { repository: imageRepository } : undefined,
    repository: repositoryUrl
        ? {
              url: repositoryUrl,
              secrets: repositorySecret ? [repositorySecret] : undefined,
              insecureSkipVerify: config.getBoolean("insecureSkipVerify") ?? false,
          }
        : undefined,
    gatewayApi: gatewayApiManifest ? { manifest: gatewayApiManifest } : undefined,
    license: config.getSecret("license"),
    eastWestGateway,
    rootOfTrust: clusterCas || rotation ? { clusterCas, rotation } : undefined,
    // Canary upgrades on every cluster (README, "Canary upgrades with revisions"), e.g.
    //   pulumi config set upgradeStrategy RevisionBased
    upgradeStrategy: config.get("upgradeStrategy") as UpgradeStrategy | undefined,
    revisionTags: config.getObject<RevisionTag[]>("revisionTags"),
    inactiveRevisionDeletionGracePeriodSeconds: config.getNumber("revisionGracePeriodSeconds"),
});

export const phase = mesh.phase;
export const clusterStates = mesh.clusters;
// What each cluster's releases were given (computed values with any `values` overrides merged over them).
export const appliedValues = mesh.appliedValues;
export const meshLinks = mesh.links;
export const summary = mesh.summary;
export const rootCertPem = mesh.rootCertPem;
export const rotationStageNow = mesh.rotationStage;
