// MultiClusterMesh: one provider, one ServiceMeshController (with east-west gateway and cacerts) per cluster, one
// shared RootOfTrust, and a peer Gateway per link — what `istioctl multicluster expose` and `link` create, wired so
// clusters install in parallel and each link waits only for what it needs of its two ends.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Condition, MeshPeer, Phase } from "../controller/args";
import { ServiceMeshController, childrenRegistered, deployedCacertsOf, registersChildrenLate } from "../controller/controller";
import { clusterProvider, hasKubernetesProviderOption } from "../cluster/provider";
import { SpecError } from "../spec/inputs";
import { ClusterCacerts, RotationStage } from "../trust/args";
import { RotationInfo, RootOfTrust, rotationOf } from "../trust/rootOfTrust";
import { readableTrust, transitionProblems, trustState } from "../trust/stages";
import { MeshAppliedValues, MeshClusterStatus, MeshLinkStatus, MultiClusterMeshArgs } from "./args";
import { controllerArgsFor, resolveMeshSpec } from "./validate";
import { Member, meshLink, meshLinkStatuses, memberPeer, remotePeer } from "./links";
import { RemotePeers, meshPeers } from "./remote";

/** MultiClusterMesh's resource options; in TypeScript they can carry a Kubernetes provider per cluster. */
export interface MultiClusterMeshOptions extends pulumi.ComponentResourceOptions {
    /**
     * A Kubernetes provider per cluster name (e.g. `new k8s.Provider("east", { context: "east" })`, or an EKS
     * cluster's `provider`), instead of that cluster's kubeconfig/context. Each cluster is reached exactly one way.
     */
    clusterProviders?: Record<string, k8s.Provider>;
}

export const MULTI_CLUSTER_MESH_TYPE = "servicemesh:index:MultiClusterMesh";

/**
 * An Istio ambient mesh across several Kubernetes clusters: a shared root of trust, the mesh installed on every
 * cluster with an east-west gateway, and the clusters linked (every pair both ways, or the links given).
 */
export class MultiClusterMesh extends pulumi.ComponentResource {
    /** Per cluster: phase, conditions, east-west address, intermediate CA expiry, trust and Gateway API bundle. */
    public readonly clusters!: pulumi.Output<MeshClusterStatus[]>;
    /**
     * Per cluster and release: the Helm values the mesh applied (computed values with the `values` overrides merged
     * over them; chart defaults aside). A secret as a whole when any of them holds a secret.
     */
    public readonly appliedValues!: pulumi.Output<MeshAppliedValues[]>;
    /**
     * Its clusters as peers for other stacks (cluster name -> peer: identity, east-west address and ports, trust):
     * what another stack's MultiClusterMesh takes as `remotePeers`, or a ClusterLink as `to`, as is.
     */
    public readonly peers!: pulumi.Output<Record<string, MeshPeer>>;
    /** Per link (to remote peers too): the peer Gateway, the address it points at and whether it was accepted. */
    public readonly links!: pulumi.Output<MeshLinkStatus[]>;
    /** The root certificate(s) every cluster trusts (PEM): two while a rotation trusts both roots. */
    public readonly rootCertPem!: pulumi.Output<string>;
    /** The root rotation stage the mesh is at (`Current` without a rotation). */
    public readonly rotationStage!: pulumi.Output<RotationStage>;
    /** `SUCCEEDED` when every cluster is SUCCEEDED and every link up (Accepted, Programmed, peer gateway ready), `FAILED` when a cluster failed, else `PENDING`. */
    public readonly phase!: pulumi.Output<Phase>;
    /** A readable table of the clusters and links. */
    public readonly summary!: pulumi.Output<string>;

