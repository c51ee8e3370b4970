// Part 0: how long the plugin takes to start when a Python, Go or YAML program needs it, next to a bare `node` start
// (the floor any Node.js plugin pays). Per run: `node -e 0` with the project's Node; the plugin executable
// (bin/pulumi-resource-servicemesh) from spawn until it served its schema over gRPC; the same through the SDK's
// run-plugin (PulumiPlugin.yaml, `pulumi package add`); and `pulumi package get-schema` on the executable, which adds
// the CLI's own start (run outside the repository, whose root holds both PulumiPlugin.yaml and the deploy
// program's Pulumi.yaml, which the CLI refuses to load together). Each run is taken on a quiet machine when it can be.
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { serveSchema } from "../tests/support/plugin";
import { REPO } from "../tests/e2e/harness/tools";
import { LoadMark, Settings, median, quietly } from "./stats";

export type PluginRoute = "bare node" | "plugin executable" | "SDK run-plugin" | "pulumi package get-schema";

export interface PluginFigure {
    route: PluginRoute;
    /** Median seconds, and the seconds of each run. */
    s: number;
    runs: number[];
    underLoad: boolean;
    loads: LoadMark[];
}

const NODE = path.join(REPO, "node_modules", ".bin", "node");
const PLUGIN = path.join(REPO, "bin", "pulumi-resource-servicemesh");

function timedSync(cmd: string, args: string[], env?: NodeJS.ProcessEnv, cwd = REPO): number {
    const started = performance.now();
    execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
    return (performance.now() - started) / 1000;
}

/** `pulumiBin`: the folder of the pinned Pulumi CLI, when part 2's toolchain is available. */
export async function pluginPart(s: Settings, log: (line: string) => void, pulumiBin?: string, pulumiEnv?: NodeJS.ProcessEnv): Promise<PluginFigure[]> {
    const routes: [PluginRoute, () => Promise<number>][] = [
        ["bare node", async () => timedSync(NODE, ["-e", "0"])],
        ["plugin executable", async () => (await serveSchema(PLUGIN, [], { cwd: REPO })).schemaMs / 1000],
        ["SDK run-plugin", async () => (await serveSchema(NODE, [path.join(REPO, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin", "index.js"), REPO], { cwd: REPO })).schemaMs / 1000],
    ];
    if (pulumiBin) {
        routes.push(["pulumi package get-schema", async () => timedSync(path.join(pulumiBin, "pulumi"), ["package", "get-schema", PLUGIN], pulumiEnv, os.tmpdir())]);
    }
    const figures: PluginFigure[] = [];
    for (const [route, measure] of routes) {
        const runs: { value: number; load: LoadMark }[] = [];
        for (let i = 0; i < s.runs; i++) {
            runs.push(await quietly(s, `plugin start, ${route}, run ${i + 1}`, log, measure));
        }
        const figure = { route, s: median(runs.map((r) => r.value)), runs: runs.map((r) => r.value), underLoad: runs.some((r) => r.load.underLoad), loads: runs.map((r) => r.load) };
        log(`plugin start, ${route}: ${figure.runs.map((x) => x.toFixed(2)).join(", ")} s${figure.underLoad ? " (under load)" : ""}`);
        figures.push(figure);
    }
    return figures;
}
