// Whether a figure ran on a quiet machine, judged by CPU time instead of the load average: on two cores the bench's
// own work (the CLI, the plugins, the clusters' API servers) raises the 1-minute load average above the core count
// during a figure, and I/O waits of idle etcd keep it near it, so the load average cannot tell the bench from a
// competitor. /proc is polled for every process's CPU time; the bench's own processes (this process, its descendants,
// and the clusters kwokctl starts detached, found by the kwok directory in their command lines) are set apart, and
// what the other user processes used is the "foreign" share of the machine.
import * as fs from "fs";
import * as os from "os";
import { ProcStat, pids, procArgs, procStat } from "./proc";

/** /proc reports CPU times in clock ticks of USER_HZ, which is 100 on every mainstream Linux build. */
const HZ = 100;

const cmdline = (pid: number) => procArgs(pid).join(" ");

/** Busy ticks of the whole machine (all cores): user, nice, system, irq and softirq from /proc/stat. */
function machineTicks(): number {
    const [user, nice, system, , , irq, softirq] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system + irq + softirq;
}

const uptimeTicks = () => Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]) * HZ;

export interface CpuUse {
    wallS: number;
    /** Share of all cores the machine was busy (0..1). */
    busy: number;
    /** Share of all cores used by user processes that are not the bench's (0..1). */
    foreign: number;
    /** The foreign process that used the most CPU, for the log. */
    topForeign?: string;
    /** Every foreign process that used CPU during the watch: its command line and CPU seconds. */
    foreignProcesses: { cmd: string; cpuS: number }[];
}

/**
 * Starts watching CPU use; `stop()` returns it. `markers`: strings in the command lines of detached processes that are
 * the bench's own (the kwok workdir). A process is classed once, when first seen, and stays so after it is reparented.
 */
export function watchCpu(markers: string[] = [process.env.SERVICEMESH_KWOK_ROOT ?? ""].filter(Boolean), intervalMs = 500): { stop(): CpuUse } {
    const seen = new Map<string, { own: boolean; cmd?: string; first: number; last: number; pid: number }>();
    const started = performance.now();
    const startTicks = uptimeTicks();
    const busy0 = machineTicks();
    const sample = (initial: boolean) => {
        const procs = new Map<number, ProcStat>();
        for (const pid of pids()) {
            const p = procStat(pid);
            if (p) procs.set(pid, p);
        }
        // Whether a process is the bench's own, and (for one that is not) its command line, for the log.
        const classify = (pid: number): { own: boolean; cmd?: string } => {
            for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++) {
                if (p === process.pid) return { own: true };
                // Kernel threads (children of kthreadd, pid 2) do I/O for everybody: not a competing workload.
                if (p === 2) return { own: true };
            }
            const cmd = cmdline(pid);
            return markers.some((m) => cmd.includes(m)) ? { own: true } : { own: false, cmd };
        };
        for (const [pid, p] of procs) {
            const key = `${pid}:${p.start}`;
            const entry = seen.get(key);
            if (entry) {
                entry.last = p.ticks;
                continue;
            }
            // Born during the watch: all its time is in the window; seen at the start: only what follows.
            const first = !initial && p.start >= startTicks ? 0 : p.ticks;
            seen.set(key, { ...classify(pid), first, last: p.ticks, pid });
        }
    };
    sample(true);
    const timer = setInterval(() => sample(false), intervalMs);
    return {
        stop(): CpuUse {
            clearInterval(timer);
            sample(false);
            const wallS = (performance.now() - started) / 1000;
            const capacity = wallS * HZ * os.cpus().length;
            let foreign = 0;
            const foreignProcesses: { cmd: string; cpuS: number }[] = [];
            for (const e of seen.values()) {
                const used = e.last - e.first;
                if (e.own || used <= 0) continue;
                foreign += used;
                foreignProcesses.push({ cmd: e.cmd || `pid ${e.pid}`, cpuS: used / HZ });
            }
            foreignProcesses.sort((a, b) => b.cpuS - a.cpuS);
            const top = foreignProcesses[0];
            const topForeign = top ? `${top.cmd.slice(0, 60)} (${top.cpuS.toFixed(1)} CPU s)` : undefined;
            return { wallS, busy: Math.min(1, (machineTicks() - busy0) / capacity), foreign: Math.min(1, foreign / capacity), topForeign, foreignProcesses };
        },
    };
}
