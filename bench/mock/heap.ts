// Where part 1's memory goes: `npx ts-node --transpile-only bench/mock/heap.ts [clusters]` runs program.ts once for
// the component and once for the baseline under V8's sampling heap profiler (`--heap-prof`: objects still alive when
// the program has finished), and prints for each the sampled live bytes by source module and by function, largest
// first, with the component's excess over the baseline per module. Not part of `npm run bench`: a diagnosis tool.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { issueClusterCas } from "../../tests/support/pki";
import { clusterNames } from "./program";

interface Frame {
    functionName: string;
    url: string;
    lineNumber: number;
}
interface ProfileNode {
    callFrame: Frame;
    selfSize: number;
    children: ProfileNode[];
}

/** node_modules/<pkg>/<dir> (scoped packages keep their scope), or the repository path up to its second folder. */
export function moduleOf(url: string): string {
    const file = url.replace(/^file:\/\//, "");
    const nm = file.lastIndexOf("node_modules/");
    if (nm >= 0) {
        const parts = file.slice(nm + "node_modules/".length).split("/");
        const pkg = parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
        const rest = parts.slice(pkg.split("/").length);
        return rest.length > 1 ? `${pkg}/${rest[0]}` : pkg;
    }
    if (!file) return "(V8 / native)";
    const rel = path.relative(path.join(__dirname, "..", ".."), file);
    return rel.startsWith("..") ? (file.startsWith("node:") ? "node internals" : file) : rel.split("/").slice(0, 2).join("/");
}

/** Sums self sizes over the profile's tree by key. */
function totals(node: ProfileNode, key: (f: Frame) => string, into = new Map<string, number>()): Map<string, number> {
    if (node.selfSize) into.set(key(node.callFrame), (into.get(key(node.callFrame)) ?? 0) + node.selfSize);
    for (const c of node.children) totals(c, key, into);
    return into;
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

function profile(program: "component" | "baseline", clusters: number, caDir: string): ProfileNode {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `heap-${program}-`));
    execFileSync(process.execPath, ["--heap-prof", `--heap-prof-dir=${dir}`, "-r", "ts-node/register/transpile-only", path.join(__dirname, "program.ts"), program, String(clusters), caDir], {
        cwd: path.join(__dirname, "..", ".."),
        stdio: ["ignore", "ignore", "inherit"],
    });
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".heapprofile"));
    if (!file) throw new Error(`${program}: node wrote no heap profile in ${dir}`);
    const head = (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { head: ProfileNode }).head;
    fs.rmSync(dir, { recursive: true, force: true });
    return head;
}

function main(): void {
    const clusters = Number(process.argv[2] ?? 25);
    const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "heap-cas-"));
    issueClusterCas(caDir, clusterNames(clusters));
    const heads = { component: profile("component", clusters, caDir), baseline: profile("baseline", clusters, caDir) };
    const byModule = { component: totals(heads.component, (f) => moduleOf(f.url)), baseline: totals(heads.baseline, (f) => moduleOf(f.url)) };
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    console.log(`${clusters} clusters: sampled live heap at the end, component ${mib(sum(byModule.component))} MiB, baseline ${mib(sum(byModule.baseline))} MiB`);
    console.log("\nby module (MiB): component / baseline / excess");
    const modules = new Set([...byModule.component.keys(), ...byModule.baseline.keys()]);
    const rows = [...modules].map((m) => [m, byModule.component.get(m) ?? 0, byModule.baseline.get(m) ?? 0] as const).sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
    for (const [m, c, b] of rows.slice(0, 15)) console.log(`  ${m}: ${mib(c)} / ${mib(b)} / ${mib(c - b)}`);
    console.log("\ncomponent, by function (MiB):");
    const fns = totals(heads.component, (f) => `${f.functionName || "(anonymous)"} ${moduleOf(f.url)}:${f.lineNumber + 1}`);
    for (const [f, b] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${mib(b)}  ${f}`);
    fs.rmSync(caDir, { recursive: true, force: true });
}

if (require.main === module) main();