    constructor(name: string, args: MultiClusterMeshArgs, opts?: MultiClusterMeshOptions) {
        const clusterProviders = opts?.clusterProviders ?? {};
        const spec = resolveMeshSpec(args, `MultiClusterMesh "${name}"`, {
            clusterProviders: Object.keys(clusterProviders),
            providerOption: hasKubernetesProviderOption(opts),
        });
        // The inputs under their current names; a deprecated one still given is named in a warning.
        const inputs = spec.inputs as MultiClusterMeshArgs;
        const { clusterProviders: _, ...resourceOpts } = opts ?? {};
        super(MULTI_CLUSTER_MESH_TYPE, name, {}, resourceOpts);
        for (const warning of spec.deprecations) {
            pulumi.log.warn(`MultiClusterMesh "${name}": ${warning}`, this);
        }

        const installNamespace = spec.controllers[spec.clusters[0].name].installNamespace;
        // Material issued elsewhere names its clusters itself; otherwise one intermediate is issued per cluster.
        const trust = new RootOfTrust(
            `${name}-trust`,
            inputs.rootOfTrust?.clusterCas
                ? { ...inputs.rootOfTrust, installNamespace }
                : { ...inputs.rootOfTrust, clusters: spec.clusters.map((c) => c.name), installNamespace },
            { parent: this },
        );

        const byName = Object.fromEntries(inputs.clusters.map((c) => [c.cluster, c]));
        const members: Record<string, Member> = {};
        const label = `MultiClusterMesh "${name}"`;
        // Every member's cacerts waits for the check of every cluster's deployed cacerts against the requested stage.
        // ... and for the check of the remote peers (other stacks' clusters) and of what their clusters can accept.
        const remote = new RemotePeers(label, inputs.remotePeers, spec.clusters, inputs.links);
        const checked = remote.gate(meshTrustCheck(label, trust, () => Object.entries(members).map(([c, m]) => [c, m.controller] as const)), trust.cacerts, trust.rotationStage);
        for (const cluster of spec.clusters) {
            // The program's own provider for the cluster (input or TypeScript option), or one built from its kubeconfig/context.
            const provider = byName[cluster.name].provider ?? clusterProviders[cluster.name] ?? clusterProvider(`${name}-${cluster.name}`, byName[cluster.name], { parent: this });
            // No dependency between clusters: each controller waits only for its own provider and CA material.
            const controller = new ServiceMeshController(
                `${name}-${cluster.name}`,
                { ...controllerArgsFor(inputs, cluster), cacerts: checked.apply((all) => all[cluster.name]) },
                { parent: this, provider },
            );
            members[cluster.name] = { provider, controller, cluster, spec: spec.controllers[cluster.name] };
        }

        // The mesh's URN once, as text: each link's alias is then a plain string, not Outputs of its own.
        const urn = new Promise<string>((resolve) => this.urn.apply(resolve));
        const receiving = Object.fromEntries(spec.clusters.map((c) => [c.name, memberPeer(members[c.name])]));
        const links = spec.links.map((link) => meshLink(this, urn, name, label, members[link.from], receiving[link.to]));
        const remoteLinks = remote.wire((link, peer) => meshLink(this, urn, name, label, members[link.from], remotePeer(peer)));
        // A program's link into this mesh (dependsOn the mesh) waits until every member and link has registered.
        registersChildrenLate(this, Promise.all([...Object.values(members).map((m) => childrenRegistered(m.controller)), ...links.map((l) => l.registered), remoteLinks.registered]));

        this.rootCertPem = trust.rootCertPem;
        this.rotationStage = trust.rotationStage;
        this.clusters = pulumi.all(
            spec.clusters.map((c) => {
                const m = members[c.name].controller;
                return pulumi
                    .all([m.phase, m.conditions, m.eastWestAddress, m.eastWest, trust.intermediateExpiries, trust.clusterTrust, pulumi.all([m.activeRevision, m.revisions, m.revisionTags]), m.gatewayApi])
                    .apply(([phase, conditions, eastWestAddress, eastWest, expiries, clusterTrust, [activeRevision, revisions, revisionTags], gatewayApi]): MeshClusterStatus => ({
                        cluster: c.name,
                        name: c.name,
                        network: c.network,
                        trustDomain: c.trustDomain,
                        phase,
                        conditions,
                        eastWestAddress,
                        eastWest: eastWest!,
                        intermediateExpiry: expiries[c.name],
                        trust: clusterTrust.find((t) => t.cluster === c.name)!,
                        activeRevision,
                        revisions,
                        revisionTags,
                        gatewayApi,
                    }));
            }),
        );
        this.appliedValues = pulumi
            .all(spec.clusters.map((c) => members[c.name].controller.appliedValues.apply((list) => list.map((a) => ({ cluster: c.name, ...a })))))
            .apply((perCluster) => perCluster.flat());
        this.links = pulumi.all([meshLinkStatuses(links), remoteLinks.states]).apply(([own, toRemote]) => [...own, ...toRemote]);
        this.peers = meshPeers(spec.clusters.map((c) => ({ cluster: c.name, controller: members[c.name].controller })));
        this.phase = pulumi.all([this.clusters, this.links]).apply(([clusters, links]) => meshPhase(clusters, links));
        this.summary = pulumi.all([this.clusters, this.links, this.phase]).apply(([c, l, p]) => meshSummary(c, l, p));
        this.registerOutputs({
            clusters: this.clusters,
            appliedValues: this.appliedValues,
            links: this.links,
            peers: this.peers,
            rootCertPem: this.rootCertPem,
            rotationStage: this.rotationStage,
            phase: this.phase,
            summary: this.summary,
        });
    }
}

