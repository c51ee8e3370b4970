// Prints the Pulumi package schema the plugin serves, inferred from provider/ exactly as the Node.js plugin host
// infers it (no Pulumi CLI needed). `npm run schema` rewrites tests/golden/schema.json with it.
// `--analysis <file>` writes the analysis the compiled plugin serves instead (run by `npm run build`).
import * as fs from "fs";
import * as servicemesh from "../provider";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { analyzePackage } from "../provider/package/schema";

export async function packageSchema(): Promise<any> {
    return JSON.parse((await analyzePackage(getPulumiComponents(servicemesh))).schema);
}

async function main(args: string[]): Promise<void> {
    const at = args.indexOf("--analysis");
    if (at >= 0) {
        fs.writeFileSync(args[at + 1], JSON.stringify(await analyzePackage(getPulumiComponents(servicemesh))) + "\n");
    } else {
        process.stdout.write(JSON.stringify(await packageSchema(), null, 2) + "\n");
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
