// A member's published peer (MeshPeer) and the checks of a peer that arrives from another stack (pure). A peer read
// through a StackReference is a plain object of whatever that stack exported: every field a link relies on is checked
// once known, and a peer that is missing (its stack's output is gone: the region was removed) is refused by name.
import { EastWestGatewayState, MeshPeer } from "../controller/args";
import { TrustState, describeRoot } from "../trust/stages";

/** The peer a controller publishes, from its identity, its east-west gateway as read back and the trust it was given. */
export function meshPeerOf(
    id: { cluster: string; network: string; trustDomain: string },
    eastWest: EastWestGatewayState,
    trust: TrustState | undefined,
): MeshPeer {
    return {
        ...id,
        eastWestAddress: eastWest.address,
        serviceType: eastWest.serviceType,
        ports: { crossNetwork: eastWest.ports.crossNetwork, xds: eastWest.ports.xds },
        replicas: eastWest.replicas,
        readyReplicas: eastWest.readyReplicas,
        trustedRoots: trust?.roots ?? [],
        issuingRoot: trust?.issuer ?? "",
    };
}

const STRINGS = ["cluster", "network", "trustDomain", "eastWestAddress", "serviceType", "issuingRoot"] as const;
const NUMBERS = ["replicas", "readyReplicas"] as const;

/**
 * Problems with a peer published by another stack (`field` names where it was given, e.g. `to`), each naming the
 * missing or wrong field. `undefined`/`null` is a peer whose stack no longer exports it.
 */
export function publishedPeerProblems(peer: unknown, field: string): string[] {
    if (peer === undefined || peer === null) {
        return [
            `${field}: the peer is missing (got ${String(peer)}): the stack that published it exports no such output (a removed region, or a stack not updated yet); allowed: a ServiceMeshController's peer output read through a StackReference, or drop the link to a region that no longer exists`,
        ];
    }
    if (typeof peer !== "object" || Array.isArray(peer)) {
        return [`${field}: is not a peer object (got ${JSON.stringify(peer)}); allowed: a ServiceMeshController's peer output {cluster, network, trustDomain, eastWestAddress, serviceType, ports, ...}`];
    }
    const p = peer as Record<string, unknown>;
    const problems: string[] = [];
    const missing = (f: string, what: string) => problems.push(`${field}.${f}: missing from the published peer of cluster ${JSON.stringify(p.cluster ?? "?")} (got ${JSON.stringify(p[f.split(".")[0]])}); allowed: ${what}, as the peer output of that cluster's ServiceMeshController carries it (re-run \`up\` of the stack that publishes it)`);
    for (const f of STRINGS) {
        // An empty issuing root is a member without cacerts; every other string must be set.
        if (typeof p[f] !== "string" || (f !== "issuingRoot" && p[f] === "")) missing(f, "a non-empty string");
    }
    const ports = p.ports as Record<string, unknown> | undefined;
    for (const f of ["crossNetwork", "xds"]) {
        if (!ports || !Number.isInteger(ports[f])) missing(`ports.${f}`, "a port number");
    }
    for (const f of NUMBERS) {
        if (!Number.isInteger(p[f])) missing(f, "a whole number");
    }
    if (!Array.isArray(p.trustedRoots) || p.trustedRoots.some((r) => typeof r !== "string")) missing("trustedRoots", "a list of root fingerprints");
    return problems;
}

/** Whether a link's `to` is a published peer (it has a field only `peer` outputs carry) rather than a hand-written one. */
export function looksPublished(to: object): boolean {
    return ["serviceType", "ports", "replicas", "readyReplicas", "trustedRoots", "issuingRoot"].some((f) => f in to);
}

/**
 * Why a cluster of this stack may not take `requested` trust while `peer` (another stack's cluster, as it last
 * published its cacerts) trusts what it trusts: mTLS between them needs each side to trust the root the other issues
 * from. Empty when the step is safe or the peer runs without cacerts.
 */
export function peerTrustProblems(cluster: string, requested: TrustState, peer: MeshPeer, stage: string | undefined): string[] {
    if (!peer.issuingRoot || !requested.issuer) {
        return [];
    }
    const subjects = requested.subjects;
    const name = (fp: string) => describeRoot(fp, subjects);
    const what = stage ? `the requested stage ${stage}` : "the requested cacerts";
    const order = "; allowed: the stage every peer can accept: update the trust stack, then every member stack, one stage at a time (README: Many clusters: one stack per region)";
    if (!peer.trustedRoots.includes(requested.issuer)) {
        return [`cacerts: ${what} of cluster "${cluster}" issues from ${name(requested.issuer)}, which peer cluster "${peer.cluster}" does not trust yet (it trusts ${peer.trustedRoots.map(name).join(" and ")})${order}`];
    }
    if (!requested.roots.includes(peer.issuingRoot)) {
        return [`cacerts: ${what} of cluster "${cluster}" stops trusting ${name(peer.issuingRoot)}, which still issues peer cluster "${peer.cluster}"'s certificates${order}`];
    }
    return [];
}
