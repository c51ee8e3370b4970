// How inputs from another language's program reach the components. The SDK's provider server wraps every input that
// depends on a resource in an Output, unless the input is itself a resource reference or already holds Outputs: a
// `clusters` list whose entries hold Kubernetes providers (resource references, which are dependencies) thus arrives
// as an Output of the list, where the components need the list itself (its names and settings decide, at preview,
// what gets created). Construct is asynchronous, so it can unwrap such an input before the component sees it.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";

/** True when the value holds a resource (a rehydrated resource reference), at any depth outside resources. */
export function holdsResource(value: unknown): boolean {
    if (pulumi.Resource.isInstance(value)) return true;
    if (Array.isArray(value)) return value.some(holdsResource);
    if (value && typeof value === "object" && !pulumi.Output.isInstance(value)) return Object.values(value).some(holdsResource);
    return false;
}

/**
 * The inputs with each top-level Output that holds resource references replaced by its value, when that value is
 * known and not secret; the resources it depended on become `dependsOn` of the component so that nothing orders
 * differently. Any other input is left as it is.
 */
export async function unwrapResourceInputs(
    inputs: Record<string, unknown>,
    options: pulumi.ComponentResourceOptions,
): Promise<[Record<string, unknown>, pulumi.ComponentResourceOptions]> {
    const out: Record<string, unknown> = { ...inputs };
    const dependsOn: pulumi.Input<pulumi.Resource>[] = [];
    for (const [key, input] of Object.entries(inputs)) {
        if (!pulumi.Output.isInstance(input)) continue;
        const o = input as any;
        const [value, known, secret, resources] = await Promise.all([o.promise(true), o.isKnown, o.isSecret, o.allResources?.() ?? o.resources()]);
        if (!known || secret || !holdsResource(value)) continue;
        out[key] = value;
        dependsOn.push(...(resources as Set<pulumi.Resource>));
    }
    if (!dependsOn.length) return [out, options];
    const given = options.dependsOn === undefined ? [] : Array.isArray(options.dependsOn) ? options.dependsOn : [options.dependsOn];
    return [out, { ...options, dependsOn: [...(given as pulumi.Input<pulumi.Resource>[]), ...dependsOn] }];
}

let installed = false;

/** Makes the component provider of this package (at `root`) unwrap resource-holding inputs before constructing. */
export function installConstructInputs(root: string): void {
    if (installed) return;
    installed = true;
    const proto = ComponentProvider.prototype as any;
    const construct = proto.construct;
    proto.construct = async function (this: any, name: string, type: string, inputs: Record<string, unknown>, options: pulumi.ComponentResourceOptions) {
        if (this.name !== "servicemesh" || path.resolve(this.path) !== root) return construct.call(this, name, type, inputs, options);
        const [unwrapped, opts] = await unwrapResourceInputs(inputs, options ?? {});
        return construct.call(this, name, type, unwrapped, opts);
    };
}
