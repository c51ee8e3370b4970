// The real-engine toolchain: scripts/tools.sh builds (or finds cached) the Pulumi CLI, language hosts, provider
// plugins, the Kubernetes control plane, kwok and helm; this module puts them on PATH for the Pulumi CLI.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run, runShowingProgress } from "./run";

export const REPO = path.resolve(__dirname, "..", "..", "..");

/** Which tools to build: `demo` only what the demo runs (a first demo waits for less), `tests` every tool. */
export type ToolSet = "demo" | "tests";

const bindirs = new Map<ToolSet, string>();

/** Builds what is missing of `set` (printing progress) and returns the bin dir (the same for every set). */
export async function toolsBinDir(set: ToolSet = "tests"): Promise<string> {
    if (!bindirs.has(set)) {
        bindirs.set(set, (await runShowingProgress("bash", [path.join(REPO, "scripts", "tools.sh"), "--print-bindir", "--for", set])).trim());
    }
    return bindirs.get(set)!;
}

/**
 * A TypeScript example links the component from this repository (`"servicemesh": "file:../.."`); nothing but this
 * installs that link on a fresh clone, so every stack of an example goes through here first.
 */
export async function installExample(example: string): Promise<void> {
    const dir = path.join(REPO, "examples", example);
    if (fs.existsSync(path.join(dir, "package.json")) && !fs.existsSync(path.join(dir, "node_modules", "servicemesh"))) {
        await run("npm", ["install", "--no-audit", "--no-fund", "--silent"], { cwd: dir });
    }
}

/** The toolchain's cache root (Go module and build caches, the Python venv live there too). */
export async function toolsCacheRoot(): Promise<string> {
    return (await run("bash", [path.join(REPO, "scripts", "tools.sh"), "--print-cache-root"])).stdout.trim();
}

/** Environment for the Pulumi CLI: local binaries first (Node 22 from node_modules), an isolated PULUMI_HOME, no downloads. */
export function pulumiEnv(bin: string, stateDir: string): Record<string, string> {
    const home = path.join(stateDir, "pulumi-home");
    const backend = path.join(stateDir, "backend");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(backend, { recursive: true });
    return {
        PATH: [path.join(REPO, "node_modules", ".bin"), bin, process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "servicemesh-e2e",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
