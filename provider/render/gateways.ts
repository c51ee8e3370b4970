// Pure Gateway API manifests for multicluster ambient: the east-west gateway the seed shows (`istioctl multicluster
// expose`), and the remote peer gateways `istioctl multicluster link` creates.
import { isIP } from "net";

export const EASTWEST_GATEWAY_NAME = "istio-eastwest";

export interface GatewayManifest {
    apiVersion: "gateway.networking.k8s.io/v1";
    kind: "Gateway";
    metadata: {
        name: string;
        namespace: string;
        labels: Record<string, string>;
        annotations?: Record<string, string>;
    };
    spec: {
        gatewayClassName: string;
        addresses?: { type: "IPAddress" | "Hostname"; value: string }[];
        listeners: { name: string; port: number; protocol: string; tls: { mode: "Passthrough" } }[];
        /** What istiod copies onto the Deployment and Service it generates (render/eastwest.ts). */
        infrastructure?: {
            labels?: Record<string, string>;
            annotations?: Record<string, string>;
            parametersRef?: { group: ""; kind: "ConfigMap"; name: string };
        };
    };
}

/** The east-west listeners' ports: HBONE for workload traffic, istiod's xDS for peering. */
export const LISTENER_PORTS = { crossNetwork: 15008, xds: 15012 } as const;

// HBONE for cross-network workload traffic, TLS passthrough to istiod for peering.
const LISTENERS: GatewayManifest["spec"]["listeners"] = [
    { name: "cross-network", port: LISTENER_PORTS.crossNetwork, protocol: "HBONE", tls: { mode: "Passthrough" } },
    { name: "xds-tls", port: LISTENER_PORTS.xds, protocol: "TLS", tls: { mode: "Passthrough" } },
];

/** The listeners of an east-west gateway and of the peer Gateways that point at one. */
export function eastWestListeners(): GatewayManifest["spec"]["listeners"] {
    return structuredClone(LISTENERS);
}

/** The peer a link points at. */
export interface PeerCluster {
    cluster: string;
    network: string;
    trustDomain: string;
    /** The peer's east-west gateway address: an IP address or a host name. */
    address: string;
    /** How the peer's gateway takes data-plane traffic; NodePort asks Solo's peering for the node ports. */
    serviceType?: string;
    /** The peer's node ports (NodePort gateways): the listeners then name them instead of 15008 and 15012. */
    ports?: { crossNetwork: number; xds: number };
}

/** A NodePort peer is reached on its node ports; any other on the gateway's own. */
function peerListeners(peer: Pick<PeerCluster, "serviceType" | "ports">): GatewayManifest["spec"]["listeners"] {
    const listeners = structuredClone(LISTENERS);
    if (peer.serviceType === "NodePort" && peer.ports?.crossNetwork && peer.ports.xds) {
        listeners[0].port = peer.ports.crossNetwork;
        listeners[1].port = peer.ports.xds;
    }
    return listeners;
}

export function remotePeerGatewayName(peerNetwork: string): string {
    return `istio-remote-peer-${peerNetwork}`;
}

/** A peer Gateway's metadata, in the sending cluster's east-west namespace: it names the peer's cluster, network and trust domain, and asks for node ports if need be. */
export function remotePeerMetadata(namespace: string, peer: Omit<PeerCluster, "address" | "ports">): GatewayManifest["metadata"] {
    return {
        name: remotePeerGatewayName(peer.network),
        namespace,
        labels: { "topology.istio.io/network": peer.network, "topology.istio.io/cluster": peer.cluster },
        annotations: {
            "gateway.istio.io/service-account": EASTWEST_GATEWAY_NAME,
            "gateway.istio.io/trust-domain": peer.trustDomain,
            // Solo's peering (1.28+): reach the peer's data plane at its nodes' addresses and HBONE node port.
            ...(peer.serviceType === "NodePort" ? { "peering.solo.io/preferred-data-plane-service-type": "nodeport" } : {}),
        },
    };
}

/** A peer Gateway's spec: the peer's address and the ports it is reached on. */
export function remotePeerSpec(peer: Pick<PeerCluster, "address" | "serviceType" | "ports">): GatewayManifest["spec"] {
    return {
        gatewayClassName: "istio-remote",
        addresses: [{ type: isIP(peer.address) ? "IPAddress" : "Hostname", value: peer.address }],
        listeners: peerListeners(peer),
    };
}
