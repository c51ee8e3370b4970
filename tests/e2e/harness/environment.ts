// One real-engine test environment: the toolchain, simulated clusters, the authenticated chart repository, the
// controller doubles and a Pulumi state backend on local disk. Used by the e2e tests and by `npm run demo`.
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { ChartRepo, packageCharts, serveCharts } from "./chartRepo";
import { Cluster, deleteCluster, kubectl, startCluster } from "./clusters";
import { ControllerDoubles } from "./doubles";
import { run } from "./run";
import { REPO, ToolSet, installExample, pulumiEnv, tempDir, toolsBinDir } from "./tools";
import { minorFacts, parseVersion } from "../../../provider/spec/versions";

export const CREDENTIALS_SECRET = "mesh-credentials/chart-repo";
/**
 * The stand-in of the Gateway API bundle an Istio version is built against (the versions table's bundle of its minor),
 * written by tests/e2e/fixtures/gen-gateway-api.py: what the component would apply for it by default.
 */
export function gatewayApiStandIn(istioVersion: string): string {
    const v = parseVersion(istioVersion);
    const facts = v && minorFacts(v);
    if (!facts) throw new Error(`no Gateway API bundle is known for Istio ${istioVersion}`);
    return path.join(REPO, "tests", "e2e", "fixtures", `gateway-api-${facts.facts.gatewayApi}.yaml`);
}
/** The bundle of the Istio version most e2e stacks start at (1.24.3: v1.2.1). */
export const GATEWAY_API_CRDS = gatewayApiStandIn("1.24.3");
/** A v1.5.1-shaped standard bundle: CRDs plus the safe-upgrades ValidatingAdmissionPolicy and its binding. */
export const GATEWAY_API_V15 = path.join(REPO, "tests", "e2e", "fixtures", "gateway-api-v1.5.1.yaml");

export interface EnvironmentOptions {
    /** Cluster names; each gets `nodes` fake nodes. */
    clusters: string[];
    nodes?: number;
    /** Chart versions to publish, e.g. 1.24.3-solo. */
    chartVersions: string[];
    /** Where state, charts and the Pulumi home live. Default: a new temp dir. */
    stateDir?: string;
    log?: (line: string) => void;
    /** Which tools the environment builds when missing (default: every tool the tests use). */
    tools?: ToolSet;
}

export interface Environment {
    bin: string;
    clusters: Record<string, Cluster>;
    repo: ChartRepo;
    /** The directory the chart repository serves (publish more chart versions into it). */
    chartDir: string;
    doubles: ControllerDoubles;
    stateDir: string;
    env: Record<string, string>;
    /** East-west (load balancer) address per cluster. */
    addresses: Record<string, string>;
    pulumi: PulumiCommand;
    /** A stack of an example program with this environment's CLI, backend and variables. */
    stack(example: string, stackName: string, extraEnv?: Record<string, string>): Promise<Stack>;
    kubectl(cluster: string, args: string[], input?: string): Promise<string>;
    helm(cluster: string, args: string[]): Promise<string>;
    /** Stops the repository and the doubles; deletes the clusters unless `keepClusters`. */
    close(keepClusters?: boolean): Promise<void>;
}

export async function createEnvironment(options: EnvironmentOptions): Promise<Environment> {
    const log = options.log ?? ((line: string) => process.stderr.write(`[e2e] ${line}\n`));
    const stateDir = options.stateDir ?? tempDir("servicemesh-e2e-");
    fs.mkdirSync(stateDir, { recursive: true });

    log("toolchain: building or reusing cached binaries (scripts/tools.sh)");
    const bin = await toolsBinDir(options.tools);
    const env = pulumiEnv(bin, stateDir);

    const started = Date.now();
    log(`clusters: starting ${options.clusters.join(", ")} (kwok, ${options.nodes ?? 3} fake nodes each)`);
    // One at a time: kwokctl picks free ports when it creates a cluster, and parallel creations pick the same ones.
    // Fresh clusters every time: one left over from an interrupted run would carry its old objects.
    const clusterList: Cluster[] = [];
    for (const name of options.clusters) {
        await deleteCluster(name);
        clusterList.push(await startCluster(name, options.nodes ?? 3));
    }
    const clusters = Object.fromEntries(clusterList.map((c) => [c.name, c]));
    log(`clusters: ready in ${((Date.now() - started) / 1000).toFixed(0)}s`);

    const chartDir = path.join(stateDir, "charts");
    await packageCharts(bin, chartDir, options.chartVersions);
    const repo = await serveCharts(chartDir);
    log(`chart repository: ${repo.url} (basic auth, TLS with a self-signed certificate) serving ${options.chartVersions.join(", ")}`);

    // The chart credentials live in each cluster, as an operator's repository.secrets would.
    const [credNs, credName] = CREDENTIALS_SECRET.split("/");
    for (const c of clusterList) {
        await kubectl(bin, c, ["create", "namespace", credNs, "--dry-run=client", "-o", "yaml"]).then((y) => kubectl(bin, c, ["apply", "-f", "-"], y));
        const secret = {
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/dockerconfigjson",
            metadata: { name: credName, namespace: credNs },
            data: { ".dockerconfigjson": Buffer.from(repo.dockerConfigJson).toString("base64") },
        };
        await kubectl(bin, c, ["apply", "-f", "-"], JSON.stringify(secret));
    }

    const addresses = Object.fromEntries(options.clusters.map((name, i) => [name, `192.0.2.${10 + i}`]));
    const doubles = new ControllerDoubles(bin, clusterList, { addresses });
    doubles.start();

    const pulumi = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
    return {
        bin,
        clusters,
        repo,
        chartDir,
        doubles,
        stateDir,
        env,
        addresses,
        pulumi,
        async stack(example, stackName, extraEnv = {}) {
            const workDir = path.join(REPO, "examples", example);
            await installExample(example);
            // Each environment has a new backend: stack settings left in the example by an earlier run must not leak in.
            fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
            const ws = await LocalWorkspace.create({ workDir, pulumiCommand: pulumi, envVars: { ...env, ...extraEnv } });
            return Stack.createOrSelect(stackName, ws);
        },
        kubectl: (cluster, args, input) => kubectl(bin, clusters[cluster], args, input),
        helm: (cluster, args) => run(path.join(bin, "helm"), ["--kubeconfig", clusters[cluster].kubeconfig, ...args]).then((r) => r.stdout),
        async close(keepClusters = false) {
            await doubles.stop();
            await repo.close();
            if (!keepClusters) {
                await Promise.all(options.clusters.map((name) => deleteCluster(name)));
            }
        },
    };
}
