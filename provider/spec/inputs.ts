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

/** Renders a zod issue as `field: problem (got value)`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.length ? issue.path.map(String).join(".") : "(inputs)";
    if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => `"${k}"`).join(", ");
        return `${field === "(inputs)" ? "" : field + ": "}unknown field ${keys}; check the spelling against the documented inputs`;
    }
    const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
    return `${field}: ${issue.message}${got}`;
}

/** Parses `raw` with `schema`, or throws one SpecError listing every issue. */
export function parseInputs<T extends z.ZodType>(schema: T, raw: unknown, component: string): z.infer<T> {
    const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
    if (!parsed.success) {
        throw new SpecError(component, parsed.error.issues.map(describeIssue));
    }
    return parsed.data;
}
