// The package outside this repository, as a Python user gets it: the plugin archive (`npm run package`) installed with
// `pulumi plugin install` into a PULUMI_HOME of its own, the Python SDK as a wheel in a fresh virtualenv (its
// dependencies from PyPI), and examples/multicluster-python copied to an empty folder, previewing against the test
// clusters. Nothing the program, the CLI or the plugin runs points into the repository.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PYTHON_PULUMI_VERSION } from "./harness/python";
import { run } from "./harness/run";
import { configureMulticluster } from "./harness/stacks";
import { REPO, tempDir } from "./harness/tools";
import { env } from "./hooks";

const CLUSTERS = ["east", "west"];

/** The example's files a user copies: the program and its requirements, with the repository-only lines left out. */
function copyExample(to: string): void {
    const from = path.join(REPO, "examples", "multicluster-python");
    fs.copyFileSync(path.join(from, "__main__.py"), path.join(to, "__main__.py"));
    // The repository's Pulumi.yaml loads the plugin from ../../bin; outside it, the installed plugin is used.
    const project = fs.readFileSync(path.join(from, "Pulumi.yaml"), "utf8");
    const withoutPlugins = project.replace(/^plugins:\n(?:[ #].*\n)*/m, "");
    expect(withoutPlugins, "Pulumi.yaml without its plugins section").to.not.contain("../../");
    fs.writeFileSync(path.join(to, "Pulumi.yaml"), withoutPlugins);
    // The repository's requirements name ../../sdk/python; outside it, the wheel stands for it.
    const requirements = fs.readFileSync(path.join(from, "requirements.txt"), "utf8").split("\n").filter((l) => !l.includes("../"));
    fs.writeFileSync(path.join(to, "requirements.txt"), requirements.join("\n"));
}

describe("outside the repository: plugin archive, SDK wheel, copied Python example (real engine)", function () {
    let stack: Stack;
    let work: string;
    let home: string;
    let venv: string;
    let archive: string;
    let wheel: string;
    let scratch: string;

    before(async () => {
        const e = env();
        scratch = tempDir("servicemesh-outside-");
        // The plugin archive, built from the compiled package as `npm run package` builds it.
        archive = (await run("bash", [path.join(REPO, "scripts", "package.sh"), path.join(scratch, "artifacts")])).stdout.trim();
        // A fresh venv; the Python SDK built into a wheel with it (the wheel's name is whatever sdk/python calls the
        // package); an empty folder with the example; then the venv gets only the wheel and what it and the example need
        // from PyPI (the Pulumi SDK pinned to the version the Python language host here works with).
        venv = path.join(scratch, "venv");
        await run("python3", ["-m", "venv", venv]);
        const python = path.join(venv, "bin", "python");
        const wheels = path.join(scratch, "wheels");
        await run(python, ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "-w", wheels, path.join(REPO, "sdk", "python")]);
        wheel = path.join(wheels, fs.readdirSync(wheels).find((f) => f.endsWith(".whl"))!);
        work = path.join(scratch, "project");
        fs.mkdirSync(work);
        copyExample(work);
        await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${PYTHON_PULUMI_VERSION}`, wheel, "-r", path.join(work, "requirements.txt")]);
        // A PULUMI_HOME of its own, with the plugin installed from the archive.
        home = path.join(scratch, "pulumi-home");
        const cliEnv = {
            ...e.env,
            PULUMI_HOME: home,
            // The toolchain (CLI, language hosts, kubernetes provider) and the venv; nothing of the repository.
            PATH: [path.join(venv, "bin"), e.bin, "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
            VIRTUAL_ENV: venv,
        };
        await run(path.join(e.bin, "pulumi"), ["plugin", "install", "resource", "servicemesh", packageVersion(), "--file", archive], { env: cliEnv });
        const ws = await LocalWorkspace.create({ workDir: work, pulumiCommand: e.pulumi, envVars: cliEnv });
        stack = await Stack.createOrSelect("outside", ws);
        await configureMulticluster(e, stack, "outside", CLUSTERS);
        // The Gateway API stand-in the config names lives in the repository: the project gets its own copy.
        const manifest = (await stack.getConfig("gatewayApiManifest")).value;
        fs.copyFileSync(manifest, path.join(scratch, path.basename(manifest)));
        await stack.setConfig("gatewayApiManifest", { value: path.join(scratch, path.basename(manifest)) });
        // The test clusters have no cloud load balancer mapping: the example's internal east-west gateway names a MetalLB pool.
        await stack.setConfig('eastWestAnnotations["metallb.universe.tf/address-pool"]', { value: "internal" }, true);
    });

    it("installs the archive as the servicemesh plugin of the package's version", async () => {
        const installed = path.join(home, "plugins", `resource-servicemesh-v${packageVersion()}`);
        expect(fs.existsSync(path.join(installed, "pulumi-resource-servicemesh")), installed).to.equal(true);
        expect(fs.existsSync(path.join(installed, "dist", "package", "schema.json"))).to.equal(true);
    });

    it("has nothing pointing into the repository: the project, the venv's packages, the CLI's PATH", async () => {
        for (const f of fs.readdirSync(work).filter((f) => fs.statSync(path.join(work, f)).isFile())) {
            expect(fs.readFileSync(path.join(work, f), "utf8"), f).to.not.contain(REPO);
        }
        const located = (await run(path.join(venv, "bin", "python"), ["-m", "pip", "show", "-f", path.basename(wheel).split("-")[0]])).stdout;
        expect(located).to.contain(`Location: ${path.join(venv, "lib")}`);
        expect(located).to.not.contain(REPO);
        const ws = stack.workspace as LocalWorkspace;
        expect(ws.envVars.PATH.split(path.delimiter).filter((p) => p.startsWith(REPO))).to.deep.equal([]);
    });

    it("previews the mesh on the test clusters through the installed plugin, each cluster on the program's provider", async () => {
        let output = "";
        const result = await stack.preview({ diff: false, onOutput: (l) => { output += l; process.stderr.write(l); } });
        expect(result.changeSummary.create, output).to.be.greaterThan(20);
        // The program's providers, the mesh and a controller and a link per cluster.
        expect(output).to.match(/pulumi:providers:kubernetes\s+east/);
        expect(output).to.match(/servicemesh:index:MultiClusterMesh\s+mesh/);
        for (const name of CLUSTERS) {
            expect(output).to.match(new RegExp(`servicemesh:index:ServiceMeshController\\s+mesh-${name}`));
        }
        expect(output).to.match(/kubernetes:gateway.networking.k8s.io\/v1:Gateway\s+mesh-link-east-to-west/);
        // The mesh made no provider of its own: each cluster was reached through the program's.
        expect(output).to.not.match(/pulumi:providers:kubernetes\s+mesh-/);
    });

    after(async () => {
        await stack?.workspace.removeStack("outside", { force: true }).catch(() => undefined);
        // The archive, the venv and the wheel take hundreds of MB.
        if (scratch && process.env.SERVICEMESH_E2E_KEEP !== "1") fs.rmSync(scratch, { recursive: true, force: true });
    });
});

function packageVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;
}
