// Looking for secrets in plain text: each secret in the forms it can take on the way (as given, base64 as in a
// Kubernetes Secret or a dockerconfig, a single PEM line as in JSON with escaped newlines), searched in text and
// in every recent file under some roots.
import * as fs from "fs";
import * as path from "path";

export interface Needle {
    /** What the secret is, for the failure message. */
    what: string;
    text: string;
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A secret and its base64 form; PEM also as its longest body line (found however the newlines were escaped). */
export function needles(what: string, secret: string): Needle[] {
    const out: Needle[] = [
        { what, text: secret.trim() },
        { what: `${what} (base64)`, text: b64(secret).slice(0, 64) },
    ];
    if (secret.trim().includes("\n")) {
        out.push({ what: `${what} (JSON-escaped)`, text: JSON.stringify(secret.trim()).slice(1, -1) });
    }
    if (secret.includes("-----BEGIN")) {
        const body = secret.split("\n").filter((l) => l && !l.startsWith("-----"));
        out.push({ what: `${what} (a PEM line)`, text: body.reduce((a, b) => (b.length > a.length ? b : a), "") });
    }
    return out;
}

/** Which needles occur in `text`, as "<what> in <where>". */
export function findIn(text: string, where: string, list: Needle[]): string[] {
    return list.filter((n) => text.includes(n.text)).map((n) => `${n.what} in ${where}`);
}

/** Which needles occur in the string leaves of a JSON value, as "<what> in <where>.<path>". */
export function findInJson(value: unknown, where: string, list: Needle[]): string[] {
    if (typeof value === "string") return findIn(value, where, list);
    if (!value || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) => findInJson(v, `${where}.${k}`, list));
}

/** Files under `roots` modified at or after `since` (ms), skipping `exclude` prefixes and files over 20 MiB. */
export function recentFiles(roots: string[], since: number, exclude: string[]): string[] {
    const found: string[] = [];
    const walk = (p: string) => {
        if (exclude.some((x) => p === x || p.startsWith(x + path.sep))) return;
        let st: fs.Stats;
        try {
            st = fs.lstatSync(p);
        } catch {
            return; // removed meanwhile, or another user's
        }
        if (st.isDirectory()) {
            let entries: string[] = [];
            try {
                entries = fs.readdirSync(p);
            } catch {
                return;
            }
            entries.forEach((e) => walk(path.join(p, e)));
        } else if (st.isFile() && st.mtimeMs >= since && st.size < 20 * 1024 * 1024) {
            found.push(p);
        }
    };
    roots.forEach(walk);
    return [...new Set(found)];
}

export function findInFiles(files: string[], list: Needle[]): string[] {
    return files.flatMap((f) => {
        try {
            return findIn(fs.readFileSync(f, "latin1"), f, list);
        } catch {
            return [];
        }
    });
}
