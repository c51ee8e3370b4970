// Prints the Pulumi package schema the plugin serves, inferred from provider/ exactly as the Node.js plugin host
// infers it (no Pulumi CLI needed). `npm run schema` rewrites tests/golden/schema.json with it.
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as servicemesh from "../provider";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";

export async function packageSchema(): Promise<any> {
    const root = path.join(__dirname, "..");
    const provider = new ComponentProvider({ name: "servicemesh", dirname: root, components: getPulumiComponents(servicemesh) });
    return JSON.parse(await provider.getSchema());
}

if (require.main === module) {
    packageSchema().then(
        (schema) => process.stdout.write(JSON.stringify(schema, null, 2) + "\n"),
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
