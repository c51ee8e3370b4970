// One environment for the whole real-engine tier: four simulated clusters (one for the single-cluster stack, three
// for the multicluster mesh), the chart repository at the versions below, and the controller doubles.
import { Environment, createEnvironment } from "./harness/environment";

export const CHART_VERSIONS = ["1.24.3-solo", "1.25.2-solo", "1.28.2-solo", "1.29.3-solo", "1.30.2-solo", "1.31.1-solo"];
let environment: Environment | undefined;

export function env(): Environment {
    if (!environment) throw new Error("the e2e environment is not up");
    return environment;
}

export const mochaHooks = {
    async beforeAll(this: Mocha.Context) {
        this.timeout(90 * 60 * 1000);
        const started = Date.now();
        // SERVICEMESH_E2E_CLUSTERS=solo,east starts only the clusters the chosen spec files use (a shared machine).
        const clusters = process.env.SERVICEMESH_E2E_CLUSTERS?.split(",").filter(Boolean) ?? ["solo", "east", "west", "north"];
        environment = await createEnvironment({ clusters, nodes: 3, chartVersions: CHART_VERSIONS });
        process.stderr.write(`[e2e] environment ready in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
    },
    async afterAll(this: Mocha.Context) {
        this.timeout(5 * 60 * 1000);
        if (environment?.doubles.errors.length) {
            process.stderr.write(`[e2e] controller doubles reported:\n  ${[...new Set(environment.doubles.errors)].slice(0, 10).join("\n  ")}\n`);
        }
        await environment?.close(process.env.SERVICEMESH_E2E_KEEP === "1");
    },
};
