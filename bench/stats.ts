// Small helpers shared by the benchmark parts: settings from the environment, medians, ratios, the machine.
import { execFileSync } from "child_process";
import * as os from "os";

export interface Settings {
    runs: number;
    /** Part 1 cluster counts. */
    sizes: number[];
    /** Part 2 cluster counts (at most 3: the simulated clusters b1..b3). */
    engineSizes: number[];
    parts: Set<"mock" | "engine">;
}

const list = (text: string | undefined, fallback: number[]) => (text ? text.split(",").map(Number).filter((n) => n > 0) : fallback);

export function settings(env = process.env): Settings {
    return {
        runs: Math.max(1, Number(env.BENCH_RUNS ?? 3)),
        sizes: list(env.BENCH_SIZES, [1, 5, 10, 25, 50]),
        engineSizes: list(env.BENCH_ENGINE_SIZES, [1, 2, 3]).filter((n) => n <= 3),
        parts: new Set((env.BENCH_PARTS ?? "mock,engine").split(",").map((p) => p.trim())) as Settings["parts"],
    };
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
