// Reading processes from /proc, for the bench's memory sampler (memory.ts) and quiet check (cpu.ts).
import * as fs from "fs";

export interface ProcStat {
    ppid: number;
    /** utime + stime, in clock ticks. */
    ticks: number;
    /** Start time, in clock ticks since boot (tells a reused pid from its predecessor). */
    start: number;
}

/** The pids of every process on the machine. */
export function pids(): number[] {
    return fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number);
}

/** Fields of /proc/<pid>/stat, or undefined when the process is gone. */
export function procStat(pid: number): ProcStat | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
        return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: Number(f[19]) };
    } catch {
        return undefined; // gone between listing and reading
    }
}

/** The process's command line, as arguments ([] when it is gone). */
export function procArgs(pid: number): string[] {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
        return [];
    }
}

/** The process's resident memory in KiB (0 when it is gone or has none, like a kernel thread). */
export function procRssKb(pid: number): number {
    try {
        const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return rss ? Number(rss[1]) : 0;
    } catch {
        return 0;
    }
}
