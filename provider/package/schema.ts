// What the package schema needs beyond what @pulumi/pulumi infers from provider/. The plugin host builds the schema
// with the SDK's `generateSchema`, which (as of @pulumi/pulumi 3.270) drops the descriptions the analyzer found for
// object and enum types and has no way to set per-language options. Both matter to users of the generated SDKs:
// type docs show up in every language's IDE help, and the Go SDK does not compile without `generateExtraInputTypes`
// (pkg/v3 codegen only emits `MeshClusterArgs` when a plain object property sorts before the `clusters` array).
//
// The SDK's component host also infers the schema on every plugin start (GetSchema, and the first Construct): it
// builds a TypeScript program of the package's sources with the type checker, seconds of CPU each time a Python,
// Go or YAML program starts the plugin. The build (`npm run build`) runs that inference once and writes the result
// next to the compiled package (`dist/package/schema.json`); the compiled package serves it from there.
import * as fs from "fs";
import * as path from "path";
import * as inferred from "@pulumi/pulumi/provider/experimental/schema";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import { RENAMES, deprecationMessage } from "../spec/renames";

/**
 * The generated SDKs' names: one name, `pulumi-servicemesh-sdk`, spelled as each registry spells packages. It claims
 * no one else's namespace (Pulumi's own packages are `@pulumi/<name>` on npm and `pulumi_<name>` on PyPI), and it says
 * what it is: the SDK generated for this package, apart from the TypeScript package `servicemesh` itself. A Go module
 * path starts with a host its publisher controls; until the SDK is published there, it is the reserved `example.com`.
 */
export const SDK_NAMES = {
    nodejs: "pulumi-servicemesh-sdk",
    python: "pulumi_servicemesh_sdk",
    go: "example.com/pulumi-servicemesh-sdk/servicemesh",
};

/** Per-language options of the schema, merged over the SDK's defaults. */
export const LANGUAGE_OPTIONS: Record<string, Record<string, unknown>> = {
    nodejs: { packageName: SDK_NAMES.nodejs },
    python: { packageName: SDK_NAMES.python },
    go: { generateExtraInputTypes: true, importBasePath: SDK_NAMES.go },
};

/**
 * Every property that holds a license key, a private key or a kubeconfig, by resource or type name: `secret: true` in
 * the schema, which the analyzer cannot infer. The SDKs then send a plain value of a resource's top-level secret input
 * as a secret, and read a secret output as one; nested ones are marked for the docs and the SDKs that honour them (the
 * component keeps them all secret wherever it uses them). Chart-repository and image-pull credentials are never inputs:
 * `repository.secrets` and `image.secrets` name Secrets in the cluster, read as secrets.
 */
export const SECRET_PROPERTIES: Record<string, string[]> = {
    ServiceMeshController: ["license", "kubeconfig", "cacerts"],
    MultiClusterMesh: ["license"],
    ClusterLink: ["kubeconfig"],
    RootOfTrust: ["rootKeyPem", "cacerts"],
    MeshCluster: ["kubeconfig"],
    Cacerts: ["caKeyPem"],
    ClusterCa: ["caKeyPem"],
    ClusterCacerts: ["caKeyPem"],
    NextRoot: ["rootKeyPem"],
    RootOfTrustSettings: ["rootKeyPem"],
};

/**
 * Resource references the analyzer cannot name right, by the token it writes and the one the schema binds. It writes
 * a reference as `/<pkg>/v<version>/schema.json#/resources/<__pulumiType>`, and a provider class's `__pulumiType` is
 * its bare package name (`kubernetes`), where the binder and the SDK generators want the provider's resource token.
 */
export const RESOURCE_REFERENCE_TOKENS: Record<string, string> = {
    kubernetes: "pulumi:providers:kubernetes",
};

