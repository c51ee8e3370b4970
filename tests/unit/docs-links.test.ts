// The README and CONTRIBUTING.md link to sections and files that exist: sections move between them, and a link to
// a heading that went elsewhere is a dead end for a user.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..", "..");
const DOCS = ["README.md", "CONTRIBUTING.md"];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as '-'. */
function slug(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

function headings(file: string): Set<string> {
    let fence = false;
    const out = new Set<string>();
    for (const line of fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")) {
        if (line.startsWith("```")) fence = !fence;
        const m = !fence && /^#{1,6} (.*)$/.exec(line);
        if (m) out.add(slug(m[1]));
    }
    return out;
}

describe("documentation links", () => {
    for (const doc of DOCS) {
        it(`${doc}: every link to a section or file resolves`, () => {
            const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
            const broken: string[] = [];
            for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/.test(target)) continue;
                const [file, anchor] = target.split("#");
                const into = file || doc;
                if (!fs.existsSync(path.join(ROOT, into))) broken.push(`${target} (no file ${into})`);
                else if (anchor && into.endsWith(".md") && !headings(into).has(anchor)) broken.push(`${target} (no section #${anchor} in ${into})`);
            }
            expect(broken).to.deep.equal([]);
        });
    }

    it("the anchors follow GitHub's rule", () => {
        expect(slug("What it creates, in order")).to.equal("what-it-creates-in-order");
        expect(slug("Many clusters: one stack per region")).to.equal("many-clusters-one-stack-per-region");
    });
});
