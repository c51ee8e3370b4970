// `npm run demo`: deploys the multicluster example with the real Pulumi engine on two simulated clusters and prints
// the mesh's readiness. Exits 0 only when the mesh is Ready. `npm run demo -- --destroy` tears it all down.
//
// Everything is local: the toolchain is built from the Go module proxy (scripts/tools.sh, cached), the clusters are
// kwok clusters with real API servers, charts come from this repo's test-double charts served over HTTPS with basic
// auth, and test doubles play istiod's and the load balancer's parts (tests/e2e/harness/doubles.ts).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { createEnvironment } from "../tests/e2e/harness/environment";
import { deleteCluster, startCluster } from "../tests/e2e/harness/clusters";
import { multiclusterStack } from "../tests/e2e/harness/stacks";
import { REPO, installExample, pulumiEnv, toolsBinDir } from "../tests/e2e/harness/tools";

const CLUSTERS = ["east", "west"];
const STACK = "demo";
/** The newest Istio the component serves: what a new user would pick. */
const ISTIO_VERSION = "1.31.1";
const STATE = process.env.SERVICEMESH_DEMO_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "servicemesh-demo");
const log = (line: string) => process.stderr.write(`[demo] ${line}\n`);

async function up(): Promise<number> {
    const started = Date.now();
    // Each demo starts from scratch (createEnvironment recreates the clusters); drop an earlier demo's state with them.
    fs.rmSync(STATE, { recursive: true, force: true });
    fs.mkdirSync(STATE, { recursive: true });
    const e = await createEnvironment({ clusters: CLUSTERS, nodes: 3, chartVersions: [`${ISTIO_VERSION}-solo`], stateDir: STATE, log, tools: "demo" });
    try {
        // CA material issued outside, as a PKI would (the tls provider plugin cannot be built here; see the helper).
        // With the stand-in of the Gateway API bundle the version's minor is built against (1.31: v1.6.0).
        const { stack } = await multiclusterStack(e, STACK, CLUSTERS, {}, "multicluster-ts", ISTIO_VERSION);
        log(`pulumi up (stack ${STACK}, state in ${STATE}/backend)`);
        const result = await stack.up({ onOutput: (out) => process.stdout.write(out) });
        const phase = result.outputs.phase.value as string;
        const clusters = result.outputs.clusterStates.value as {
            cluster: string;
            phase: string;
            eastWestAddress: string;
            conditions: { type: string; status: string }[];
            gatewayApi: { version: string; channel: string; action: string };
        }[];

        console.log("\n=== Mesh readiness ===");
        console.log(result.outputs.summary.value);
        console.log("\nConditions per cluster:");
        const types = clusters[0].conditions.map((c) => c.type);
        const header = ["CONDITION", ...clusters.map((c) => c.cluster)];
        const rows = types.map((t) => [t, ...clusters.map((c) => c.conditions.find((x) => x.type === t)?.status ?? "-")]);
        rows.push(["Gateway API", ...clusters.map((c) => `${c.gatewayApi.version} ${c.gatewayApi.channel} (${c.gatewayApi.action})`)]);
        const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
        for (const r of [header, ...rows]) console.log("  " + r.map((cell, i) => cell.padEnd(widths[i])).join("  "));

        const kubectl = path.join(e.bin, "kubectl");
        console.log(`
=== Inspect it ===
${CLUSTERS.map((c) => `  ${kubectl} --kubeconfig ${e.clusters[c].kubeconfig} get pods,gateways -A`).join("\n")}
  ${path.join(e.bin, "helm")} --kubeconfig ${e.clusters[CLUSTERS[0]].kubeconfig} list -n istio-system
  PULUMI_BACKEND_URL=file://${STATE}/backend PULUMI_CONFIG_PASSPHRASE=${e.env.PULUMI_CONFIG_PASSPHRASE} ${path.join(e.bin, "pulumi")} stack output --stack ${STACK} -C examples/multicluster-ts

=== Tear it down ===
  npm run demo -- --destroy      (pulumi destroy, then deletes the simulated clusters and ${STATE})

=== Your own clusters ===
  cd examples/multicluster-ts && npm install && pulumi stack init prod
  pulumi config set --path 'clusters[0].name' east && pulumi config set --path 'clusters[0].context' <east-context>
  pulumi config set --path 'clusters[1].name' west && pulumi config set --path 'clusters[1].kubeconfig' ~/.kube/west.yaml
  pulumi config set --secret license "$SOLO_LICENSE_KEY" && pulumi up
`);
        log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s: mesh phase ${phase}`);
        return phase === "SUCCEEDED" ? 0 : 1;
    } finally {
        // The clusters keep running for inspection; the chart repository and the doubles stop with this process.
        await e.close(true);
    }
}

async function destroy(): Promise<number> {
    const bin = await toolsBinDir("demo");
    await installExample("multicluster-ts");
    const env = pulumiEnv(bin, STATE);
    const pulumi = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
    const ws = await LocalWorkspace.create({ workDir: path.join(REPO, "examples", "multicluster-ts"), pulumiCommand: pulumi, envVars: env });
    const stacks = await ws.listStacks();
    if (stacks.some((s) => s.name === STACK)) {
        // The clusters must be up for the destroy (a no-op if they are still running).
        for (const c of CLUSTERS) {
            await startCluster(c, 3);
        }
        const stack = await Stack.select(STACK, ws);
        log("pulumi destroy");
        await stack.destroy({ onOutput: (out) => process.stdout.write(out) });
        await ws.removeStack(STACK);
    }
    for (const c of CLUSTERS) {
        await deleteCluster(c);
    }
    fs.rmSync(STATE, { recursive: true, force: true });
    log("torn down");
    return 0;
}

(process.argv.includes("--destroy") ? destroy() : up()).then(
    (code) => process.exit(code),
    (err) => {
        console.error(`[demo] failed: ${(err as Error).message}`);
        process.exit(1);
    },
);
