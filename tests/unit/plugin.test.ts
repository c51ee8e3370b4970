// The compiled plugin as a Pulumi CLI starts it: bin/pulumi-resource-servicemesh (plain Node on dist/) and the SDK's
// run-plugin on the package folder (PulumiPlugin.yaml, `pulumi package add`) serve the golden schema over gRPC, from
// the analysis `npm run build` wrote: the process loads no ts-node and reads no TypeScript source.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { serveSchema } from "../support/plugin";

const REPO = path.join(__dirname, "..", "..");
const NODE = path.join(REPO, "node_modules", ".bin", "node");
const GOLDEN = path.join(REPO, "tests", "golden", "schema.json");
const PROBE = path.join(REPO, "tests", "support", "pluginProbe.js");

/** Serves the schema with the probe preloaded; returns the schema and what the probe saw. */
async function probed(command: string, args: string[]): Promise<{ schema: any; probe: string[] }> {
    const probeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-probe-")), "probe");
    fs.writeFileSync(probeFile, "");
    const env = { ...process.env, NODE_OPTIONS: `--require ${PROBE}`, SERVICEMESH_PROBE_FILE: probeFile };
    const served = await serveSchema(command, args, { cwd: REPO, env });
    return { schema: served.schema, probe: fs.readFileSync(probeFile, "utf8").split("\n").filter(Boolean) };
}

describe("compiled plugin", function () {
    this.timeout(120_000);
    const golden = JSON.parse(fs.readFileSync(GOLDEN, "utf8"));

    before(() => {
        for (const f of ["dist/index.js", "dist/index.d.ts", "dist/plugin.js", "dist/package/schema.json"]) {
            expect(fs.existsSync(path.join(REPO, f)), `${f} (run npm run build)`).to.equal(true);
        }
    });

    it("package.json points main and types at the compiled package", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
        expect(pkg.main).to.equal("dist/index.js");
        expect(pkg.types).to.equal("dist/index.d.ts");
        expect(pkg.scripts.prepare).to.match(/build/);
    });

    it("carries the files the compiled code runs besides itself: the CRD post-renderer, executable", () => {
        // removeCrdsOnDelete hands this file to Helm as a post-renderer (controller.ts); tsc does not copy .js sources.
        const renderer = path.join(REPO, "dist", "render", "drop-crd-keep.js");
        expect(fs.statSync(renderer).mode & 0o111, "dist/render/drop-crd-keep.js must be executable").to.not.equal(0);
        expect(fs.readFileSync(renderer, "utf8")).to.equal(fs.readFileSync(path.join(REPO, "provider", "render", "drop-crd-keep.js"), "utf8"));
    });

    it("bin/pulumi-resource-servicemesh serves the golden schema with plain Node: no ts-node, no TypeScript source read", async () => {
        const served = await probed(path.join(REPO, "bin", "pulumi-resource-servicemesh"), []);
        expect(served.schema).to.deep.equal(golden);
        expect(served.probe).to.deep.equal([]);
    });

    it("the SDK's run-plugin (PulumiPlugin.yaml) serves the same schema without inferring it or compiling a source", async () => {
        const runPlugin = path.join(REPO, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin", "index.js");
        const served = await probed(NODE, [runPlugin, REPO]);
        expect(served.schema).to.deep.equal(golden);
        // run-plugin registers ts-node whatever the package is (@pulumi/pulumi 3.270); nothing goes through it.
        expect(served.probe.filter((p) => !p.startsWith("require ts-node"))).to.deep.equal([]);
    });
});
