// The repository's own Pulumi program (Pulumi.yaml at the root): a mesh on your clusters, described by stack config.
// One cluster gets a ServiceMeshController; several get a MultiClusterMesh (shared root of trust, east-west gateways,
// links). Each cluster is reached by its kubeconfig context and/or a kubeconfig file.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MultiClusterMesh, ServiceMeshController } from "../provider";

interface ClusterConfig {
    name: string;
    context?: string;
    /** A kubeconfig file; default: the ambient kubeconfig ($KUBECONFIG or ~/.kube/config). */
    kubeconfig?: string;
    network?: string;
    trustDomain?: string;
    eastWestAddress?: string;
    /** This cluster's own east-west gateway settings over `settings.eastWestGateway`, e.g. {serviceType: NodePort}. */
    eastWestGateway?: Record<string, unknown>;
}

const config = new pulumi.Config();
const version = config.require("version");
const clusters = config.requireObject<ClusterConfig[]>("clusters");
// Every other input of the components, shared by the clusters (image, repository, gatewayApi, scalingProfile,
// installNamespace, timeoutSeconds, platform, onConflict, ...): checked by the components like any input.
const settings = config.getObject<Record<string, unknown>>("settings") ?? {};
const license = config.getSecret("license");

/** A kubeconfig file's content, as a secret: the provider never sees a path that may not exist where it runs. */
function kubeconfigOf(c: ClusterConfig): pulumi.Output<string> | undefined {
    return c.kubeconfig ? pulumi.secret(fs.readFileSync(c.kubeconfig.replace(/^~(?=$|\/)/, os.homedir()), "utf8")) : undefined;
}

/** CA material issued elsewhere, in Istio's layout `<caDir>/<cluster>/{ca-cert,ca-key,root-cert,cert-chain}.pem`. */
function clusterCasFrom(caDir: string) {
    const pem = (cluster: string, file: string) => fs.readFileSync(path.join(caDir, cluster, `${file}.pem`), "utf8");
    return clusters.map((c) => ({
        cluster: c.name,
        caCertPem: pem(c.name, "ca-cert"),
        caKeyPem: pulumi.secret(pem(c.name, "ca-key")),
        rootCertPem: pem(c.name, "root-cert"),
        certChainPem: pem(c.name, "cert-chain"),
    }));
}

function singleCluster(c: ClusterConfig) {
    const mesh = new ServiceMeshController(c.name, {
        ...settings,
        version,
        cluster: c.name,
        network: c.network,
        trustDomain: c.trustDomain,
        kubeconfig: kubeconfigOf(c),
        context: c.context,
        license,
    });
    return { phase: mesh.phase, conditions: mesh.conditions, releases: mesh.releases };
}

function multiCluster() {
    const caDir = config.get("caDir");
    const mesh = new MultiClusterMesh("mesh", {
        ...settings,
        version,
        // The stack config's `name` and `eastWestAddress` are the component's `cluster` and `eastWestGateway.address`.
        clusters: clusters.map(({ name, eastWestAddress, ...c }) => ({
            ...c,
            cluster: name,
            kubeconfig: kubeconfigOf({ name, ...c }),
            eastWestGateway: eastWestAddress === undefined ? c.eastWestGateway : { ...c.eastWestGateway, address: eastWestAddress },
        })),
        links: config.getObject<{ from: string; to: string }[]>("links"),
        license,
        rootOfTrust: caDir ? { clusterCas: clusterCasFrom(caDir) } : config.getObject("rootOfTrust"),
    });
    return { phase: mesh.phase, clusters: mesh.clusters, links: mesh.links, summary: mesh.summary, rootCertPem: mesh.rootCertPem };
}

const outputs: Record<string, pulumi.Output<unknown>> = clusters.length === 1 && !config.getBoolean("multicluster") ? singleCluster(clusters[0]) : multiCluster();
export = outputs;
