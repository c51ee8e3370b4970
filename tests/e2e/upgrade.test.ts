// An upgrade from the package as released before the mesh dropped its ClusterLink components: examples/multicluster-ts
// on two clusters deployed with the package built from UPGRADE_FROM (each link's peer Gateway under a ClusterLink
// component), then the same stack updated with this tree's package. The Gateways must keep their URNs (an alias) and
// their objects (same uid): the update deletes the ClusterLink components and nothing else in the clusters (the engine's
// reads of the repository Secrets leave the state: the pre-flight reads them now), and a second update changes nothing. UPGRADE_FROM is a commit of this repository (full history in CI); SERVICEMESH_UPGRADE_FROM overrides it.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { run } from "./harness/run";
import { changes, configureMulticluster } from "./harness/stacks";
import { REPO, tempDir } from "./harness/tools";
import { env } from "./hooks";

/** main before the mesh's links lost their component (8ef3129). */
const UPGRADE_FROM = process.env.SERVICEMESH_UPGRADE_FROM ?? "8ef3129348c7346c4ed508e38e190dc111a88472";
const CLUSTERS = ["east", "west"];
const STACK = "e2e-upgrade";
const LINK_GATEWAYS = ["mesh-link-east-to-west", "mesh-link-west-to-east"];

/**
 * The package at `commit`, compiled into `dir` (git archive, then tsc with this repository's compiler). Its
 * dependencies are this repository's node_modules when the lock file is the same, else installed from the lock.
 */
async function buildPackageAt(commit: string, dir: string): Promise<void> {
    const archive = path.join(dir, "..", "old.tar");
    await run("git", ["-C", REPO, "archive", "--format=tar", "-o", archive, commit]);
    await run("tar", ["-xf", archive, "-C", dir]);
    fs.rmSync(archive);
    const sameLock = fs.readFileSync(path.join(dir, "package-lock.json"), "utf8") === fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8");
    if (sameLock) {
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    } else {
        await run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"], { cwd: dir });
    }
    await run(path.join(REPO, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--declaration", "false", "--declarationMap", "false"], { cwd: dir });
    fs.copyFileSync(path.join(dir, "provider", "render", "drop-crd-keep.js"), path.join(dir, "dist", "render", "drop-crd-keep.js"));
    // The example links the package as `file:../..`: that is this old tree.
    const modules = path.join(dir, "examples", "multicluster-ts", "node_modules");
    fs.mkdirSync(modules, { recursive: true });
    fs.symlinkSync(dir, path.join(modules, "servicemesh"));
}

/** The uid of each link's Gateway object, by its Pulumi name. */
async function linkUids(): Promise<Record<string, string>> {
    const e = env();
    const uids: Record<string, string> = {};
    for (const [from, to] of [["east", "west"], ["west", "east"]]) {
        const gw = JSON.parse(await e.kubectl(from, ["get", "gateways.gateway.networking.k8s.io", `istio-remote-peer-${to}`, "-n", "istio-eastwest", "-o", "json"]));
        uids[`mesh-link-${from}-to-${to}`] = gw.metadata.uid;
    }
    return uids;
}

/** The URN of each resource of the stack, by its name. */
async function urns(stack: Stack): Promise<string[]> {
    const state = await stack.exportStack();
    return (state.deployment.resources as { urn: string }[]).map((r) => r.urn);
}

describe("upgrade from the package before links lost their component (real engine)", function () {
    let scratch: string;
    let oldStack: Stack;
    let stack: Stack;

    before(async () => {
        const e = env();
        scratch = tempDir("servicemesh-upgrade-");
        const old = path.join(scratch, "old");
        fs.mkdirSync(old);
        await buildPackageAt(UPGRADE_FROM, old);
        const workDir = path.join(old, "examples", "multicluster-ts");
        const ws = await LocalWorkspace.create({ workDir, pulumiCommand: e.pulumi, envVars: e.env });
        oldStack = await Stack.createOrSelect(STACK, ws);
        await configureMulticluster(e, oldStack, STACK, CLUSTERS, "1.31.1");
    });

    it("deploys two linked clusters with the old package: each link a ClusterLink component", async () => {
        const result = await oldStack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const all = await urns(oldStack);
        for (const link of LINK_GATEWAYS) {
            expect(all, link).to.include(`urn:pulumi:${STACK}::multicluster-ts::servicemesh:index:MultiClusterMesh$servicemesh:index:ClusterLink::${link}`);
        }
    });

    it("updates the stack with this tree's package: deletes only the ClusterLink components (and discards the repository Secret reads), keeps the Gateways", async () => {
        const before = await linkUids();
        // The same stack, now run from this repository's example with its config (and its encryption salt) as is.
        stack = await env().stack("multicluster-ts", STACK);
        fs.copyFileSync(path.join(oldStack.workspace.workDir, `Pulumi.${STACK}.yaml`), path.join(REPO, "examples", "multicluster-ts", `Pulumi.${STACK}.yaml`));
        const steps: string[] = [];
        const result = await stack.up({
            onOutput: (l) => process.stderr.write(l),
            onEvent: (ev: EngineEvent) => {
                const m = ev.resourcePreEvent?.metadata;
                if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
            },
        });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const discards = ["east", "west"].map((c) => `discard kubernetes:core/v1:Secret mesh-${c}-repository-secret-mesh-credentials-chart-repo`);
        expect(steps.sort(), steps.join("\n")).to.deep.equal([...discards, ...LINK_GATEWAYS.map((l) => `delete servicemesh:index:ClusterLink ${l}`)].sort());
        expect(changes(result.summary.resourceChanges)).to.deep.equal({ delete: LINK_GATEWAYS.length, discard: discards.length });
        // The same objects in the clusters, now under the mesh (the URN stacks had before ClusterLink existed).
        expect(await linkUids()).to.deep.equal(before);
        const all = await urns(stack);
        for (const link of LINK_GATEWAYS) {
            expect(all, link).to.include(`urn:pulumi:${STACK}::multicluster-ts::servicemesh:index:MultiClusterMesh$kubernetes:gateway.networking.k8s.io/v1:Gateway::${link}`);
        }
        expect(all.filter((u) => u.includes("ClusterLink"))).to.deep.equal([]);
        // The links output keeps its shape.
        const links = result.outputs.meshLinks.value as any[];
        expect(links.map((l) => [l.from, l.to, l.gateway, l.accepted, l.ready])).to.deep.equal([
            ["east", "west", "istio-eastwest/istio-remote-peer-west", true, true],
            ["west", "east", "istio-eastwest/istio-remote-peer-east", true, true],
        ]);
    });

    it("changes nothing at the next update", async () => {
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
    });

    after(async () => {
        await stack?.destroy({ onOutput: (l) => process.stderr.write(l) }).catch(() => undefined);
        await stack?.workspace.removeStack(STACK, { force: true }).catch(() => undefined);
        fs.rmSync(path.join(REPO, "examples", "multicluster-ts", `Pulumi.${STACK}.yaml`), { force: true });
        if (scratch && process.env.SERVICEMESH_E2E_KEEP !== "1") fs.rmSync(scratch, { recursive: true, force: true });
    });
});
