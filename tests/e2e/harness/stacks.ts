// Stacks of the examples configured for this environment, shared by the e2e files that deploy them.
import * as path from "path";
import { LocalWorkspace, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { IssuedCa, issueClusterCas } from "../../support/pki";
import { CREDENTIALS_SECRET, Environment, gatewayApiStandIn } from "./environment";
import { run } from "./run";

/** The non-zero, non-"same"/"read" entries of an update's resource changes: what actually changed. */
export const changes = (summary: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && op !== "read" && n > 0));

/** Runs `up`, expecting it to fail; resolves with the error's message (empty when it succeeded). */
export async function upError(stack: Stack, opts: UpOptions = {}): Promise<string> {
    return stack.up({ onOutput: (l) => process.stderr.write(l), ...opts }).then(
        () => "",
        (err) => String((err as Error).message),
    );
}

/** `pulumi stack export` as a user runs it, secrets encrypted (the Automation API's exportStack adds --show-secrets). */
export async function exportedState(stack: Stack): Promise<string> {
    const ws = stack.workspace as LocalWorkspace;
    return (await run(ws.pulumiCommand.command, ["stack", "export", "--stack", stack.name], { cwd: ws.workDir, env: { ...process.env, ...ws.envVars } })).stdout;
}

/**
 * examples/multicluster-ts (or another example with the same config: multicluster-python) on `clusters`, installing from the authenticated chart repository (its certificate
 * skipped with insecureSkipVerify) with CA material issued outside (pulumi-resource-tls cannot be built here, so
 * the stack takes a PKI's material through RootOfTrust; generating it is covered by mocks only).
 */
export async function multiclusterStack(
    e: Environment,
    stackName: string,
    clusters: string[],
    extraEnv: Record<string, string> = {},
    example = "multicluster-ts",
    version = "1.24.3",
): Promise<{ stack: Stack; cas: Record<string, IssuedCa>; caDir: string }> {
    const stack = await e.stack(example, stackName, extraEnv);
    const { cas, caDir } = await configureMulticluster(e, stack, stackName, clusters, version);
    return { stack, cas, caDir };
}

/** The config of examples/multicluster-ts and multicluster-python for `clusters` in this environment (see above). */
export async function configureMulticluster(
    e: Environment,
    stack: Stack,
    stackName: string,
    clusters: string[],
    version = "1.24.3",
): Promise<{ cas: Record<string, IssuedCa>; caDir: string }> {
    await stack.setAllConfig({
        istioVersion: { value: version },
        repositoryUrl: { value: e.repo.url },
        repositorySecret: { value: CREDENTIALS_SECRET },
        insecureSkipVerify: { value: "true" },
        // The stand-in of the bundle the version's minor is built against, as the component picks by default.
        gatewayApiManifest: { value: gatewayApiStandIn(version) },
    });
    const caDir = path.join(e.stateDir, `cas-${stackName}`);
    const cas = issueClusterCas(caDir, clusters);
    await stack.setConfig("caDir", { value: caDir });
    for (const [i, name] of clusters.entries()) {
        await stack.setConfig(`clusters[${i}].name`, { value: name }, true);
        await stack.setConfig(`clusters[${i}].kubeconfig`, { value: e.clusters[name].kubeconfig }, true);
        await stack.setConfig(`clusters[${i}].context`, { value: e.clusters[name].context }, true);
    }
    return { cas, caDir };
}

/** examples/single-cluster-ts on `cluster`, from the authenticated chart repository with its certificate trusted. */
export async function singleClusterStack(e: Environment, stackName: string, cluster: string, version = "1.24.3"): Promise<Stack> {
    const stack = await e.stack("single-cluster-ts", stackName, { NODE_EXTRA_CA_CERTS: e.repo.caFile });
    await stack.setAllConfig({
        kubeconfig: { value: e.clusters[cluster].kubeconfig, secret: true },
        context: { value: e.clusters[cluster].context },
        istioVersion: { value: version },
        repositoryUrl: { value: e.repo.url },
        repositorySecret: { value: CREDENTIALS_SECRET },
        gatewayApiManifest: { value: gatewayApiStandIn(version) },
    });
    return stack;
}
