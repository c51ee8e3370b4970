"""A multicluster ambient mesh from Python: one root of trust with an intermediate CA per cluster, Istio with an
east-west gateway on every cluster (installed in parallel), and the clusters linked as `istioctl multicluster link`
would. The same program as examples/multicluster-ts, through the generated Python SDK (sdk/python). Each cluster is
reached through a Kubernetes provider of this program, handed to the mesh per cluster."""
import os

import pulumi
import pulumi_kubernetes as k8s
import pulumi_servicemesh_sdk as servicemesh

config = pulumi.Config()
# [{name, context?, kubeconfig? (a file path), network?, eastWestAddress?}, ...], set with `pulumi config set --path`
clusters = config.require_object("clusters")
links = config.get_object("links")  # unset: every pair, both directions; []: none
repository_url = config.get("repositoryUrl")
repository_secret = config.get("repositorySecret")
image_repository = config.get("imageRepository")
gateway_api_manifest = config.get("gatewayApiManifest")
ca_dir = config.get("caDir")
# Annotations that make the east-west load balancer internal where the component has no mapping of its own (EKS, GKE
# and AKS have one): e.g. a MetalLB address pool, set with
#   pulumi config set --path 'eastWestAnnotations["metallb.universe.tf/address-pool"]' internal
east_west_annotations = config.get_object("eastWestAnnotations")
# Tuning: Helm values per chart for every cluster ({"istiod": {"meshConfig": {...}}, "ztunnel": {...}}), and a
# cluster's own under clusters[i].values, merged over them. Values another input decides are refused, naming it.
values = config.get_object("values")


def chart_values(v):
    return servicemesh.ChartValuesArgs(**v) if v else None


def read(*parts: str) -> str:
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()


# CA material issued elsewhere, in the layout Istio's certificate tooling writes: <caDir>/<cluster>/{ca-cert.pem,
# ca-key.pem, root-cert.pem, cert-chain.pem}. Without it, the mesh generates its root and intermediates.
root_of_trust = None
if ca_dir:
    root_of_trust = servicemesh.RootOfTrustSettingsArgs(
        cluster_cas=[
            servicemesh.ClusterCaArgs(
                cluster=c["name"],
                ca_cert_pem=read(ca_dir, c["name"], "ca-cert.pem"),
                ca_key_pem=pulumi.Output.secret(read(ca_dir, c["name"], "ca-key.pem")),
                root_cert_pem=read(ca_dir, c["name"], "root-cert.pem"),
                cert_chain_pem=read(ca_dir, c["name"], "cert-chain.pem"),
            )
            for c in clusters
        ]
    )

# One Kubernetes provider per cluster (any the program already has would do, e.g. a managed cluster's), passed to the
# mesh as each cluster's `provider`. The kubeconfig file's content goes in as a secret: the provider never sees a path
# that may not exist where it runs.
providers = {
    c["name"]: k8s.Provider(
        c["name"],
        kubeconfig=pulumi.Output.secret(read(c["kubeconfig"])) if c.get("kubeconfig") else None,
        context=c.get("context"),
    )
    for c in clusters
}

mesh = servicemesh.MultiClusterMesh(
    "mesh",
    version=config.get("istioVersion") or "1.31.1",
    clusters=[
        servicemesh.MeshClusterArgs(
            cluster=c["name"],
            network=c.get("network"),
            provider=providers[c["name"]],
            # A fixed address (static IP, NodePort) goes with the cluster's own east-west gateway settings.
            east_west_gateway=servicemesh.EastWestGatewayArgs(address=c["eastWestAddress"]) if c.get("eastWestAddress") else None,
            values=chart_values(c.get("values")),
        )
        for c in clusters
    ],
    links=[servicemesh.MeshLinkArgs(from_=l["from"], to=l["to"]) for l in links] if links is not None else None,
    image=servicemesh.ImageArgs(repository=image_repository) if image_repository else None,
    repository=servicemesh.RepositoryArgs(
        url=repository_url,
        secrets=[repository_secret] if repository_secret else None,
        insecure_skip_verify=config.get_bool("insecureSkipVerify") or False,
    )
    if repository_url
    else None,
    gateway_api=servicemesh.GatewayApiArgs(manifest=gateway_api_manifest) if gateway_api_manifest else None,
    license=config.get_secret("license"),
    root_of_trust=root_of_trust,
    # An internal east-west gateway: HBONE (15008) and istiod's xDS (15012) stay on the private network. Two replicas
    # spread over nodes with a PodDisruptionBudget are the defaults (Istio 1.26 and later).
    east_west_gateway=servicemesh.EastWestGatewayArgs(
        exposure=servicemesh.Exposure.INTERNAL,
        annotations=east_west_annotations,
    ),
    values=chart_values(values),
)

pulumi.export("phase", mesh.phase)
pulumi.export("clusterStates", mesh.clusters)
pulumi.export("meshLinks", mesh.links)
pulumi.export("summary", mesh.summary)
pulumi.export("rootCertPem", mesh.root_cert_pem)
