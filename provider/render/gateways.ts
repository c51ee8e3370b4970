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
    };
}

// HBONE for cross-network workload traffic, TLS passthrough to istiod for peering.
const LISTENERS: GatewayManifest["spec"]["listeners"] = [
    { name: "cross-network", port: 15008, protocol: "HBONE", tls: { mode: "Passthrough" } },
    { name: "xds-tls", port: 15012, protocol: "TLS", tls: { mode: "Passthrough" } },
];

export function eastWestGateway(namespace: string, network: string): GatewayManifest {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: EASTWEST_GATEWAY_NAME,
            namespace,
            labels: { "istio.io/expose-istiod": "15012", "topology.istio.io/network": network },
        },
        spec: { gatewayClassName: "istio-eastwest", listeners: structuredClone(LISTENERS) },
    };
}

/** The peer a link points at. */
export interface PeerCluster {
    cluster: string;
    network: string;
    trustDomain: string;
    /** The peer's east-west gateway address: an IP address or a host name. */
    address: string;
}

export function remotePeerGatewayName(peerNetwork: string): string {
    return `istio-remote-peer-${peerNetwork}`;
}

/** In the sending cluster's east-west namespace: where and as whom to reach `peer`. */
export function remotePeerGateway(namespace: string, peer: PeerCluster): GatewayManifest {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: remotePeerGatewayName(peer.network),
            namespace,
            labels: { "topology.istio.io/network": peer.network, "topology.istio.io/cluster": peer.cluster },
            annotations: {
                "gateway.istio.io/service-account": EASTWEST_GATEWAY_NAME,
                "gateway.istio.io/trust-domain": peer.trustDomain,
            },
        },
        spec: {
            gatewayClassName: "istio-remote",
            addresses: [{ type: isIP(peer.address) ? "IPAddress" : "Hostname", value: peer.address }],
            listeners: structuredClone(LISTENERS),
        },
    };
}
