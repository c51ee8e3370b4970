// The Gateway API bundle as Pulumi resources, one per object, so a failure (an unreachable cluster, a refused
// object) fails that resource alone instead of the whole program, as the yaml ConfigGroup's remote construct did.
// Objects the component creates are deleted with it; objects it upgraded over someone else's are server-side-apply
// patches (forced: the fields move to this component) retained on delete, so destroy never removes them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OWNER_ANNOTATION } from "../preflight/conflicts";
import { APPLIED_ANNOTATION, GatewayApiPlan, objectKey } from "../preflight/gatewayapi";
import { Bundle, BundleObject, isCrd } from "./bundle";

/**
 * `group` is the resource-name prefix (`<component>-gateway-api-crds`); CRDs keep the names and the former
 * ConfigGroup parent (as an alias) that earlier versions gave them, so existing stacks keep their CRDs.
 */
export function applyGatewayApi(
    group: string,
    bundle: Bundle,
    plan: GatewayApiPlan,
    owner: string,
    formerParent: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
    if (plan.action === "leave") {
        return [];
    }
    return bundle.objects.map((o) => {
        const patch = plan.modes[objectKey(o)] === "patch";
        const annotations: Record<string, string> = {
            ...o.metadata.annotations,
            [OWNER_ANNOTATION]: owner,
            [APPLIED_ANNOTATION]: patch ? "upgraded" : "created",
            ...(patch ? { "pulumi.com/patchForce": "true" } : {}),
        };
        const object: BundleObject = { ...o, metadata: { ...o.metadata, annotations } };
        const name = isCrd(o) ? `${group}:${o.metadata.name}` : `${group}:${o.kind}:${o.metadata.name}`;
        if (patch) {
            const retained = { ...opts, retainOnDelete: true };
            return isCrd(o)
                ? new k8s.apiextensions.v1.CustomResourceDefinitionPatch(name, object as any, retained)
                : new k8s.apiextensions.CustomResourcePatch(name, object as any, retained);
        }
        return isCrd(o)
            ? new k8s.apiextensions.v1.CustomResourceDefinition(name, object as any, { ...opts, aliases: [{ parent: formerParent }] })
            : new k8s.apiextensions.CustomResource(name, object as any, opts);
    });
}
