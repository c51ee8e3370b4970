// What the package schema needs beyond what @pulumi/pulumi infers from provider/. The plugin host builds the schema
// with the SDK's `generateSchema`, which (as of @pulumi/pulumi 3.270) drops the descriptions the analyzer found for
// object and enum types and has no way to set per-language options. Both matter to users of the generated SDKs:
// type docs show up in every language's IDE help, and the Go SDK does not compile without `generateExtraInputTypes`
// (pkg/v3 codegen only emits `MeshClusterArgs` when a plain object property sorts before the `clusters` array).
import * as inferred from "@pulumi/pulumi/provider/experimental/schema";

/** Per-language options of the schema, merged over the SDK's defaults. */
export const LANGUAGE_OPTIONS: Record<string, Record<string, unknown>> = {
    go: { generateExtraInputTypes: true },
};

/** Adds the inferred type descriptions and the language options to an inferred schema. Pure. */
export function completeSchema(schema: any, typeDefinitions: Record<string, { description?: string }>): any {
    const types: Record<string, any> = { ...schema.types };
    const prefix = `${schema.name}:index:`;
    for (const [name, def] of Object.entries(typeDefinitions ?? {})) {
        const token = prefix + name;
        if (types[token] && def?.description && !types[token].description) {
            types[token] = { description: def.description, ...types[token] };
        }
    }
    const language: Record<string, any> = { ...schema.language };
    for (const [lang, options] of Object.entries(LANGUAGE_OPTIONS)) {
        language[lang] = { ...language[lang], ...options };
    }
    return { ...schema, types, language };
}

let installed = false;

/**
 * Routes the SDK's schema generation through `completeSchema`. The component provider calls `generateSchema` through
 * its module object, so replacing the export is enough; it changes nothing else the SDK does.
 */
export function installSchemaCompletion(): void {
    if (installed) return;
    installed = true;
    const module = inferred as { generateSchema: (...args: any[]) => any };
    const generate = module.generateSchema;
    // generateSchema(providerName, version, description, components, typeDefinitions, dependencies, namespace)
    module.generateSchema = (...args: any[]) => completeSchema(generate(...args), args[4]);
}
