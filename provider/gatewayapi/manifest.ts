// Reads the Gateway API manifest: a local file (read here, so a relative path means the same thing from every
// language), or an http(s) URL fetched by the component itself, so its objects can be applied one resource each and
// its bundle version compared with the cluster's before anything is applied. Each URL is fetched once per process.
import * as fs from "fs";
import { Bundle, parseBundle } from "./bundle";

export type ManifestFetcher = (url: string) => Promise<string>;

const httpFetcher: ManifestFetcher = async (url) => {
    const response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(60_000) });
    if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
    }
    return response.text();
};

let fetcher: ManifestFetcher = httpFetcher;
const fetched = new Map<string, Promise<string>>();

/** Unit tests serve URLs through this. */
export function useManifestFetcher(f: ManifestFetcher): void {
    fetcher = f;
    fetched.clear();
}

export function isUrl(manifest: string): boolean {
    return /^https?:\/\//.test(manifest);
}

/** A local manifest, read synchronously so an unreadable path fails before the component registers. */
export function readLocalManifest(manifest: string): string {
    try {
        return fs.readFileSync(manifest, "utf8");
    } catch (e) {
        throw new Error(`cannot read "${manifest}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); allowed: a readable file path or an http(s) URL`);
    }
}

/** The bundle at `manifest`; `localText` is the file already read. Errors start with what failed, for the caller to prefix. */
export async function loadBundle(manifest: string, localText?: string): Promise<Bundle> {
    if (!isUrl(manifest)) {
        return parseBundle(localText ?? readLocalManifest(manifest), manifest);
    }
    if (!fetched.has(manifest)) {
        fetched.set(manifest, fetcher(manifest));
    }
    let text: string;
    try {
        text = await fetched.get(manifest)!;
    } catch (e) {
        fetched.delete(manifest);
        throw new Error(`cannot fetch "${manifest}" (${(e as Error).message}); allowed: a reachable http(s) URL or a local file path (e.g. the release manifest downloaded beforehand)`);
    }
    return parseBundle(text, manifest);
}
