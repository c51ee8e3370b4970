// One part-1 measurement, in a process of its own (fresh heap): `program.ts <component|baseline> <clusters> <caDir>`.
// Builds one program under the unit tests' Pulumi mocks, waits until every registration has been answered, and prints
// one JSON line: construction time, the process's peak RSS, and what was registered, by type.
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { registered, resetMocks } from "../../tests/unit/mocks";
import { IssuedCa } from "../../tests/support/pki";

// Not in the SDK's public typings: resolves once every outstanding resource RPC has completed.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface ProgramResult {
    program: string;
    clusters: number;
    ms: number;
    maxRssMb: number;
    /** Custom resources (including reads) and components registered, by type. */
    counts: Record<string, number>;
}

/** A program under measurement: registers everything for `names` and resolves when its last output is known. */
export type Build = (names: string[], cas: Record<string, IssuedCa>, gatewayApiYaml: string) => Promise<unknown>;

export const GATEWAY_API_CRDS = path.join(__dirname, "..", "..", "tests", "fixtures", "gateway-api-crds.yaml");
export const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

/** The CA material issued once by the driver (tests/support/pki.ts layout), read before the clock starts. */
export function readCas(dir: string, names: string[]): Record<string, IssuedCa> {
    const read = (c: string, f: string) => fs.readFileSync(path.join(dir, c, f), "utf8");
    return Object.fromEntries(
        names.map((c) => [c, { caCertPem: read(c, "ca-cert.pem"), caKeyPem: read(c, "ca-key.pem"), rootCertPem: read(c, "root-cert.pem"), certChainPem: read(c, "cert-chain.pem") }]),
    );
}

async function main(): Promise<void> {
    const [program, n, caDir] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
    resetMocks();
    const names = clusterNames(n);
    const cas = readCas(caDir, names);
    const gatewayApiYaml = fs.readFileSync(GATEWAY_API_CRDS, "utf8");
    // Only the measured program's modules are loaded.
    const build: Build = program === "component" ? require("./component").component : require("./baseline").baseline;

    const started = performance.now();
    await build(names, cas, gatewayApiYaml);
    await waitForRPCs();
    const ms = performance.now() - started;

    const counts: Record<string, number> = {};
    for (const r of registered) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    const result: ProgramResult = { program, clusters: n, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, counts };
    process.stdout.write(JSON.stringify(result) + "\n");
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e) => {
            process.stderr.write(`${(e as Error).stack ?? e}\n`);
            process.exit(1);
        },
    );
}
