// The plugin process (bin/pulumi-resource-servicemesh runs the compiled dist/plugin.js with plain Node): serves the
// package's components over gRPC as the SDK's run-plugin does for a PulumiPlugin.yaml plugin, but without ts-node
// (run-plugin always registers it, type checking on) and with the schema inferred at build time (package/schema.ts).
// The SDK's provider server reports unhandled errors to the engine and maps stack traces through the source maps.
import * as path from "path";
import { componentProviderHost, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import * as servicemesh from "./index";

componentProviderHost({
    name: "servicemesh",
    dirname: path.join(__dirname, ".."),
    components: getPulumiComponents(servicemesh),
}).catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
});
