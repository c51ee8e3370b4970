// The README, the examples and the schema docs name as defaults only the versions the versions table gives: the
// Istio version is CURRENT_VERSION, and the Gateway API bundle called the default is the one of its minor. A stale
// `1.26.2` in a copyable snippet or "default v1.2.1" in an SDK's docs fails here, naming the file and line.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { CURRENT_VERSION, MINORS, parseVersion } from "../../provider/spec/versions";

const ROOT = path.resolve(__dirname, "..", "..");
const CURRENT_BUNDLE = MINORS[parseVersion(CURRENT_VERSION)!.minor].gatewayApi;
const ISTIO = /\b1\.(?:2\d|3\d)\.\d+\b/g;

interface Hit {
    where: string;
    found: string;
}

function lines(file: string): string[] {
    return fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
}

/** The README's fenced code blocks, line by line, with their line numbers. */
function readmeCode(): { n: number; text: string }[] {
    let inside = false;
    return lines("README.md").flatMap((text, i) => {
        if (text.trimStart().startsWith("```")) {
            inside = !inside;
            return [];
        }
        return inside ? [{ n: i + 1, text }] : [];
    });
}

/** Files a user copies from examples/: programs and project files, not the real-engine tier's stack configs or tests. */
function exampleFiles(dir = "examples"): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return ["node_modules", "bin", "venv", "__pycache__"].includes(e.name) ? [] : exampleFiles(rel);
        if (/^Pulumi\.e2e-.*\.yaml$/.test(e.name) || /\.test\.ts$/.test(e.name) || !/\.(ts|py|go|yaml|md)$/.test(e.name)) return [];
        return [rel];
    });
}

/** Text that calls a Gateway API bundle the default: it must be the current minor's. */
function staleBundleDefaults(text: string, where: string): Hit[] {
    return [...text.matchAll(/default[^.\n]{0,60}?\b(v1\.\d+\.\d+)\b/gi)]
        .filter((m) => m[1] !== CURRENT_BUNDLE)
        .map((m) => ({ where, found: m[0] }));
}

describe("versions named in docs and examples follow the versions table", () => {
    it(`README code installs Istio ${CURRENT_VERSION}`, () => {
        const stale = readmeCode()
            .flatMap(({ n, text }) => [...text.matchAll(/version["'`]?\s*[:=]?\s*["'`]?(1\.\d+\.\d+)/gi)].map((m) => ({ where: `README.md:${n}`, found: m[1] })))
            .filter((h) => h.found !== CURRENT_VERSION);
        expect(stale).to.deep.equal([]);
    });

    it(`examples install Istio ${CURRENT_VERSION} by default`, () => {
        const files = exampleFiles();
        expect(files.length).to.be.greaterThan(10);
        const stale = files.flatMap((f) =>
            lines(f).flatMap((text, i) => [...text.matchAll(ISTIO)].filter((m) => m[0] !== CURRENT_VERSION).map((m) => ({ where: `${f}:${i + 1}`, found: m[0] }))),
        );
        expect(stale).to.deep.equal([]);
    });

    it(`a Gateway API bundle called the default is ${CURRENT_BUNDLE} (README, doc comments, schema)`, () => {
        const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "provider")).map((d) => `provider/${d}/args.ts`).filter((f) => fs.existsSync(path.join(ROOT, f)))];
        const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "sdk", "schema.json"), "utf8"));
        const descriptions: string[] = [];
        JSON.stringify(schema, (key, value) => (key === "description" && typeof value === "string" ? (descriptions.push(value), value) : value));
        const stale = [
            ...docs.flatMap((f) => lines(f).flatMap((text, i) => staleBundleDefaults(text, `${f}:${i + 1}`))),
            ...descriptions.flatMap((d) => staleBundleDefaults(d, "sdk/schema.json")),
        ];
        expect(stale).to.deep.equal([]);
    });

    it(`schema docs give ${CURRENT_VERSION} as the example Istio version`, () => {
        const text = fs.readFileSync(path.join(ROOT, "sdk", "schema.json"), "utf8");
        const stale = [...text.matchAll(/e\.g\.\s*`?(1\.\d+\.\d+)/g)].map((m) => m[1]).filter((v) => v !== CURRENT_VERSION);
        expect(stale).to.deep.equal([]);
    });

    it("catches what it is for: a stale default in a line of text", () => {
        expect(staleBundleDefaults("Gateway API default v1.2.1", "x")).to.have.length(1);
        expect(staleBundleDefaults(`installed by default (1.31: ${CURRENT_BUNDLE})`, "x")).to.deep.equal([]);
    });
});
