"""A member stack of a mesh across stacks (README "Many clusters: one stack per region"), from Python: this stack's
clusters as one MultiClusterMesh that
  - takes its CA material from the trust stack's `cacerts` output (a secret, and one end to end) through
    rootOfTrust.clusterCas;
  - links each of its clusters to every cluster of the other member stacks: their `peers` outputs, read by
    StackReference, go to `remote_peers` as they are (a link belongs to the stack of its sending cluster: the links
    back are theirs);
  - exports its own `peers`, which the other member stacks read the same way.
The mesh refuses, before anything is installed, a peer missing a field, a peer named like one of its clusters, a link
to a region no stack publishes any more, and CA material a peer's cluster could not accept."""
import os

import pulumi
import pulumi_kubernetes as k8s
import pulumi_servicemesh_sdk as servicemesh

config = pulumi.Config()
# [{name, context?, kubeconfig? (a file path), network?}, ...], set with `pulumi config set --path`
clusters = config.require_object("clusters")
peer_stacks = config.get_object("peerStacks") or []
# Unset: each cluster to each other one and to every remote peer. A list of {from, to}: exactly those, `to` may name a
# cluster of a peer stack (`from` is always one of this stack's).
links = config.get_object("links")
repository_url = config.get("repositoryUrl")
repository_secret = config.get("repositorySecret")
gateway_api_manifest = config.get("gatewayApiManifest")


def qualified(name: str) -> str:
    """A stack as project/stack (this backend's organization) or org/project/stack."""
    return name if name.count("/") == 2 else f"{pulumi.get_organization()}/{name}"


def read(file: str) -> str:
    with open(file, encoding="utf-8") as f:
        return f.read()


# The trust stack's cacerts: cluster name -> {caCertPem, caKeyPem, rootCertPem, certChainPem}, a secret output.
trust = pulumi.StackReference("trust", stack_name=qualified(config.require("trustStack")))
cacerts = trust.require_output("cacerts")


def material(cluster: str, field: str) -> pulumi.Output:
    def pick(all_cacerts):
        if not all_cacerts or cluster not in all_cacerts:
            raise ValueError(f"trustStack: exports no cacerts for cluster {cluster!r}; add it to the trust stack's clusterNames and run its up first")
        return all_cacerts[cluster][field]

    return cacerts.apply(pick)


# The other member stacks' peers (cluster name -> peer). require_output refuses a stack that no longer exports them
# (destroyed, or not up yet), naming it: to remove a region, take it out of peerStacks and run up here first.
peer_maps = [pulumi.StackReference(f"peers-{s}", stack_name=qualified(s)).require_output("peers") for s in peer_stacks]


def merged(maps):
    """Several stacks' peers as one map; a cluster published by two stacks is refused."""
    out = {}
    for stack, peers in zip(peer_stacks, maps):
        for cluster, peer in (peers or {}).items():
            if cluster in out:
                raise ValueError(f"peerStacks: stack {stack!r} publishes cluster {cluster!r}, which another peer stack has too; allowed: each cluster in one member stack")
            out[cluster] = peer
    return out


# One stack's peers go in as they are; several are merged into one map.
remote_peers = peer_maps[0] if len(peer_maps) == 1 else pulumi.Output.all(*peer_maps).apply(merged) if peer_maps else None

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
    clusters=[servicemesh.MeshClusterArgs(cluster=c["name"], network=c.get("network"), provider=providers[c["name"]]) for c in clusters],
    remote_peers=remote_peers,
    links=[servicemesh.MeshLinkArgs(from_=l["from"], to=l["to"]) for l in links] if links is not None else None,
    root_of_trust=servicemesh.RootOfTrustSettingsArgs(
        cluster_cas=[
            servicemesh.ClusterCaArgs(
                cluster=c["name"],
                ca_cert_pem=material(c["name"], "caCertPem"),
                ca_key_pem=material(c["name"], "caKeyPem"),
                root_cert_pem=material(c["name"], "rootCertPem"),
                cert_chain_pem=material(c["name"], "certChainPem"),
            )
            for c in clusters
        ]
    ),
    repository=servicemesh.RepositoryArgs(
        url=repository_url,
        secrets=[repository_secret] if repository_secret else None,
        insecure_skip_verify=config.get_bool("insecureSkipVerify") or False,
    )
    if repository_url
    else None,
    gateway_api=servicemesh.GatewayApiArgs(manifest=gateway_api_manifest) if gateway_api_manifest else None,
    license=config.get_secret("license"),
    east_west_gateway=servicemesh.EastWestGatewayArgs(annotations=config.get_object("eastWestAnnotations")),
)

# What the other member stacks read, and what the fleet driver reports.
pulumi.export("peers", mesh.peers)
pulumi.export("links", mesh.links)
pulumi.export("phase", mesh.phase)
pulumi.export("summary", mesh.summary)
