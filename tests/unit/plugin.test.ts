// The compiled plugin as a Pulumi CLI starts it: bin/pulumi-resource-servicemesh (plain Node on dist/) and the SDK's
// run-plugin on the package folder (PulumiPlugin.yaml, `pulumi package add`) serve the golden schema over gRPC, from
// the analysis `npm run build` wrote, without ts-node, TypeScript sources or a TypeScript program in the process.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";

const REPO = path.join(__dirname, "..", "..");
const NODE = path.join(REPO, "node_modules", ".bin", "node");
const GOLDEN = path.join(REPO, "tests", "golden", "schema.json");
const PROBE = path.join(REPO, "tests", "support", "pluginProbe.js");
// The SDK's generated gRPC stubs (plain JavaScript, no typings).
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const provproto = require("@pulumi/pulumi/proto/provider_pb.js");

interface Served {
    schema: any;
    probe: string[];
}

/** Starts a plugin command, reads the port it prints, asks GetSchema, stops it. */
async function serveSchema(command: string, args: string[]): Promise<Served> {
    const probeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-probe-")), "probe");
    fs.writeFileSync(probeFile, "");
    const env = { ...process.env, NODE_OPTIONS: `--require ${PROBE}`, SERVICEMESH_PROBE_FILE: probeFile };
    const child: ChildProcess = spawn(command, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    try {
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d) => {
                out += d;
                const m = /^(\d+)\n/.exec(out);
                if (m) resolve(m[1]);
            });
            child.on("exit", (code) => reject(new Error(`plugin exited (${code}) before printing its port: ${stderr}`)));
        });
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const schema = await new Promise<string>((resolve, reject) =>
            client.getSchema(new provproto.GetSchemaRequest(), (err: Error | null, res: any) => (err ? reject(err) : resolve(res.getSchema()))),
        );
        client.close();
        return { schema: JSON.parse(schema), probe: fs.readFileSync(probeFile, "utf8").split("\n").filter(Boolean) };
    } finally {
        child.kill();
    }
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

    it("bin/pulumi-resource-servicemesh serves the golden schema with plain Node: no ts-node, no TypeScript source read", async () => {
        const served = await serveSchema(path.join(REPO, "bin", "pulumi-resource-servicemesh"), []);
        expect(served.schema).to.deep.equal(golden);
        expect(served.probe).to.deep.equal([]);
    });

    it("the SDK's run-plugin (PulumiPlugin.yaml) serves the same schema without inferring it or compiling a source", async () => {
        const runPlugin = path.join(REPO, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin", "index.js");
        const served = await serveSchema(NODE, [runPlugin, REPO]);
        expect(served.schema).to.deep.equal(golden);
        // run-plugin registers ts-node whatever the package is (@pulumi/pulumi 3.270); nothing goes through it.
        expect(served.probe.filter((p) => !p.startsWith("require ts-node"))).to.deep.equal([]);
    });
});
