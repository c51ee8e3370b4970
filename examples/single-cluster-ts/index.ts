// An ambient Istio mesh on one cluster. Everything the Gloo operator's ServiceMeshController resource does, as one
// Pulumi component: namespace, Gateway API CRDs, the base/istiod/istio-cni/ztunnel Helm releases, and readiness.
import * as pulumi from "@pulumi/pulumi";
import { ChartValues, DataplaneMode, OnConflict, RevisionTag, ScalingProfile, ServiceMeshController, UpgradeStrategy } from "servicemesh";

const config = new pulumi.Config();
const repositoryUrl = config.get("repositoryUrl");
const repositorySecret = config.get("repositorySecret");
const imageRepository = config.get("imageRepository");
const gatewayApiManifest = config.get("gatewayApiManifest");
const imagePullSecrets = config.getObject<string[]>("imagePullSecrets");
// Helm values per chart, merged over the component's own (README, "Tuning"), e.g.
//   pulumi config set --path values.istiod.meshConfig.accessLogFile /dev/stdout
const values = config.getObject<ChartValues>("values");
// Canary upgrades (README, "Canary upgrades with revisions"), e.g.
//   pulumi config set upgradeStrategy RevisionBased
//   pulumi config set --path 'revisionTags[0].name' prod-stable
const upgradeStrategy = config.get("upgradeStrategy") as UpgradeStrategy | undefined;

const mesh = new ServiceMeshController("mesh", {
    version: config.get("istioVersion") ?? "1.31.1",
    cluster: "cluster1",
    network: "cluster1",
    dataplaneMode: (config.get("dataplaneMode") ?? DataplaneMode.Ambient) as DataplaneMode,
    scalingProfile: (config.get("scalingProfile") ?? "Default") as ScalingProfile,
    // Private mirrors and authenticated chart repositories; unset = the Solo repositories of the version's minor.
    image: imageRepository || imagePullSecrets ? { repository: imageRepository, secrets: imagePullSecrets } : undefined,
    // false: install into an existing namespace (e.g. one that already holds the pull secrets).
    createNamespace: config.getBoolean("createNamespace"),
    repository: repositoryUrl
        ? { url: repositoryUrl, secrets: repositorySecret ? [repositorySecret] : undefined }
        : undefined,
    gatewayApi: gatewayApiManifest ? { manifest: gatewayApiManifest } : undefined,
    // Abort (default): fail before any change when Istio is already installed by something else; Force: take over.
    onConflict: config.get("onConflict") as OnConflict | undefined,
    allowVersionSkew: config.getBoolean("allowVersionSkew"),
    removeCrdsOnDelete: config.getBoolean("removeCrdsOnDelete"),
    values,
    upgradeStrategy,
    revisionTags: config.getObject<RevisionTag[]>("revisionTags"),
    inactiveRevisionDeletionGracePeriodSeconds: config.getNumber("revisionGracePeriodSeconds"),
    // The component builds its own Kubernetes provider from these; leave both unset to use the ambient kubeconfig,
    // or pass `{ provider }` as the third argument instead.
    kubeconfig: config.get("kubeconfig") ? config.requireSecret("kubeconfig") : undefined,
    context: config.get("context"),
});

export const phase = mesh.phase;
export const conditions = mesh.conditions;
export const releases = mesh.releases;
export const trustDomain = mesh.trustDomain;
// The Gateway API bundle in force on the cluster, and whether this component manages it.
export const gatewayApi = mesh.gatewayApi;
// RevisionBased: the istiod revisions (version, readiness, pods using each), where each tag points, the active one.
export const revisions = mesh.revisions;
export const revisionTags = mesh.revisionTags;
export const activeRevision = mesh.activeRevision;
