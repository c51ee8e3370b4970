// The `values` input with the real engine (examples/single-cluster-ts on the `solo` cluster, free once the files
// before this one destroyed their stacks): overrides reach the deployed objects, a changed override upgrades only its
// release, and an owned value is refused at preview and at up with nothing changed. (The YAML example passes
// overrides in languages.test.ts.)
import { expect } from "chai";
import * as yaml from "js-yaml";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { changes, singleClusterStack, upError } from "./harness/stacks";
import { env } from "./hooks";

const STACK = "e2e-tuning";
const cluster = "solo";
const ZTUNNEL_RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } };

/** Name → revision of each Helm release in istio-system. */
async function revisions(): Promise<Record<string, number>> {
    const list = JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as { name: string; revision: string }[];
    return Object.fromEntries(list.map((r) => [r.name, Number(r.revision)]));
}

async function ztunnelResources(): Promise<unknown> {
    const ds = JSON.parse(await env().kubectl(cluster, ["get", "daemonset", "ztunnel", "-n", "istio-system", "-o", "json"]));
    return ds.spec.template.spec.containers[0].resources;
}

describe("values overrides (real engine)", function () {
    let stack: Stack;

    before(async () => {
        stack = await singleClusterStack(env(), STACK, cluster);
        await stack.setConfig("values.istiod.meshConfig.accessLogFile", { value: "/dev/stdout" }, true);
        await stack.setConfig("values.istiod.meshConfig.accessLogEncoding", { value: "JSON" }, true);
        for (const [path, value] of [
            ["requests.cpu", "250m"],
            ["requests.memory", "256Mi"],
            ["limits.memory", "1Gi"],
        ]) {
            await stack.setConfig(`values.ztunnel.resources.${path}`, { value }, true);
        }
    });

    after(async () => {
        await stack?.destroy().catch((e) => process.stderr.write(`[tuning] destroy: ${e}\n`));
        await stack?.workspace.removeStack(STACK, { force: true });
    });

    it("istiod's meshConfig and ztunnel's resources reach the deployed objects, next to the computed values", async () => {
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value).to.equal("SUCCEEDED");
        const configMap = JSON.parse(await env().kubectl(cluster, ["get", "configmap", "istio", "-n", "istio-system", "-o", "json"]));
        const mesh = yaml.load(configMap.data.mesh) as Record<string, unknown>;
        expect(mesh).to.include({ accessLogFile: "/dev/stdout", accessLogEncoding: "JSON", trustDomain: "cluster1" });
        expect(await ztunnelResources()).to.deep.equal(ZTUNNEL_RESOURCES);
        const ztunnel = JSON.parse(await env().kubectl(cluster, ["get", "daemonset", "ztunnel", "-n", "istio-system", "-o", "json"]));
        const envVars = ztunnel.spec.template.spec.containers[0].env as { name: string; value?: string }[];
        expect(envVars).to.deep.include({ name: "ISTIO_META_CLUSTER_ID", value: "cluster1" });
        expect(await revisions()).to.deep.equal({ "istio-base": 1, istiod: 1, "istio-cni": 1, ztunnel: 1 });
    });

    it("a changed ztunnel override upgrades the ztunnel release and nothing else", async () => {
        await stack.setConfig("values.ztunnel.resources.requests.cpu", { value: "300m" }, true);
        const updated: string[] = [];
        const preview = await stack.preview({
            onEvent: (e: EngineEvent) => {
                const m = e.resourcePreEvent?.metadata;
                if (m && m.op !== "same" && m.op !== "read") updated.push(`${m.op} ${m.urn.split("::").pop()}`);
            },
        });
        expect(changes(preview.changeSummary)).to.deep.equal({ update: 1 });
        expect(updated).to.deep.equal(["update mesh-ztunnel"]);
        await stack.up();
        expect(await revisions()).to.deep.equal({ "istio-base": 1, istiod: 1, "istio-cni": 1, ztunnel: 2 });
        expect(await ztunnelResources()).to.deep.equal({ ...ZTUNNEL_RESOURCES, requests: { cpu: "300m", memory: "256Mi" } });
    });

    it("an owned value is refused at preview and at up, naming the key and the input, with nothing changed", async () => {
        await stack.setConfig("values.istiod.global.hub", { value: "mirror.example/istio" }, true);
        const expected = "values.istiod.global.hub: is owned by the component, set from the `image.repository` input; allowed: set `image.repository` instead";
        let message = "";
        await stack.preview().catch((err) => (message = String((err as Error).message)));
        expect(message).to.contain(expected);
        expect(await upError(stack)).to.contain(expected);
        expect(await revisions()).to.deep.equal({ "istio-base": 1, istiod: 1, "istio-cni": 1, ztunnel: 2 });
        await stack.removeConfig("values.istiod.global.hub", true);
        expect(changes((await stack.preview()).changeSummary)).to.deep.equal({});
    });

    it("an override the chart rejects fails that release with Helm's message and the key; the others stay as they were", async () => {
        await stack.setConfig("values.istiod.pilot.replicaCout", { value: "3" }, true);
        let output = "";
        const message = await upError(stack, { onOutput: (l) => ((output += l), process.stderr.write(l)) });
        expect(message).to.contain("values don't meet the specifications of the schema");
        // Helm's message, under the release, names the key: "kubernetes:helm.sh/v3:Release (mesh-istiod): error: values
        // don't meet ... istiod: - at '/pilot': additional properties 'replicaCout' not allowed".
        expect(output).to.match(/Release \(mesh-istiod\):\s*\n\s*error: values don't meet the specifications of the schema[^\n]*\n\s*istiod:\s*\n\s*- at '\/pilot': additional properties 'replicaCout' not allowed/);
        const releases = JSON.parse(await env().helm(cluster, ["list", "-n", "istio-system", "-o", "json"])) as { name: string; revision: string; status: string }[];
        expect(releases.map((r) => [r.name, Number(r.revision), r.status]).sort()).to.deep.equal([
            ["istio-base", 1, "deployed"],
            ["istio-cni", 1, "deployed"],
            ["istiod", 1, "deployed"],
            ["ztunnel", 2, "deployed"],
        ]);
        await stack.removeConfig("values.istiod.pilot.replicaCout", true);
        expect((await stack.up()).outputs.phase.value).to.equal("SUCCEEDED");
    });
});
