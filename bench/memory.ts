// Peak memory of the processes the Pulumi CLI starts: /proc is polled (every 200 ms by default) for the descendants
// of the given root processes, each descendant is classed by its command line, and the peak of each class's summed
// RSS (and of the total) is kept; and, apart, the peak of the simulated clusters' processes (API servers, etcd, kwok
// controllers, which kwokctl starts detached), found by their clusters' state directories in their command lines.
import * as path from "path";
import { pids, procArgs, procRssKb, procStat } from "./proc";

export type ProcessClass = "program" | "language host" | "kubernetes provider" | "pulumi CLI" | "other";

export interface MemoryPeaks {
    /** Peak RSS in MiB by class, and of all the descendants together (`total`). */
    peaks: Record<ProcessClass | "total", number>;
    /** Peak summed RSS in MiB of the processes of the clusters given. */
    clustersMb: number;
    samples: number;
    intervalMs: number;
}

/** What the sampler needs of a process; a process gone between listing and reading is left out. */
function readProc(pid: number): { ppid: number; rssKb: number; cmd: string[] } | undefined {
    const stat = procStat(pid);
    return stat && { ppid: stat.ppid, rssKb: procRssKb(pid), cmd: procArgs(pid) };
}

export function classify(cmd: string[]): ProcessClass {
    const exe = path.basename(cmd[0] ?? "");
    if (exe === "node" || exe.startsWith("node")) return "program";
    if (exe.startsWith("pulumi-language-")) return "language host";
    if (exe === "pulumi-resource-kubernetes") return "kubernetes provider";
    if (exe === "pulumi") return "pulumi CLI";
    return "other";
}

/** Starts sampling the process trees below the processes `roots` selects; `stop()` returns the peaks. */
export function sampleMemory(roots: (cmd: string[]) => boolean, clusterDirs: string[] = [], intervalMs = 200): { stop(): MemoryPeaks } {
    const peaks: MemoryPeaks["peaks"] = { program: 0, "language host": 0, "kubernetes provider": 0, "pulumi CLI": 0, other: 0, total: 0 };
    let clustersMb = 0;
    let samples = 0;
    const sample = () => {
        const procs = new Map<number, NonNullable<ReturnType<typeof readProc>>>();
        for (const pid of pids()) {
            const p = readProc(pid);
            if (p) procs.set(pid, p);
        }
        const inTree = (pid: number): boolean => {
            for (let p = procs.get(pid), seen = 0; p && seen < 64; p = procs.get(p.ppid), seen++) {
                if (roots(p.cmd)) return true;
            }
            return false;
        };
        const now: Record<string, number> = { total: 0 };
        let clusters = 0;
        for (const [pid, p] of procs) {
            if (p.cmd.some((a) => clusterDirs.some((d) => a.includes(d)))) clusters += p.rssKb / 1024;
            if (!inTree(pid)) continue;
            const cls = classify(p.cmd);
            now[cls] = (now[cls] ?? 0) + p.rssKb / 1024;
            now.total += p.rssKb / 1024;
        }
        for (const [k, v] of Object.entries(now)) {
            const key = k as keyof MemoryPeaks["peaks"];
            peaks[key] = Math.max(peaks[key], v);
        }
        clustersMb = Math.max(clustersMb, clusters);
        samples++;
    };
    const timer = setInterval(sample, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            sample();
            return { peaks, clustersMb, samples, intervalMs };
        },
    };
}
