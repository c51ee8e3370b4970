// The fleet driver: one command (up, preview or destroy) over the member stacks of a mesh across stacks, on the
// Pulumi Automation API and the user's own backend (PULUMI_BACKEND_URL, or whatever `pulumi login` chose), so the
// same stacks run from a laptop, CI or Pulumi Deployments. Waves: the canary stack alone first, then the rest with
// bounded parallelism; no stack starts after a failure; destroy runs the waves in reverse (canary last).
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export type FleetCommand = "up" | "preview" | "destroy";

export interface FleetOptions {
    command: FleetCommand;
    /** The stacks in order; the first is the canary. Names as `pulumi stack select` takes them. */
    stacks: string[];
    /** The Pulumi program's directory (every member stack runs the same program). */
    workDir: string;
    /** How many stacks run at once after the canary. Default 2. */
    parallel?: number;
    /** Config set on every stack before the command (e.g. istioVersion=1.31.1): the change rolled out. */
    config?: Record<string, string>;
    /** Extra environment for the CLI; the backend is the user's (PULUMI_BACKEND_URL or `pulumi login`). */
    envVars?: Record<string, string>;
    /** A specific Pulumi CLI; default: `pulumi` on PATH. */
    pulumiCommand?: PulumiCommand;
    /** Progress lines (default: stderr). */
    log?: (line: string) => void;
    /** The CLI's own output of each stack, prefixed with its name (default: dropped). */
    onOutput?: (stack: string, line: string) => void;
}

export interface StackOutcome {
    stack: string;
    /** 0 for the canary, then 1, 2... */
    wave: number;
    status: "succeeded" | "failed" | "not run";
    /** Resources created, updated, replaced or deleted (for preview: that would be). */
    changes: Record<string, number>;
    /** The stack's `phase` output after the command (`-` when it has none, e.g. a trust stack or a destroyed one). */
    phase: string;
    seconds: number;
    error?: string;
}

export interface FleetResult {
    ok: boolean;
    outcomes: StackOutcome[];
}

/** The waves of a command: the canary alone, then the rest `parallel` at a time; destroy reverses them. */
export function fleetWaves(stacks: string[], parallel: number, command: FleetCommand): string[][] {
    const [canary, ...rest] = stacks;
    const waves: string[][] = canary === undefined ? [] : [[canary]];
    for (let i = 0; i < rest.length; i += Math.max(1, parallel)) {
        waves.push(rest.slice(i, i + Math.max(1, parallel)));
    }
    return command === "destroy" ? waves.reverse().map((w) => [...w].reverse()) : waves;
}

const changed = (summary: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && op !== "read" && n > 0));

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
    const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const waves = fleetWaves(options.stacks, options.parallel ?? 2, options.command);
    const outcomes: StackOutcome[] = waves.flatMap((w, i) => w.map((stack) => ({ stack, wave: i, status: "not run" as const, changes: {}, phase: "-", seconds: 0 })));
    const ws = await LocalWorkspace.create({ workDir: options.workDir, envVars: options.envVars, ...(options.pulumiCommand ? { pulumiCommand: options.pulumiCommand } : {}) });
    let failed = false;
    for (const [i, wave] of waves.entries()) {
        if (failed) break;
        log(`[fleet] wave ${i}${i === 0 && options.command !== "destroy" ? " (canary)" : ""}: ${options.command} ${wave.join(", ")}`);
        // Every stack of a wave runs to its end (a Pulumi update is not cut short); the next wave does not start.
        await Promise.all(
            wave.map(async (name) => {
                const outcome = outcomes.find((o) => o.stack === name)!;
                const started = Date.now();
                try {
                    const stack = await Stack.select(name, ws);
                    if (options.config && Object.keys(options.config).length) {
                        await stack.setAllConfig(Object.fromEntries(Object.entries(options.config).map(([k, v]) => [k, { value: v }])));
                    }
                    const onOutput = options.onOutput ? (l: string) => options.onOutput!(name, l) : undefined;
                    if (options.command === "up") {
                        outcome.changes = changed((await stack.up({ onOutput })).summary.resourceChanges);
                    } else if (options.command === "preview") {
                        outcome.changes = changed((await stack.preview({ onOutput })).changeSummary);
                    } else {
                        outcome.changes = changed((await stack.destroy({ onOutput })).summary.resourceChanges);
                    }
                    outcome.status = "succeeded";
                    outcome.phase = String((await stack.outputs()).phase?.value ?? "-");
                } catch (e) {
                    failed = true;
                    outcome.status = "failed";
                    outcome.error = String((e as Error).message ?? e);
                    // What the failed update did change is in its stack's history: report it too.
                    outcome.changes = await Stack.select(name, ws)
                        .then((s) => s.history(1))
                        .then((h) => (options.command === "preview" ? {} : changed(h[0]?.resourceChanges)))
                        .catch(() => ({}));
                }
                outcome.seconds = Math.round((Date.now() - started) / 1000);
                log(`[fleet] ${name}: ${outcome.status} in ${outcome.seconds}s, changes ${JSON.stringify(outcome.changes)}, phase ${outcome.phase}`);
            }),
        );
    }
    const result = { ok: !failed, outcomes };
    log(fleetReport(options.command, result));
    return result;
}

/** The end-of-run report: each stack's wave, result, changes and mesh phase; which stacks changed when it stopped. */
export function fleetReport(command: FleetCommand, result: FleetResult): string {
    const rows = [
        ["STACK", "WAVE", "RESULT", "CHANGES", "PHASE", "SECONDS"],
        ...result.outcomes.map((o) => [o.stack, String(o.wave), o.status, Object.entries(o.changes).map(([k, n]) => `${k}=${n}`).join(",") || "none", o.phase, String(o.seconds)]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
    const changedStacks = result.outcomes.filter((o) => Object.keys(o.changes).length).map((o) => o.stack);
    const failed = result.outcomes.filter((o) => o.status === "failed");
    const head = result.ok
        ? `fleet ${command}: every stack succeeded`
        : `fleet ${command}: STOPPED after ${failed.map((o) => o.stack).join(", ")} failed; stacks changed: ${changedStacks.join(", ") || "none"}; not run: ${result.outcomes.filter((o) => o.status === "not run").map((o) => o.stack).join(", ") || "none"}`;
    return [head, ...table, ...failed.map((o) => `${o.stack}: ${o.error!.split("\n").filter((l) => /error|invalid|refus/i.test(l)).slice(0, 5).join("\n  ")}`)].join("\n");
}
