// The `values` input: Helm values per chart that a user merges over what the component computes. Pure.
//
// Merge order, last wins:  chart defaults (Helm)  <-  values computed from the inputs (values.ts)  <-  user overrides.
// Deep merge: objects merge key by key; arrays, scalars and null replace (null removes a chart default, as in Helm).
// Values the component owns (OWNED_VALUES in values.ts) are refused, naming the key and the input to use instead,
// unless allowProtectedValueOverrides is set: then each one is reported as a warning and the override wins.
import * as pulumi from "@pulumi/pulumi";
import { IstioVersion, formatVersion, removedIstiodEnv } from "../spec/versions";
import type { ChartName } from "./releases";
import { HelmValues, OWNED_VALUES, OwnedValue } from "./values";

/** The charts the `values` input takes, in install order. */
export const OVERRIDABLE_CHARTS: readonly ChartName[] = ["base", "istiod", "cni", "ztunnel"];

/** Overrides per chart, as given (a chart's values, or parts of them, may be Outputs: secrets, other resources). */
export type ChartOverrides = Partial<Record<ChartName, pulumi.Input<HelmValues>>>;

/** A plain object (not an array, not null, not an Output): the only thing a deep merge descends into. */
export function isPlainObject(value: unknown): value is HelmValues {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !pulumi.Output.isInstance(value);
}

// Not holdsDeferred (spec/inputs): overrides defer Outputs only; a Promise is a plain object here, as in isPlainObject.
/** True when `value` holds an Output anywhere (such values are merged once resolved). */
export function containsOutputs(value: unknown): boolean {
    if (pulumi.Output.isInstance(value)) return true;
    if (Array.isArray(value)) return value.some(containsOutputs);
    return isPlainObject(value) && Object.values(value).some(containsOutputs);
}

/** `over` deep-merged over `base`: objects merge, anything else replaces; undefined means "not given". Never mutates. */
export function mergeValues(base: HelmValues, over: HelmValues): HelmValues {
    const out: HelmValues = { ...base };
    for (const [key, value] of Object.entries(over)) {
        if (value === undefined) continue;
        const prev = out[key];
        out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeValues(prev, value) : value;
    }
    return out;
}

/** One override of owned values: where it was given, and the owned value it sets (or those it replaces). */
export interface ProtectedOverride {
    /** The override's path in the chart's values. */
    path: string[];
    /** The owned value set at or above `path`. */
    owned?: OwnedValue;
    /** Set when the override replaces a whole object (or removes it with null) that holds owned values. */
    replaces?: OwnedValue[];
}

const startsWith = (path: string[], prefix: string[]) => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

/** The paths of the leaves under `value` (itself when it is not a non-empty object). */
function leafPaths(value: unknown, at: string[]): string[][] {
    if (!isPlainObject(value) || Object.keys(value).length === 0) return [at];
    return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : leafPaths(v, [...at, k])));
}

/**
 * The owned values an override of `chart` touches: a leaf set at or under an owned path, or an ancestor of owned
 * paths replaced by a non-object. Parts still held in Outputs are skipped; call again once they are resolved.
 */
export function protectedOverrides(chart: ChartName, override: HelmValues): ProtectedOverride[] {
    const rows = OWNED_VALUES[chart].map((owned) => ({ owned, segments: owned.segments ?? owned.path.split(".") }));
    const found: ProtectedOverride[] = [];
    const walk = (node: HelmValues, at: string[]) => {
        for (const [key, value] of Object.entries(node)) {
            if (value === undefined || pulumi.Output.isInstance(value)) continue;
            const path = [...at, key];
            const hit = rows.find((r) => startsWith(path, r.segments) && (!r.owned.when || r.owned.when(value)));
            if (hit) {
                found.push(...leafPaths(value, path).map((leaf) => ({ path: leaf, owned: hit.owned })));
            } else if (isPlainObject(value)) {
                walk(value, path);
            } else {
                const replaced = rows.filter((r) => !r.owned.when && r.segments.length > path.length && startsWith(r.segments, path));
                if (replaced.length) found.push({ path, replaces: replaced.map((r) => r.owned) });
            }
        }
    };
    walk(override, []);
    return found;
}

export const ESCAPE_HATCH = "allowProtectedValueOverrides";

const source = (o: OwnedValue) => (o.input ? `set from the \`${o.input}\` input` : `kept because ${o.reason}`);

function describe(p: ProtectedOverride): { owner: string; instead: string } {
    if (p.replaces) {
        return {
            owner: `replaces values the component owns: ${p.replaces.map((o) => `${o.path} (${source(o)})`).join(", ")}`,
            instead: "set the keys you mean one by one",
        };
    }
    const o = p.owned!;
    return { owner: `is owned by the component, ${source(o)}`, instead: o.input ? `set \`${o.input}\` instead` : "leave it unset" };
}

/**
 * What the overrides of every chart mean for an update: problems (owned values, refused) or, with the escape hatch,
 * warnings naming each owned value overridden. `field` is the input's name in messages (`values`,
 * `clusters[1] (west).values`).
 */
