// One name per concept: the names this package replaced, in one table. A renamed input keeps working for one minor
// release of the package: the component reads the old name as the new one and warns, naming both; the schema marks
// the old property deprecated (provider/package/schema.ts), so every SDK shows it. A renamed output is published
// under both names for that minor.
//
// The rules the names follow: the cluster's name is `cluster` wherever it appears (inputs, outputs, entries), as
// istiod's cluster ID; `name` is kept for the names of things the component creates (releases, revisions, tags, the
// next root). A property of a thing's own object is short (`eastWestGateway.address`, `rotation.stage`, `trust.
// intermediateExpiry`); standing alone it says whose it is (`eastWestAddress`, `rotationStage`). An input is taken
// in one place only; an output object gives each value once, except a member's east-west address, also at the top
// of its status (`eastWestAddress`) because that is what a link takes (`ClusterLink.to.eastWestAddress`).

/** The package's minor that renamed them, and the minor that no longer reads or publishes the old names. */
export const RENAMED_IN = "0.2";
export const REMOVED_IN = "0.3";

export interface Rename {
    /** The resource or type (schema token `servicemesh:index:<owner>`). */
    owner: string;
    /** The old property name. */
    old: string;
    /** Its current name: a property of the same object, or a path within it (`eastWestGateway.address`). */
    current: string;
    kind: "input" | "output";
}

export const RENAMES: Rename[] = [
    { owner: "MeshCluster", old: "name", current: "cluster", kind: "input" },
    { owner: "MeshCluster", old: "eastWestAddress", current: "eastWestGateway.address", kind: "input" },
    { owner: "MeshClusterStatus", old: "name", current: "cluster", kind: "output" },
    { owner: "MeshClusterStatus", old: "intermediateExpiry", current: "trust.intermediateExpiry", kind: "output" },
    { owner: "MeshLinkStatus", old: "address", current: "eastWestAddress", kind: "output" },
    { owner: "ClusterLink", old: "address", current: "eastWestAddress", kind: "output" },
    { owner: "RootOfTrust", old: "stage", current: "rotationStage", kind: "output" },
];

/** The schema's `deprecationMessage` of a renamed property. */
export function deprecationMessage(r: Rename): string {
    return r.kind === "input"
        ? `Use \`${r.current}\` (one name per value since ${RENAMED_IN}); \`${r.old}\` is read as \`${r.current}\`, with a warning, until ${REMOVED_IN}.`
        : `Use \`${r.current}\` (one name per value since ${RENAMED_IN}); \`${r.old}\` is published too until ${REMOVED_IN}.`;
}

/**
 * An input object of `owner` with its old names moved to their current ones (`at` names the object in messages,
 * e.g. `clusters[0]`): a warning per name moved, and a problem when the old and the current name are both given. Pure.
 */
export function withCurrentNames(owner: string, input: unknown, at: string): { value: unknown; warnings: string[]; problems: string[] } {
    const warnings: string[] = [];
    const problems: string[] = [];
    if (!input || typeof input !== "object" || Array.isArray(input)) return { value: input, warnings, problems };
    const value: Record<string, any> = { ...(input as Record<string, unknown>) };
    for (const r of RENAMES.filter((r) => r.owner === owner && r.kind === "input" && value[r.old] !== undefined)) {
        const path = r.current.split(".");
        const parent = path.slice(0, -1).reduce<Record<string, any> | undefined>((o, k) => (o && typeof o[k] === "object" ? o[k] : undefined), value);
        if (path.length > 1 && value[path[0]] !== undefined && !parent) {
            problems.push(`${at}.${path.slice(0, -1).join(".")}: is not an object; allowed: an object holding ${path[path.length - 1]}`);
            continue;
        }
        if (parent?.[path[path.length - 1]] !== undefined) {
            problems.push(`${at}: ${r.old} and ${r.current} are both set; allowed: ${r.current} (${r.old} is its deprecated name)`);
            delete value[r.old];
            continue;
        }
        // Copies along the path, so the caller's objects are left as given.
        let target = value;
        for (const k of path.slice(0, -1)) target = target[k] = { ...(target[k] ?? {}) };
        target[path[path.length - 1]] = value[r.old];
        delete value[r.old];
        warnings.push(`${at}.${r.old} is deprecated: renamed to ${r.current} (${r.old} is read until ${REMOVED_IN})`);
    }
    return { value, warnings, problems };
}
