// A Python environment for the Python examples: a virtualenv with the Pulumi Python SDK, cached next to the
// toolchain, into which each run installs the example's requirements (and so the repo's current sdk/python).
// The Python language host built here (sdk v3.68) ignores Pulumi.yaml's `virtualenv` option, so the venv is
// activated through PATH/VIRTUAL_ENV for the Pulumi CLI instead.
import * as fs from "fs";
import * as path from "path";
import { run } from "./run";
import { toolsCacheRoot } from "./tools";

/** The Pulumi Python SDK the venv holds: the newest on PyPI that works with the v3.68 Python host. */
export const PYTHON_PULUMI_VERSION = "3.272.0";

export interface PythonEnv {
    venv: string;
    /** Variables that activate the venv for the Pulumi CLI (PATH is prefixed onto `basePath`). */
    env(basePath: string): Record<string, string>;
}

export async function pythonEnv(): Promise<PythonEnv> {
    const cacheRoot = await toolsCacheRoot();
    const pyVersion = (await run("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])).stdout.trim();
    const venv = path.join(cacheRoot, "python", `py${pyVersion}-pulumi${PYTHON_PULUMI_VERSION}`);
    const done = path.join(venv, ".complete");
    if (!fs.existsSync(done)) {
        fs.rmSync(venv, { recursive: true, force: true });
        await run("python3", ["-m", "venv", venv]);
        await run(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${PYTHON_PULUMI_VERSION}`]);
        fs.writeFileSync(done, "");
    }
    return {
        venv,
        env: (basePath) => ({ VIRTUAL_ENV: venv, PATH: `${path.join(venv, "bin")}${path.delimiter}${basePath}` }),
    };
}

/** Installs an example's requirements.txt into the venv, keeping the pinned Pulumi SDK. */
export async function installRequirements(py: PythonEnv, exampleDir: string): Promise<void> {
    const constraints = path.join(py.venv, "constraints.txt");
    fs.writeFileSync(constraints, `pulumi==${PYTHON_PULUMI_VERSION}\n`);
    await run(path.join(py.venv, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", constraints, "-r", "requirements.txt"], {
        cwd: exampleDir,
    });
}