export function checkOverrides(
    overrides: Partial<Record<ChartName, unknown>>,
    allowProtected: boolean,
    field = "values",
): { problems: string[]; warnings: string[] } {
    const problems: string[] = [];
    const warnings: string[] = [];
    for (const chart of OVERRIDABLE_CHARTS) {
        const override = overrides[chart];
        if (!isPlainObject(override)) continue;
        for (const p of protectedOverrides(chart, override)) {
            const key = `${field}.${chart}.${p.path.join(".")}`;
            const { owner, instead } = describe(p);
            if (allowProtected) {
                warnings.push(`${key} overrides what the component owns: it ${owner} (${ESCAPE_HATCH} is set)`);
            } else {
                problems.push(`${key}: ${owner}; allowed: ${instead}, or set ${ESCAPE_HATCH}: true to override it anyway`);
            }
        }
    }
    return { problems, warnings };
}

/**
 * Overrides the installed minor ignores: istiod environment variables it removed (the versions table), set through
 * `pilot.env` or `env`. Reported as warnings, since istiod starts without them, but the setting no longer does anything.
 */
export function ignoredOverrides(overrides: Partial<Record<ChartName, unknown>>, version: IstioVersion, field = "values"): string[] {
    const istiod = overrides.istiod;
    if (!isPlainObject(istiod)) return [];
    const removed = removedIstiodEnv(version);
    const envs: [string, unknown][] = [["pilot.env", isPlainObject(istiod.pilot) ? istiod.pilot.env : undefined], ["env", istiod.env]];
    return envs.flatMap(([at, env]) =>
        isPlainObject(env)
            ? Object.keys(env)
                  .filter((name) => env[name] !== undefined && removed.has(name))
                  .map((name) => `${field}.istiod.${at}.${name}: Istio 1.${removed.get(name)} removed this variable, so istiod ${formatVersion(version)} ignores it; remove it from the values`)
            : [],
    );
}

/**
 * Shape problems of a `values` input: an object whose keys are charts this update installs, each an object of Helm
 * values. Outputs are skipped (their shape is checked once resolved).
 */
export function overridesShapeProblems(raw: unknown, installed: readonly ChartName[], field = "values"): string[] {
    if (raw === undefined || pulumi.Output.isInstance(raw)) return [];
    const allowed = `an object with the keys ${OVERRIDABLE_CHARTS.join(", ")}, each an object of that chart's Helm values`;
    if (!isPlainObject(raw)) {
        return [`${field}: is not an object (got ${JSON.stringify(raw)}); allowed: ${allowed}`];
    }
    const problems: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
        if (value === undefined) continue;
        if (!OVERRIDABLE_CHARTS.includes(key as ChartName)) {
            problems.push(`${field}: unknown chart "${key}"; allowed: ${allowed} (the east-west gateway is no Helm release: istiod deploys it)`);
        } else if (!isPlainObject(value) && !pulumi.Output.isInstance(value)) {
            problems.push(`${field}.${key}: is not an object (got ${JSON.stringify(value)}); allowed: an object of the ${key} chart's Helm values`);
        } else if (!installed.includes(key as ChartName)) {
            problems.push(
                `${field}.${key}: this update installs no ${key} chart (it installs ${installed.join(", ")}); allowed: values for an installed chart`,
            );
        }
    }
    return problems;
}

/** A chart's overrides out of a `values` input that may itself be an Output. */
export function chartOverride(values: unknown, chart: ChartName): pulumi.Input<HelmValues> | undefined {
    if (values === undefined) return undefined;
    if (pulumi.Output.isInstance(values)) return values.apply((v) => (isPlainObject(v) ? (v[chart] as HelmValues | undefined) : undefined)) as pulumi.Output<HelmValues>;
    return (values as Record<string, pulumi.Input<HelmValues> | undefined>)[chart];
}

/**
 * Two layers of overrides merged per chart (MultiClusterMesh: the shared `values`, then the cluster's). Plain layers
 * merge now; a chart whose layers hold Outputs merges once they resolve (secrets stay secret).
 */
export function layerOverrides(shared: unknown, cluster: unknown): ChartOverrides | pulumi.Output<ChartOverrides> | undefined {
    if (shared === undefined) return cluster as ChartOverrides | undefined;
    if (cluster === undefined) return shared as ChartOverrides;
    if (!isPlainObject(shared) || !isPlainObject(cluster)) {
        // One layer is an Output as a whole, or not an object (validation reports that).
        return pulumi.all([shared, cluster] as pulumi.Input<unknown>[]).apply(([s, c]) => layerOverrides(s, c) as ChartOverrides);
    }
    const out: ChartOverrides = {};
    for (const key of new Set([...Object.keys(shared), ...Object.keys(cluster)])) {
        const a = shared[key];
        const b = cluster[key];
        if (a === undefined || b === undefined) {
            (out as Record<string, unknown>)[key] = a ?? b;
        } else if (isPlainObject(a) && isPlainObject(b) && !containsOutputs(a) && !containsOutputs(b)) {
            (out as Record<string, unknown>)[key] = mergeValues(a, b);
        } else if (isPlainObject(a) || isPlainObject(b) || pulumi.Output.isInstance(a) || pulumi.Output.isInstance(b)) {
            (out as Record<string, unknown>)[key] = pulumi
                .all([a, b] as pulumi.Input<unknown>[])
                .apply(([x, y]) => (isPlainObject(x) && isPlainObject(y) ? mergeValues(x, y) : y));
        } else {
            (out as Record<string, unknown>)[key] = b;
        }
    }
    return out;
}