/**
 * The mesh's cacerts, released to the members only once every cluster's deployed cacerts (read by its pre-flight)
 * allows the step to the requested stage: one cluster that still trusts only the old root stops them all, since the
 * others would otherwise start issuing from a root it refuses. Clusters that could not be read are not judged.
 */
function meshTrustCheck(
    label: string,
    trust: RootOfTrust,
    members: () => (readonly [string, ServiceMeshController])[],
): pulumi.Output<Record<string, ClusterCacerts>> {
    return pulumi.all([trust.cacerts, rotationOf(trust)!]).apply(async ([all, rotation]: [Record<string, ClusterCacerts>, RotationInfo]) => {
        const problems: string[] = [];
        for (const [cluster, controller] of members()) {
            const deployed = await deployedCacertsOf(controller);
            if (deployed && deployed !== "unread") {
                problems.push(...meshStepProblems(cluster, deployed, all, rotation));
            }
        }
        if (problems.length) {
            throw new SpecError(label, problems);
        }
        return all;
    });
}

/** One cluster's deployed cacerts against the requested state of every cluster of the mesh. */
export function meshStepProblems(
    cluster: string,
    deployed: { rootCertPem: string; caCertPem: string },
    requested: Record<string, { rootCertPem: string; caCertPem: string }>,
    rotation: RotationInfo,
): string[] {
    const state = readableTrust(deployed);
    if (!state) {
        return [];
    }
    const seen = new Set<string>();
    return Object.values(requested)
        .flatMap((files) => transitionProblems(cluster, state, trustState(files), { requested: rotation.stage, current: rotation.current, next: rotation.next }))
        .filter((p) => !seen.has(p) && seen.add(p) !== undefined);
}

export function meshPhase(clusters: { phase: string }[], links: { ready: boolean }[]): Phase {
    if (clusters.every((c) => c.phase === "SUCCEEDED") && links.every((l) => l.ready)) {
        return "SUCCEEDED";
    }
    return clusters.some((c) => c.phase === "FAILED") ? "FAILED" : "PENDING";
}

function notTrue(conditions: Condition[]): string {
    const bad = conditions.filter((c) => c.status !== "True").map((c) => c.type);
    return bad.length ? bad.join(",") : "all True";
}

export function meshSummary(clusters: MeshClusterStatus[], links: MeshLinkStatus[], phase: string): string {
    const rows = [
        ["CLUSTER", "NETWORK", "PHASE", "CONDITIONS", "EAST-WEST", "EXPOSURE", "READY", "CA EXPIRES", "TRUSTS", "ISSUED BY"],
        ...clusters.map((c) => [
            c.name,
            c.network,
            c.phase,
            notTrue(c.conditions),
            c.eastWestAddress || "-",
            c.eastWest ? `${c.eastWest.exposure}${c.eastWest.serviceType === "NodePort" ? ` :${c.eastWest.ports.crossNetwork}` : ""}` : "-",
            c.eastWest ? `${c.eastWest.readyReplicas}/${c.eastWest.replicas}` : "-",
            c.intermediateExpiry,
            c.trust ? c.trust.trustedRoots.map((r) => r.fingerprint.slice(0, 11)).join("+") : "-",
            c.trust ? c.trust.issuingRoot.slice(0, 11) : "-",
        ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const table = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
    const linkLines = links.length
        ? links.map((l) => `  ${l.from} -> ${l.to}  ${l.ready ? "up" : "NOT up"}  ${l.gateway} @ ${l.address}${l.ready ? "" : ` (${l.message})`}`)
        : ["  (none)"];
    return [`mesh phase: ${phase}`, ...table, "links:", ...linkLines].join("\n");
}
