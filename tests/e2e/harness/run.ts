// Small process helpers for the real-engine harness.
import { execFile, spawn } from "child_process";

export interface RunResult {
    stdout: string;
    stderr: string;
}

/** Runs a command, resolving with its output or rejecting with both streams in the message. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`));
            } else {
                resolve({ stdout, stderr });
            }
        });
        if (opts.input !== undefined) {
            child.stdin!.end(opts.input);
        }
    });
}

/** Runs a command with its stderr shown live (long builds print progress there); resolves with stdout. */
export function runShowingProgress(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
    });
}