/** The property (or array/map of it) with its resource reference renamed through RESOURCE_REFERENCE_TOKENS. Pure. */
function renameReferences(prop: any): any {
    if (!prop || typeof prop !== "object") return prop;
    const out = { ...prop };
    const ref = /^(\/[^/]+\/v[^/]+\/schema\.json#\/resources\/)(.+)$/.exec(prop.$ref ?? "");
    if (ref && RESOURCE_REFERENCE_TOKENS[ref[2]]) out.$ref = ref[1] + RESOURCE_REFERENCE_TOKENS[ref[2]];
    if (prop.items) out.items = renameReferences(prop.items);
    if (prop.additionalProperties) out.additionalProperties = renameReferences(prop.additionalProperties);
    return out;
}

/** Every property of a resource or type with its references renamed. Pure. */
function renameAll(props: Record<string, any> | undefined): Record<string, any> | undefined {
    return props && Object.fromEntries(Object.entries(props).map(([k, p]) => [k, renameReferences(p)]));
}

/** The package's TypeScript entry point, which the schema is inferred from (package.json `main` is the compiled one). */
export const SOURCE_ENTRY = "provider/index.ts";

/** The inferred schema as the component host serves it, and the component definitions its Construct reads outputs by. */
export interface PackageAnalysis {
    schema: string;
    components: Record<string, unknown>;
}

/** Where the build writes the analysis: beside this module, so only the compiled package (dist/package/) has one. */
export const PREBUILT_ANALYSIS = path.join(__dirname, "schema.json");

/**
 * Adds the inferred type descriptions, the secret marks, the deprecation of renamed properties and the language
 * options to an inferred schema, and names its provider references by their resource token
 * (RESOURCE_REFERENCE_TOKENS). Pure.
 */
export function completeSchema(schema: any, typeDefinitions: Record<string, { description?: string }>): any {
    const types: Record<string, any> = {};
    for (const [token, type] of Object.entries<any>(schema.types ?? {})) {
        types[token] = type.properties ? { ...type, properties: renameAll(type.properties) } : type;
    }
    const resources: Record<string, any> = {};
    for (const [token, r] of Object.entries<any>(schema.resources ?? {})) {
        resources[token] = { ...r, inputProperties: renameAll(r.inputProperties), properties: renameAll(r.properties) };
    }
    const prefix = `${schema.name}:index:`;
    for (const [name, def] of Object.entries(typeDefinitions ?? {})) {
        const token = prefix + name;
        if (types[token] && def?.description && !types[token].description) {
            types[token] = { description: def.description, ...types[token] };
        }
    }
    const owners = { resources, types };
    for (const [owner, props] of Object.entries(SECRET_PROPERTIES)) {
        for (const prop of props) patchProperty(owners, prefix + owner, prop, "any", { secret: true });
    }
    for (const r of RENAMES) {
        const message = deprecationMessage(r);
        patchProperty(owners, prefix + r.owner, r.old, r.kind, { deprecationMessage: message }, { description: message });
    }
    const language: Record<string, any> = { ...schema.language };
    for (const [lang, options] of Object.entries(LANGUAGE_OPTIONS)) {
        language[lang] = { ...language[lang], ...options };
    }
    return { ...schema, resources: owners.resources, types, language };
}

/**
 * Sets `patch` (over `defaults`) on the property `prop` of the resource or type `token`: a resource's input, its
 * output, or both ("any") where it has them. Throws when there is no such property, so the tables stay true.
 */
function patchProperty(
    owners: { resources: Record<string, any>; types: Record<string, any> },
    token: string,
    prop: string,
    kind: "input" | "output" | "any",
    patch: Record<string, unknown>,
    defaults: Record<string, unknown> = {},
): void {
    const isResource = token in owners.resources;
    const table = isResource ? owners.resources : owners.types;
    const fields = !isResource ? ["properties"] : kind === "input" ? ["inputProperties"] : kind === "output" ? ["properties"] : ["inputProperties", "properties"];
    let found = false;
    for (const field of fields) {
        const property = table[token]?.[field]?.[prop];
        if (!property) continue;
        table[token] = { ...table[token], [field]: { ...table[token][field], [prop]: { ...defaults, ...property, ...patch } } };
        found = true;
    }
    if (!found) throw new Error(`schema completion: ${token} has no ${kind === "any" ? "" : kind + " "}property ${prop}`);
}

/** The package root: two folders up from provider/package/ (sources) or dist/package/ (compiled). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Infers the schema from the TypeScript sources, the way the component host does (same analyzer, same
 * `generateSchema`, with `completeSchema` applied), whatever package.json `main` points at.
 */
export async function analyzePackage(components: Function[], root = PACKAGE_ROOT): Promise<PackageAnalysis> {
    installSchemaCompletion();
    const provider = new ComponentProvider({ name: "servicemesh", dirname: root, components: components as any });
    const p = provider as any;
    p.packageJSON = { ...p.packageJSON, main: SOURCE_ENTRY, exports: undefined };
    const schema = await provider.getSchema();
    return { schema, components: p.componentDefinitions };
}

let installed = false;

/**
 * Routes the SDK's schema generation through `completeSchema` (the component provider calls `generateSchema`
 * through its module object, so replacing the export is enough), and makes the component provider of this package
 * serve the build's analysis when there is one instead of inferring it again. Neither changes anything else the SDK
 * does, nor any other package's provider.
 */
export function installSchemaCompletion(): void {
    if (installed) return;
    installed = true;
    const module = inferred as { generateSchema: (...args: any[]) => any };
    const generate = module.generateSchema;
    // generateSchema(providerName, version, description, components, typeDefinitions, dependencies, namespace)
    module.generateSchema = (...args: any[]) => completeSchema(generate(...args), args[4]);

    if (!fs.existsSync(PREBUILT_ANALYSIS)) return;
    const proto = ComponentProvider.prototype as any;
    const infer = proto.getSchema;
    proto.getSchema = async function (this: any): Promise<string> {
        if (this.name !== "servicemesh" || path.resolve(this.path) !== PACKAGE_ROOT) return infer.call(this);
        if (!this.cachedSchema) {
            const analysis: PackageAnalysis = JSON.parse(fs.readFileSync(PREBUILT_ANALYSIS, "utf8"));
            this.cachedSchema = analysis.schema;
            this.componentDefinitions = analysis.components;
        }
        return this.cachedSchema;
    };
}
