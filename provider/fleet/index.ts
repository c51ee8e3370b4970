// servicemesh/fleet: what a TypeScript member stack wired by hand (controllers and ClusterLinks, examples/fleet-ts)
// needs besides the components (README: "Many clusters: one stack per region"): the peers other stacks publish,
// checked as they arrive, the cross-stack trust check, the member's mesh phase; and the driver that rolls a change
// across the member stacks (driver.ts). A member stack as one MultiClusterMesh (`remotePeers`, `peers`: every
// language) makes these checks itself.
import { MeshPeer } from "../controller/args";
import { meshPhase } from "../multicluster/mesh";
import { peerTrustProblems, publishedPeerProblems } from "../link/peer";
import { SpecError } from "../spec/inputs";
import { remoteTrustProblems } from "../multicluster/remote";

export { peerTrustProblems, publishedPeerProblems };
export { FleetCommand, FleetOptions, FleetResult, StackOutcome, fleetReport, runFleet } from "./driver";

/**
 * The peers of other stacks, each stack's `peers` output (cluster name -> MeshPeer) as a StackReference read it:
 * a stack without that output (destroyed, or a region removed without taking it out of `peerStacks`) is refused
 * by name, and so is a peer missing a field. Two stacks claiming one cluster are refused too.
 */
export function remotePeers(stacks: { stack: string; peers: unknown }[], field = "peerStacks", local: string[] = []): Record<string, { stack: string; peer: MeshPeer }> {
    const problems: string[] = [];
    const found: Record<string, { stack: string; peer: MeshPeer }> = {};
    for (const [i, { stack, peers }] of stacks.entries()) {
        if (peers === undefined || peers === null || typeof peers !== "object") {
            problems.push(
                `${field}[${i}]: stack "${stack}" exports no peers output (got ${JSON.stringify(peers ?? null)}): it was destroyed or has not run its up yet; allowed: a member stack that exports peers; to remove a region, take it out of ${field} and run up here before destroying its stack`,
            );
            continue;
        }
        for (const [cluster, peer] of Object.entries(peers as Record<string, unknown>)) {
            const bad = publishedPeerProblems(peer, `${field}[${i}] ("${stack}").peers.${cluster}`);
            if (bad.length) {
                problems.push(...bad);
            } else if (found[cluster] || local.includes(cluster)) {
                problems.push(`${field}[${i}]: stack "${stack}" publishes cluster "${cluster}", which ${found[cluster] ? `stack "${found[cluster].stack}"` : "this stack"} has too; allowed: each cluster in one member stack`);
            } else {
                found[cluster] = { stack, peer: peer as MeshPeer };
            }
        }
    }
    if (problems.length) {
        throw new SpecError("member stack", problems);
    }
    return found;
}

/**
 * Refuses cacerts for `cluster` that a peer of another stack could not accept (as that peer last published its own
 * cacerts): the cross-stack half of the staged rotation; the controller's pre-flight checks the cluster's own half.
 */
export function checkPeersTrust<T extends { rootCertPem: string; caCertPem: string }>(cluster: string, cacerts: T, peers: MeshPeer[], stage?: string): T {
    // The check MultiClusterMesh makes with `remotePeers`, for one cluster.
    const problems = remoteTrustProblems({ [cluster]: cacerts }, peers, stage);
    if (problems.length) {
        throw new SpecError(`member cluster "${cluster}"`, problems);
    }
    return cacerts;
}

/** A member stack's mesh phase: SUCCEEDED when its clusters are and every link it owns is up. */
export function memberPhase(clusters: { phase: string }[], links: { ready: boolean }[]): string {
    return meshPhase(clusters, links);
}
