// The east-west gateway as the cluster reports it: the Gateway's status (address, Programmed), and the Service and
// Deployment istiod generated from it (type, ports, replicas). Read back on every update and refresh, so a load
// balancer re-created with a new address re-points the links at the next `up`, and preview shows the drift.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EastWestGatewayState } from "../controller/args";
import { EASTWEST_GATEWAY_NAME, LISTENER_PORTS as PORTS } from "../render/gateways";
import { EastWestSpec } from "../render/eastwest";
import { GatewayStatus, conditionText } from "./gateways";


/** What the reads return, before it is judged (pure input of eastWestState). */
export interface EastWestObservation {
    gateway?: GatewayStatus;
    service?: { type?: string; ports?: { port?: number; nodePort?: number }[]; ingress?: { ip?: string; hostname?: string }[] };
    deployment?: { replicas?: number; readyReplicas?: number };
}

/** The gateway's state: the address peers use, its ports, replicas, and what is missing. */
export function eastWestState(ew: EastWestSpec, exposure: string, obs: EastWestObservation): EastWestGatewayState {
    const programmed = obs.gateway?.conditions?.find((c) => c.type === "Programmed");
    const reported = (obs.gateway?.addresses ?? []).map((a) => a.value ?? "").filter(Boolean);
    const lb = (obs.service?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter(Boolean);
    // A NodePort gateway's status lists its ClusterIP and in-cluster host name, which no peer can use; so does a
    // LoadBalancer one while its load balancer is pending, and it is Programmed only once that has an address.
    const fromStatus = programmed?.status === "True" ? reported : [];
    const addresses = ew.address ? [ew.address] : ew.serviceType === "NodePort" ? [] : lb.length ? lb : fromStatus;
    const nodePort = (port: number) => obs.service?.ports?.find((p) => p.port === port)?.nodePort;
    const ports =
        ew.serviceType === "NodePort"
            ? { crossNetwork: nodePort(PORTS.crossNetwork) ?? 0, xds: nodePort(PORTS.xds) ?? 0 }
            : { ...PORTS };
    const replicas = obs.deployment?.replicas ?? 0;
    const readyReplicas = obs.deployment?.readyReplicas ?? 0;
    const missing = [
        programmed?.status !== "True" && `Gateway not Programmed${programmed ? ` (${conditionText(programmed)})` : ""}`,
        addresses.length === 0 && "no address yet",
        readyReplicas === 0 && `no replica ready (0/${replicas})`,
        ew.serviceType === "NodePort" && !ports.crossNetwork && "no node port for HBONE (15008)",
    ].filter((m): m is string => !!m);
    return {
        serviceType: ew.serviceType,
        exposure,
        address: addresses[0] ?? "",
        addresses,
        ports,
        replicas,
        readyReplicas,
        programmed: programmed?.status === "True",
        message: missing.join("; "),
    };
}

/**
 * Reads the Gateway, and the Service and Deployment istiod generated from it, once `gateway` exists (their ids wait
 * for it). The Deployment's spec holds nothing secret, unlike istiod's.
 */
export function observeEastWest(
    name: string,
    ew: EastWestSpec,
    exposure: string,
    gateway: k8s.apiextensions.CustomResource,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<EastWestGatewayState> {
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
    const status = (live as unknown as { status: pulumi.Output<GatewayStatus | undefined> }).status;
    return pulumi
        .all([status, service.spec, service.status, deployment.spec, deployment.status])
        .apply(([gw, svcSpec, svcStatus, dSpec, dStatus]) =>
            eastWestState(ew, exposure, {
                gateway: gw,
                service: { type: svcSpec?.type, ports: svcSpec?.ports, ingress: svcStatus?.loadBalancer?.ingress },
                // The desired count is the live spec.replicas (an HPA scales it); status.replicas counts surge pods.
                deployment: { replicas: dSpec?.replicas ?? dStatus?.replicas, readyReplicas: dStatus?.readyReplicas },
            }),
        );
}
