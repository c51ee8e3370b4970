// Shared pieces of input validation: the error every component raises, zod helpers for Kubernetes names and
// enums, and the rendering of zod issues as `field: what is wrong (got <value>); allowed: <what>`.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * What the component refuses with: a message for the user, with no stack frames. Pulumi's Node runtime formats every
 * error that rejects an Output with util.inspect (with colours, for its trace even when it prints only the message),
 * and Node's inspect (22.23) spins on a frame such as `node_modules/@pulumi/output.ts:519`, where @pulumi/pulumi's
 * source maps put its own code, until its string overflows: about a minute of CPU and gigabytes of memory on every
 * refused preview before the program could exit. A stack of the message alone is formatted at once.
 */
export class Refusal extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        // A getter: Pulumi prefixes the message later ("error serializing property ...").
        Object.defineProperty(this, "stack", { get: () => `${this.name}: ${this.message}`, configurable: true });
    }
}

/** Raised when inputs are invalid; `problems` holds one line per bad field. */
export class SpecError extends Refusal {
    constructor(
        readonly component: string,
        readonly problems: string[],
    ) {
        super(`invalid ${component} inputs:\n  - ${problems.join("\n  - ")}`);
        this.name = "SpecError";
    }
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function dnsLabel(what: string) {
    return z
        .string()
        .max(63, { error: `must be at most 63 characters; allowed: a DNS label (${what})` })
        .regex(DNS_LABEL, {
            error: `is not a DNS label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit (${what})`,
        });
}

export function dnsSubdomain(what: string) {
    return z
        .string()
        .max(253, { error: `must be at most 253 characters (${what})` })
        .regex(DNS_SUBDOMAIN, {
            error: `is not a DNS name; allowed: lower-case letters, digits, '-' and '.' (${what})`,
        });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `is not allowed; allowed values: ${values.join(", ")}` });
}

/** True for a value known only once the deployment runs (an Output or a Promise), not while the program plans. */
export function isDeferred(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Paths (dotted) of the deferred values in `raw`, not descending into them: what a user passed as an Output. */
function deferredPaths(raw: unknown, at: PropertyKey[] = [], found: string[] = []): string[] {
    if (isDeferred(raw)) {
        found.push(fieldOf(at));
    } else if (Array.isArray(raw)) {
        raw.forEach((v, i) => deferredPaths(v, [...at, i], found));
    } else if (isPlain(raw)) {
        for (const [k, v] of Object.entries(raw)) deferredPaths(v, [...at, k], found);
    }
    return found;
}

/** True when `raw` holds a deferred value anywhere (itself, or in its arrays and plain objects): checked once known. */
export function holdsDeferred(raw: unknown): boolean {
    return deferredPaths(raw).length > 0;
}

function isPlain(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function fieldOf(path: readonly PropertyKey[]): string {
    return path.length ? path.map(String).join(".") : "(inputs)";
}

/** What the user is told for an Output in a field the component must know while it plans (at preview). */
export function deferredProblem(field: string): string {
    return `${field}: is an Output (known only once another resource exists), but the component plans its resources from it at preview; allowed: a plain value (a literal or stack configuration), not an Output`;
}

/** Renders a zod issue as `field: problem (got value)`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
    const field = fieldOf(issue.path);
    if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => `"${k}"`).join(", ");
        return `${field === "(inputs)" ? "" : field + ": "}unknown field ${keys}; check the spelling against the documented inputs`;
    }
    if ("input" in issue && isDeferred(issue.input)) {
        return deferredProblem(field);
    }
    const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
    return `${field}: ${issue.message}${got}`;
}

/** The zod issues as lines, an Output anywhere in a checked field reported once as such, not as its shape. */
function describeIssues(issues: z.core.$ZodIssue[], raw: unknown): string[] {
    const deferred = deferredPaths(raw);
    const lines = issues.map((issue) => {
        const field = fieldOf(issue.path);
        const under = deferred.find((d) => field === d || field.startsWith(d + "."));
        return under ? deferredProblem(under) : describeIssue(issue);
    });
    return [...new Set(lines)];
}

/** Parses `raw` with `schema`, or throws one SpecError listing every issue. */
export function parseInputs<T extends z.ZodType>(schema: T, raw: unknown, component: string): z.infer<T> {
    const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
    if (!parsed.success) {
        throw new SpecError(component, describeIssues(parsed.error.issues, raw));
    }
    return parsed.data;
}

/**
 * Parses `raw` with `schema` and runs `check` (the checks across fields, which push to `problems`) on the result;
 * throws one SpecError with every problem. When some fields do not parse, the checks still run on the others (the
 * bad values removed, a required one replaced by its entry in `substitutes`), so a user fixing the first batch of
 * problems does not get a second; problems the checks report about a substituted field are left out.
 */
export function resolveInputs<T extends z.ZodType, R>(
    schema: T,
    raw: unknown,
    component: string,
    check: (input: z.infer<T>, problems: string[]) => R,
    substitutes: Record<string, unknown> = {},
): R {
    const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
    if (parsed.success) {
        const problems: string[] = [];
        const result = check(parsed.data, problems);
        if (problems.length) throw new SpecError(component, problems);
        return result;
    }
    const problems = describeIssues(parsed.error.issues, raw);
    for (const line of secondRound(schema, raw, check, substitutes, parsed.error.issues)) {
        if (!problems.includes(line)) problems.push(line);
    }
    throw new SpecError(component, problems);
}

/** The checks' problems on `raw` without its unparsable values (none when what is left still does not parse). */
function secondRound<T extends z.ZodType>(
    schema: T,
    raw: unknown,
    check: (input: z.infer<T>, problems: string[]) => unknown,
    substitutes: Record<string, unknown>,
    issues: z.core.$ZodIssue[],
): string[] {
    if (!isPlain(raw)) return [];
    const rest = clonePlain(raw) as Record<string, unknown>;
    const substituted = new Set<string>();
    for (let round = 0; round < 3; round++) {
        for (const issue of issues) {
            const top = issue.path[0];
            if (issue.code === "unrecognized_keys") {
                const holder = valueAt(rest, issue.path);
                if (isPlain(holder)) for (const k of issue.keys) delete holder[k];
            } else if (typeof top === "string" && top in substitutes) {
                rest[top] = substitutes[top];
                substituted.add(top);
            } else if (!removeAt(rest, issue.path)) {
                return [];
            }
        }
        const again = schema.safeParse(rest);
        if (again.success) {
            const problems: string[] = [];
            try {
                check(again.data, problems);
            } catch (e) {
                if (!(e instanceof SpecError)) return [];
                problems.push(...e.problems);
            }
            return problems.filter((p) => !substituted.has(/^[A-Za-z]+/.exec(p)?.[0] ?? ""));
        }
        issues = again.error.issues;
    }
    return [];
}

function clonePlain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(clonePlain);
    if (isPlain(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)]));
    return value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as any)[k as any] : undefined), root);
}

/**
 * Removes the field at `path`, or the whole top-level field when its parent is not an object. False for a bad array
 * element: removing it would shift the indices the checks name other elements by.
 */
function removeAt(root: Record<string, unknown>, path: readonly PropertyKey[]): boolean {
    if (!path.length) return false;
    const parent = valueAt(root, path.slice(0, -1));
    if (Array.isArray(parent)) return false;
    if (isPlain(parent)) delete parent[path[path.length - 1] as string];
    else delete root[path[0] as string];
    return true;
}
