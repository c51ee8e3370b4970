// Refusals (bad input, a refused pre-flight, a chart that cannot be pulled) reach Pulumi's Node runtime as errors that
// reject Outputs. The runtime formats each with util.inspect in colour, where Node spins for about a minute on a
// source-mapped frame of @pulumi/pulumi (`node_modules/@pulumi/output.ts`); a refused preview then took 70-95 s.
import * as util from "util";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ChartPullError } from "../../provider/charts/fetch";
import { PreflightError } from "../../provider/preflight/run";
import { SpecError } from "../../provider/spec/inputs";

/** The error an Output rejects with when its apply throws `make()`, after Pulumi has prefixed its message. */
async function rejected(make: () => Error): Promise<Error> {
    const out = pulumi.output("x").apply(() => {
        throw make();
    });
    const err = await (out as any).promise().then(() => undefined, (e: Error) => e);
    err.message = `error serializing property "metadata": ${err.message}`;
    return err;
}

describe("refusals", () => {
    const kinds: [string, () => Error][] = [
        ["SpecError", () => new SpecError('MultiClusterMesh "mesh"', ["cluster \"east\" trusts one root; allowed: Current or TrustBoth"])],
        ["PreflightError", () => new PreflightError('ServiceMeshController "mesh"', ["Kubernetes v1.29.0 is older than Istio 1.31 supports"])],
        ["ChartPullError", () => new ChartPullError({ chart: "istiod", version: "1.31.1-solo", repositoryUrl: "https://charts.example" } as any, "HTTP 401")],
    ];
    for (const [name, make] of kinds) {
        it(`${name} is printed as its message: a RunError whose stack is the current message, without frames`, async () => {
            const err = await rejected(make);
            expect(pulumi.RunError.isInstance(err)).to.equal(true);
            expect(err.stack).to.equal(`${name}: ${err.message}`);
            expect(err.stack).to.not.contain("    at ");
        });

        it(`${name} is formatted at once by util.inspect in colour, as Pulumi's runtime formats it`, async () => {
            const err = await rejected(make);
            (err as any).promise = Promise.reject(err).catch(() => undefined);
            const started = performance.now();
            const text = util.inspect(err, { colors: true });
            expect(performance.now() - started).to.be.below(1000);
            expect(text).to.contain(err.message.split("\n")[0]);
        });
    }
});
