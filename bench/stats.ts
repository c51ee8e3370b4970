// Small helpers shared by the benchmark parts: settings from the environment, medians, ratios, the machine.
import { execFileSync } from "child_process";
import * as os from "os";
import { CpuUse, watchCpu } from "./cpu";

export type Part = "plugin" | "mock" | "engine";

export interface Settings {
    runs: number;
    /** Part 1 cluster counts. */
    sizes: number[];
    /** Part 2 cluster counts (simulated clusters b1..b10). */
    engineSizes: number[];
    parts: Set<Part>;
    /** A figure counts as quiet when other processes used at most this share of all cores (0..1) during it. */
    quietCpu: number;
    /** How long to wait for a quiet machine before a figure, in seconds. */
    maxWaitS: number;
    /** How many times a figure taken under load is taken again. */
    repeats: number;
}

/** The most simulated clusters part 2 runs (addresses, names and memory are sized for it). */
export const MAX_ENGINE_CLUSTERS = 10;

const list = (text: string | undefined, fallback: number[]) => (text ? text.split(",").map(Number).filter((n) => n > 0) : fallback);

export function settings(env = process.env): Settings {
    return {
        runs: Math.max(1, Number(env.BENCH_RUNS ?? 3)),
        sizes: list(env.BENCH_SIZES, [1, 5, 10, 25, 50]),
        engineSizes: list(env.BENCH_ENGINE_SIZES, [1, 3, 6]).filter((n) => n <= MAX_ENGINE_CLUSTERS),
        parts: new Set((env.BENCH_PARTS ?? "plugin,mock,engine").split(",").map((p) => p.trim())) as Settings["parts"],
        quietCpu: Number(env.BENCH_QUIET_CPU ?? 0.15),
        maxWaitS: Number(env.BENCH_MAX_WAIT_S ?? 300),
        repeats: Math.max(0, Number(env.BENCH_REPEATS ?? 2)),
    };
}

/**
 * How quiet the machine was for a figure: the share of all cores that other processes used during it (`foreign`,
 * see cpu.ts), the machine's whole busy share, and the 1-minute load averages before and after (for the record: the
 * bench's own work raises them, so they do not decide).
 */
export interface LoadMark {
    before: number;
    after: number;
    foreign: number;
    busy: number;
    underLoad: boolean;
}

const load1 = () => os.loadavg()[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A share (0..1) as a whole percentage, for logs and tables. */
export const pct = (share: number | undefined) => (share === undefined ? "–" : `${(share * 100).toFixed(0)}%`);

/** Waits (up to maxWaitS) until other processes use at most quietCpu of the machine over a 3-second window. */
export async function waitQuiet(s: Settings, log: (line: string) => void): Promise<number> {
    const deadline = Date.now() + s.maxWaitS * 1000;
    let warned = false;
    for (;;) {
        const w = watchCpu();
        await sleep(3000);
        const use = w.stop();
        if (use.foreign <= s.quietCpu || Date.now() >= deadline) return load1();
        if (!warned) log(`other processes use ${pct(use.foreign)} of the machine (top: ${use.topForeign}): waiting up to ${s.maxWaitS}s for quiet`);
        warned = true;
        await sleep(7000);
    }
}

/**
 * Takes a measurement on a quiet machine if it can: waits for quiet, measures while watching the CPU, and measures
 * again (up to `repeats` times) while other processes used more than quietCpu of the machine during it. The last
 * attempt is kept, marked under load if so. `cleanup` runs after each attempt, to undo what the measurement created.
 */
export async function quietly<T>(
    s: Settings,
    what: string,
    log: (line: string) => void,
    measure: () => Promise<T>,
    cleanup: () => Promise<unknown> = async () => undefined,
): Promise<{ value: T; load: LoadMark }> {
    for (let attempt = 0; ; attempt++) {
        const before = await waitQuiet(s, log);
        const cpu = watchCpu();
        let use: CpuUse;
        let value: T;
        try {
            value = await measure();
        } finally {
            use = cpu.stop();
        }
        const after = load1();
        await cleanup();
        const underLoad = use.foreign > s.quietCpu;
        const mark = { before, after, foreign: use.foreign, busy: use.busy, underLoad };
        const seen = `other processes ${pct(use.foreign)} of the machine${use.topForeign ? ` (top: ${use.topForeign})` : ""}, machine busy ${pct(use.busy)}, load ${before.toFixed(2)} → ${after.toFixed(2)}`;
        if (!underLoad || attempt >= s.repeats) {
            log(`${what}: ${seen}${underLoad ? `; quiet is ≤ ${pct(s.quietCpu)}: marked, not a result` : ""}`);
            return { value, load: mark };
        }
        log(`${what}: ${seen}: taking it again`);
    }
}

export function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Load average (1, 5, 15 minutes) as text, to show contention next to a figure. */
export function load(): string {
    return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

export interface Machine {
    cpu: string;
    cores: number;
    ramGiB: number;
    os: string;
    node: string;
}

export function machine(): Machine {
    let osName = `${os.type()} ${os.release()}`;
    try {
        const release = execFileSync("sh", ["-c", ". /etc/os-release && echo \"$PRETTY_NAME\""], { encoding: "utf8" }).trim();
        osName = `${release} (${osName})`;
    } catch {
        // keep the kernel name
    }
    return { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, ramGiB: Math.round(os.totalmem() / 2 ** 30), os: osName, node: process.version };
}

/** Runs `fn` and returns how long it took, in seconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await fn();
    return (performance.now() - started) / 1000;
}
