// Starts a plugin command as the Pulumi CLI would (it prints its port), asks it for the schema over gRPC and stops
// it: how long each step took and what it served. Used by tests/unit/plugin.test.ts and the benchmark (bench/plugin.ts).
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";

// The SDK's generated gRPC stubs (plain JavaScript, no typings).
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const provproto = require("@pulumi/pulumi/proto/provider_pb.js");

export interface Served {
    schema: any;
    /** Milliseconds from spawn until the port was printed, and until the schema arrived. */
    portMs: number;
    schemaMs: number;
}

export async function serveSchema(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Served> {
    const started = performance.now();
    const child: ChildProcess = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
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
            child.on("exit", (code) => reject(new Error(`${command} exited (${code}) before printing its port: ${stderr}`)));
        });
        const portMs = performance.now() - started;
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const schema = await new Promise<string>((resolve, reject) =>
            client.getSchema(new provproto.GetSchemaRequest(), (err: Error | null, res: any) => (err ? reject(err) : resolve(res.getSchema()))),
        );
        const schemaMs = performance.now() - started;
        client.close();
        return { schema: JSON.parse(schema), portMs, schemaMs };
    } finally {
        child.kill();
    }
}
