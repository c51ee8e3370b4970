// Live status of Gateway API objects, which istiod writes: the address of an east-west gateway, acceptance of a link.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The live `status` of a Gateway: a CustomResource exposes it when created with a `status` key (left undefined). */
export function gatewayStatus(gateway: k8s.apiextensions.CustomResource): pulumi.Output<GatewayStatus | undefined> {
    return (gateway as unknown as { status: pulumi.Output<GatewayStatus | undefined> }).status;
}

export interface GatewayStatus {
    addresses?: { type?: string; value?: string }[];
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
}

/** A condition's reason and message as one text, e.g. `Pending: waiting for an address`. */
export function conditionText(c: { reason?: string; message?: string }): string {
    return [c.reason, c.message].filter(Boolean).join(": ");
}
