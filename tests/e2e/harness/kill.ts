// A `pulumi up` that dies mid-way: the CLI runs in a process group of its own, and the whole group (CLI, language
// host, program, provider plugins and the Helm operations inside them) gets SIGKILL once its output shows a given
// step, as when a CI job is cancelled hard or its machine is lost. Nothing gets to clean up.
import { spawn } from "child_process";
import * as path from "path";

export interface KilledUp {
    /** What the CLI printed before it died. */
    output: string;
    /** Processes of the group still alive after the kill (should be none). */
    survivors: number;
}

export function upKilledAt(bin: string, workDir: string, stackName: string, env: Record<string, string>, at: RegExp, delayMs: number): Promise<KilledUp> {
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(bin, "pulumi"), ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stackName], {
            cwd: workDir,
            env: { ...process.env, ...env },
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let armed = false;
        const onData = (d: Buffer) => {
            output += d.toString();
            if (!armed && at.test(output)) {
                armed = true;
                setTimeout(() => process.kill(-child.pid!, "SIGKILL"), delayMs);
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
            // Give the kernel a moment, then count what is left of the group.
            setTimeout(() => {
                let survivors = 0;
                try {
                    process.kill(-child.pid!, 0);
                    survivors = 1;
                } catch {
                    survivors = 0;
                }
                resolve({ output, survivors });
            }, 1000);
        });
    });
}
