// npm run fleet -- up|preview|destroy --stacks east,west,north [--dir examples/fleet-ts] [--parallel 2]
//   [--config key=value ...]: runs the command over the member stacks in waves (servicemesh/fleet's driver), the
// first stack alone as the canary, on the backend the user is logged in to. Exits non-zero when a stack failed.
import * as path from "path";
import { FleetCommand, runFleet } from "../provider/fleet/driver";

function parse(argv: string[]) {
    const [command, ...rest] = argv;
    if (!["up", "preview", "destroy"].includes(command)) {
        throw new Error(`usage: npm run fleet -- up|preview|destroy --stacks a,b,c [--dir <program>] [--parallel N] [--config key=value]... (got ${JSON.stringify(command)})`);
    }
    const opts = { command: command as FleetCommand, stacks: [] as string[], workDir: path.resolve("examples/fleet-ts"), parallel: 2, config: {} as Record<string, string> };
    for (let i = 0; i < rest.length; i++) {
        const [flag, value] = [rest[i], rest[i + 1]];
        if (value === undefined) throw new Error(`${flag}: needs a value`);
        i++;
        if (flag === "--stacks") opts.stacks = value.split(",").filter(Boolean);
        else if (flag === "--dir") opts.workDir = path.resolve(value);
        else if (flag === "--parallel") opts.parallel = Number(value);
        else if (flag === "--config") opts.config[value.slice(0, value.indexOf("="))] = value.slice(value.indexOf("=") + 1);
        else throw new Error(`unknown flag ${flag}; allowed: --stacks, --dir, --parallel, --config`);
    }
    if (!opts.stacks.length) throw new Error("--stacks: at least one stack; the first is the canary");
    if (!Number.isInteger(opts.parallel) || opts.parallel < 1) throw new Error(`--parallel: a whole number of 1 or more (got ${opts.parallel})`);
    return opts;
}

let options: ReturnType<typeof parse>;
try {
    options = parse(process.argv.slice(2));
} catch (e) {
    console.error((e as Error).message);
    process.exit(2);
}
runFleet({ ...options, onOutput: (stack, line) => process.stdout.write(`[${stack}] ${line}`) })
    .then((r) => process.exit(r.ok ? 0 : 1))
    .catch((e) => {
        console.error((e as Error).message);
        process.exit(2);
    });
