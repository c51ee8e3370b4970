// The east-west gateway as the cluster reports it: the Gateway's status (address, Programmed), and the Service and
// Deployment istiod generated from it (type, ports, replicas). Read back on every update and refresh, so a load
// balancer re-created with a new address re-points the links at the next `up`, and preview shows the drift.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState, EastWestPorts } from "../controller/args";
import { EASTWEST_GATEWAY_NAME, LISTENER_PORTS as PORTS } from "../render/gateways";
import { EastWestSpec } from "../render/eastwest";
import { GatewayStatus, conditionText, gatewayStatus } from "./gateways";

/** What the reads return, before it is judged (pure input of eastWestState). */
export interface EastWestObservation {
    gateway?: GatewayStatus;
    service?: { type?: string; ports?: { port?: number; nodePort?: number }[] };
    deployment?: { replicas?: number; readyReplicas?: number };
}

/** What a link sent to this gateway points at: its address, Service type and ports. */
export interface EastWestTarget {
    address: string;
    addresses: string[];
    serviceType: string;
    ports: EastWestPorts;
}

/**
 * Where peers reach the gateway, from the Gateway's status (and for a NodePort gateway the Service's node ports): a
 * link needs nothing else of the receiving cluster, so it waits for one read, not three.
 */
export function eastWestTarget(ew: EastWestSpec, obs: Pick<EastWestObservation, "gateway" | "service">): EastWestTarget {
    const programmed = obs.gateway?.conditions?.find((c) => c.type === "Programmed");
    // istiod lists a LoadBalancer gateway's load balancer addresses once it has them, and is Programmed only then;
    // before, and always for a NodePort gateway, it lists the ClusterIP and in-cluster host name, which no peer can use.
    const reported = programmed?.status === "True" ? (obs.gateway?.addresses ?? []).map((a) => a.value ?? "").filter(Boolean) : [];
    const addresses = ew.address ? [ew.address] : ew.serviceType === "NodePort" ? [] : reported;
    const nodePort = (port: number) => obs.service?.ports?.find((p) => p.port === port)?.nodePort ?? 0;
    const ports = ew.serviceType === "NodePort" ? { crossNetwork: nodePort(PORTS.crossNetwork), xds: nodePort(PORTS.xds) } : { ...PORTS };
    return { address: addresses[0] ?? "", addresses, serviceType: ew.serviceType, ports };
}

/** The gateway's state: the address peers use, its ports, replicas, and what is missing. */
export function eastWestState(ew: EastWestSpec, exposure: string, obs: EastWestObservation): EastWestGatewayState {
    const programmed = obs.gateway?.conditions?.find((c) => c.type === "Programmed");
    const target = eastWestTarget(ew, obs);
    const replicas = obs.deployment?.replicas ?? 0;
    const readyReplicas = obs.deployment?.readyReplicas ?? 0;
    const missing = [
        programmed?.status !== "True" && `Gateway not Programmed${programmed ? ` (${conditionText(programmed)})` : ""}`,
        target.addresses.length === 0 && "no address yet",
        readyReplicas === 0 && `no replica ready (0/${replicas})`,
        ew.serviceType === "NodePort" && !target.ports.crossNetwork && "no node port for HBONE (15008)",
    ].filter((m): m is string => !!m);
    return {
        ...target,
        exposure,
        replicas,
        readyReplicas,
        programmed: programmed?.status === "True",
        message: missing.join("; "),
    };
}

/** The east-west gateway as read back: what a link points at (`target`), and its whole state. */
export interface EastWestObserved {
    target: pulumi.Output<EastWestTarget>;
    state: pulumi.Output<EastWestGatewayState>;
}

/**
 * Reads the Gateway, and the Service and Deployment istiod generated from it, once `gateway` exists (their ids wait
 * for it). The target waits only for the reads it needs: the Gateway's, and the Service's for a NodePort gateway.
 * The Deployment's spec holds nothing secret, unlike istiod's.
 */
export function observeEastWest(
    name: string,
    ew: EastWestSpec,
    exposure: string,
    gateway: k8s.apiextensions.CustomResource,
    opts: pulumi.CustomResourceOptions,
): EastWestObserved {
    // The Gateway's id is unknown until it exists (a preview of its creation), so nothing is read before then; once
    // it exists (every later preview and update), the reads show the live objects.
    const id = gateway.id.apply(() => `${ew.namespace}/${EASTWEST_GATEWAY_NAME}`);
    // A read through the constructor (what CustomResource.get does), with a `status` key so that it is an output.
    const live = new k8s.apiextensions.CustomResource(
        `${name}-eastwest-gateway-observed`,
        { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", status: undefined },
        { ...opts, id },
    );
    const service = k8s.core.v1.Service.get(`${name}-eastwest-service-observed`, id, opts);
    const deployment = k8s.apps.v1.Deployment.get(`${name}-eastwest-deployment-observed`, id, opts);
    const status = gatewayStatus(live);
    const ports = service.spec.apply((s) => ({ type: s?.type, ports: s?.ports }));
    return {
        target: ew.serviceType === "NodePort"
            ? pulumi.all([status, ports]).apply(([gw, svc]) => eastWestTarget(ew, { gateway: gw, service: svc }))
            : status.apply((gw) => eastWestTarget(ew, { gateway: gw })),
        state: pulumi
            .all([status, ports, deployment.spec, deployment.status])
            .apply(([gw, svc, dSpec, dStatus]) =>
                eastWestState(ew, exposure, {
                    gateway: gw,
                    service: svc,
                    // The desired count is the live spec.replicas (an HPA scales it); status.replicas counts surge pods.
                    deployment: { replicas: dSpec?.replicas ?? dStatus?.replicas, readyReplicas: dStatus?.readyReplicas },
                }),
            ),
    };
}
