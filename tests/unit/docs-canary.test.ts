// The README's YAML canary walkthrough is examples/canary-yaml/Pulumi.yaml itself, which the real-engine tests run
// (tests/e2e/revisions.test.ts): a change to one without the other fails here.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..", "..");

/** The fenced yaml blocks of one README section (from its heading to the next heading of the same level). */
function sectionYaml(heading: string): string[] {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf(`\n${heading}\n`);
    expect(start, `README has "${heading}"`).to.be.above(-1);
    const level = heading.split(" ")[0];
    const rest = readme.slice(start + heading.length + 2);
    const end = rest.search(new RegExp(`^${level} `, "m"));
    const section = end === -1 ? rest : rest.slice(0, end);
    return [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe("docs: the canary walkthrough in YAML", () => {
    it("quotes examples/canary-yaml/Pulumi.yaml exactly", () => {
        const example = fs.readFileSync(path.join(ROOT, "examples", "canary-yaml", "Pulumi.yaml"), "utf8");
        expect(sectionYaml("### Canary upgrades with revisions")).to.deep.equal([example]);
    });
});
