// A `pulumi up` that dies mid-way: once its output shows a given step, the CLI and every process under it (language
// host, program, provider plugins and the Helm operations inside them) get SIGKILL, as when a CI job is cancelled
// hard or its machine is lost. Nothing gets to clean up. The CLI starts plugins in process groups of their own, so
// killing its group alone would leave the Kubernetes provider running on, finishing the Helm install.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface KilledUp {
    /** What the CLI printed before it died. */
    output: string;
    /** Processes of the tree still alive after the kill (should be none). */
    survivors: number;
    /** How many processes were killed. */
    killed: number;
}

/** `root` and all its descendants, now. */
function processTree(root: number): number[] {
    const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const tree = [root];
    for (let i = 0; i < tree.length; i++) {
        tree.push(...rows.filter(([, ppid]) => ppid === tree[i]).map(([pid]) => pid));
    }
    return tree;
}

/** Running, stopped or sleeping; not gone and not a zombie waiting to be reaped. */
const alive = (pid: number) => {
    try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
};

/** Freezes the tree (so nothing new is spawned), then kills all of it at once. */
function killTree(root: number): number[] {
    const first = processTree(root);
    first.forEach((pid) => alive(pid) && process.kill(pid, "SIGSTOP"));
    const all = [...new Set([...first, ...processTree(root)])];
    all.forEach((pid) => alive(pid) && process.kill(pid, "SIGKILL"));
    return all;
}

export function upKilledAt(bin: string, workDir: string, stackName: string, env: Record<string, string>, at: RegExp, delayMs: number): Promise<KilledUp> {
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(bin, "pulumi"), ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stackName], {
            cwd: workDir,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let armed = false;
        let killed: number[] = [];
        const onData = (d: Buffer) => {
            output += d.toString();
            if (!armed && at.test(output)) {
                armed = true;
                setTimeout(() => (killed = killTree(child.pid!)), delayMs);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (signal !== "SIGKILL") {
                reject(new Error(`pulumi up ended (${code ?? signal}) before it was killed:\n${output}`));
                return;
            }
            // SIGKILL is not instantaneous on a loaded machine: wait up to 10s for the tree to be gone.
            const deadline = Date.now() + 10_000;
            const check = () => {
                const survivors = killed.filter(alive).length;
                if (survivors && Date.now() < deadline) {
                    setTimeout(check, 250);
                } else {
                    resolve({ output, killed: killed.length, survivors });
                }
            };
            check();
        });
    });
}
