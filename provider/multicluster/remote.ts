// A mesh's clusters of other stacks (a mesh across stacks, README "Many clusters: one stack per region"): the peers
// other stacks publish (a mesh's or member's `peers` output, read through a StackReference) checked field by field
// once known; one link from each local cluster to each of them (a link is owned by the stack of its sending cluster),
// or the `links` naming them; and the cross-stack half of the staged root rotation: cacerts a remote peer's cluster
// could not accept are refused, naming both. The pure checks come first, the wiring last.
import * as pulumi from "@pulumi/pulumi";
import type { MeshPeer } from "../controller/args";
import type { ServiceMeshController } from "../controller/controller";
import { peerTrustProblems, publishedPeerProblems } from "../link/peer";
import { known } from "../preflight/run";
import { SpecError, holdsDeferred } from "../spec/inputs";
import { readableTrust } from "../trust/stages";
import type { ClusterCacerts } from "../trust/args";
import type { MeshLinkStatus } from "./args";
import { WiredLink, meshLinkStatuses } from "./links";
import type { ResolvedCluster, ResolvedLink } from "./validate";

/** A mesh link as wired: its status, and when its Gateway is registered. */
const FIELD = "remotePeers";

/**
 * Problems of the remote peers (cluster name -> MeshPeer, as another stack's `peers` output holds them) against this
 * mesh's clusters and its `links` (undefined: every pair), each naming the field. A peer missing a field, a peer of a
 * cluster or network this mesh has too, and a link to a cluster that neither this mesh nor any peer provides (a
 * removed region) are refused.
 */
export function remotePeerProblems(peers: unknown, clusters: Pick<ResolvedCluster, "name" | "network">[], links: ResolvedLink[] | undefined): string[] {
    const problems: string[] = [];
    const local = new Set(clusters.map((c) => c.name));
    const remote = new Set<string>();
    if (peers === null) {
        problems.push(
            `${FIELD}: is missing (got null): the stack it is read from exports no peers output (destroyed, or not up yet); allowed: another stack's \`peers\` output; to remove a region, stop reading its stack and run up here before destroying it`,
        );
    } else if (peers !== undefined && (typeof peers !== "object" || Array.isArray(peers))) {
        problems.push(
            `${FIELD}: is not a map of peers (got ${JSON.stringify(peers)}); allowed: cluster name -> peer, another stack's \`peers\` output as a StackReference reads it`,
        );
    } else {
        const networks = new Map(clusters.map((c) => [c.network, `cluster "${c.name}" of this mesh`]));
        for (const [key, peer] of Object.entries((peers ?? {}) as Record<string, unknown>)) {
            const field = `${FIELD}.${key}`;
            const bad = publishedPeerProblems(peer, field);
            if (bad.length) {
                problems.push(...bad);
                continue;
            }
            const p = peer as MeshPeer;
            if (p.cluster !== key) {
                problems.push(`${field}.cluster: "${p.cluster}" under the key "${key}"; allowed: each peer under its own cluster name, as a \`peers\` output holds it`);
            } else if (local.has(key)) {
                problems.push(`${field}.cluster: "${key}" is a cluster of this mesh too; allowed: clusters of other stacks only (each cluster belongs to one stack)`);
            } else if (networks.has(p.network)) {
                problems.push(`${field}.network: "${p.network}" is the network of ${networks.get(p.network)} too; allowed: a network per cluster, unique across the stacks`);
            } else {
                remote.add(key);
                networks.set(p.network, `remote peer "${key}"`);
            }
        }
    }
    (links ?? []).forEach((l, i) => {
        if (!local.has(l.to) && !remote.has(l.to) && local.has(l.from)) {
            problems.push(
                `links[${i}].to: "${l.to}" is neither a cluster of this mesh nor one of ${FIELD} (${[...remote].join(", ") || "none"}): a removed region, or a stack that no longer publishes it; allowed: ${[...local, ...remote].join(", ")}; drop the link to a region that no longer exists`,
            );
        }
    });
    return problems;
}

/** The links this stack owns to remote peers: each local cluster to each peer, or the given links whose `to` is remote. */
export function remoteLinks(peers: Record<string, MeshPeer>, clusters: string[], links: ResolvedLink[] | undefined): ResolvedLink[] {
    if (links === undefined) {
        return clusters.flatMap((from) => Object.keys(peers).map((to) => ({ from, to })));
    }
    return links.filter((l) => l.to in peers && !clusters.includes(l.to));
}

/**
 * Why this mesh's requested cacerts (per cluster) may not go out while the remote peers trust what they last
 * published: the cross-stack half of the staged rotation (fleet's checkPeersTrust, per cluster).
 */
export function remoteTrustProblems(cacerts: Record<string, { rootCertPem: string; caCertPem: string }>, peers: MeshPeer[], stage: string | undefined): string[] {
    return Object.entries(cacerts).flatMap(([cluster, files]) => {
        const requested = readableTrust(files);
        return requested ? peers.flatMap((p) => peerTrustProblems(cluster, requested, p, stage)) : [];
    });
}

/** The mesh's peers for other stacks: cluster name -> its controller's `peer` output. */
export function meshPeers(members: { cluster: string; controller: ServiceMeshController }[]): pulumi.Output<Record<string, MeshPeer>> {
    return pulumi.all(members.map((m) => m.controller.peer)).apply((peers) => {
        const out: Record<string, MeshPeer> = {};
        peers.forEach((p, i) => {
            if (p) out[members[i].cluster] = p;
        });
        return out;
    });
}

/**
 * The remote side of one mesh: its peers once known and checked (a refusal rejects `gate`, so no member installs,
 * and the links), the gate its members' cacerts pass, and its links, created through `link` once the peers are known.
 */
export class RemotePeers {
    /** The checked peers; undefined while not known (a preview whose peers come from a resource not created yet). */
    private readonly peers: Promise<Record<string, MeshPeer> | undefined>;
    private readonly given: boolean;
    /** Settles once the members' cacerts passed the gate (rejects when refused): the links wait for it. */
    private released: Promise<unknown> = Promise.resolve();

    constructor(
        private readonly label: string,
        remotePeers: pulumi.Input<Record<string, MeshPeer>> | undefined,
        private readonly clusters: ResolvedCluster[],
        private readonly links: ResolvedLink[] | undefined,
    ) {
        // Plain peers were checked with the other inputs (resolveMeshSpec); an Output is checked here once known.
        const deferred = holdsDeferred(remotePeers);
        this.given = remotePeers !== undefined;
        this.peers = known(remotePeers).then(({ value, unknown }) => {
            if (unknown) return undefined;
            const problems = deferred ? remotePeerProblems(value, clusters, links) : [];
            if (problems.length) throw new SpecError(label, problems);
            return (value ?? {}) as Record<string, MeshPeer>;
        });
        // Rejections are reported through the outputs that wait for them.
        this.peers.catch(() => undefined);
    }

    /**
     * The members' cacerts (`requested`), released once the peers are checked and each of them can accept them at
     * `stage`, and the mesh's own check (`checked`, against its clusters' deployed cacerts) passed: the problems of
     * both in one error.
     */
    gate(
        checked: pulumi.Output<Record<string, ClusterCacerts>>,
        requested: pulumi.Output<Record<string, ClusterCacerts>>,
        stage: pulumi.Input<string>,
    ): pulumi.Output<Record<string, ClusterCacerts>> {
        // A mesh without remote peers releases its cacerts exactly as before.
        if (!this.given) return checked;
        const own: Promise<string[]> = known(checked).then(
            () => [],
            (e) => (e instanceof SpecError ? e.problems : Promise.reject(e)),
        );
        const gated = pulumi.all([requested, stage, pulumi.output(this.peers), pulumi.output(own)]).apply(([all, s, peers, ownProblems]) => {
            const problems = [...ownProblems, ...remoteTrustProblems(all, Object.values(peers ?? {}), s)];
            if (problems.length) throw new SpecError(this.label, problems);
            return all;
        });
        // Unknown (a preview before the material exists) releases the links too; a refusal creates none.
        this.released = known(gated);
        this.released.catch(() => undefined);
        return gated;
    }

    /**
     * Creates the links to remote peers with `link` once the peers are known and the members' cacerts passed the gate
     * (a refused member must not get a link either); their states, and when they are registered.
     */
    wire(link: (l: ResolvedLink, peer: MeshPeer) => WiredLink): { states: pulumi.Output<MeshLinkStatus[]>; registered: Promise<unknown> } {
        const created = Promise.all([this.peers, this.released]).then(([peers]) =>
            peers ? remoteLinks(peers, this.clusters.map((c) => c.name), this.links).map((l) => link(l, peers[l.to])) : [],
        );
        return {
            states: pulumi.output(created.then(meshLinkStatuses)),
            registered: created.then((links) => Promise.all(links.map((l) => l.registered))),
        };
    }
}
