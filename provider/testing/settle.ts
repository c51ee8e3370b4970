// Awaiting a program's outputs in a test: the value, or the failure that stopped the program, at once. An Output's
// `apply` never runs when the program fails (a refused input, pre-flight or version), so a test waiting on it hangs
// until its runner's timeout with no message; `pulumi up` reports such a failure, and so do these helpers.
import * as pulumi from "@pulumi/pulumi";

/** What the helpers watch besides the value: the mocks' activity, failures and end-of-program checks. */
export interface Watched {
    /** Grows with every answer the mocks give (registrations, reads, pre-flights, downloads). */
    readonly activity: number;
    /** Failures the mocks raised since the last reset (e.g. a read of an object the mocked cluster lacks). */
    readonly failures: readonly Error[];
    /** Throws when the options asked for something the program never reached (see ServiceMeshMocks.verify). */
    verify(): void;
}

let watched: Watched | undefined;

/** The mocks settle and settled check (setServiceMeshMocks and useServiceMeshPreflight set them). */
export function watch(mocks: Watched): void {
    watched = mocks;
}

/** The program is over when the mocks have answered nothing new for this many turns of the event loop. */
const QUIET_TURNS = 5;
const MAX_TURNS = 1000;

async function quiet(): Promise<void> {
    let last = -1;
    let still = 0;
    for (let turn = 0; turn < MAX_TURNS && still < QUIET_TURNS; turn++) {
        await new Promise((r) => setImmediate(r));
        const now = watched?.activity ?? 0;
        still = now === last ? still + 1 : 0;
        last = now;
    }
}

/**
 * The value of `output` once known (undefined when it stays unknown, as in a preview), or a rejection with the error
 * that stopped the program: the component's refusal (input, pre-flight, version), a registration that failed (the
 * unhandled rejection `pulumi up` would report), or a failure of the mocks; its message is the component's own, without
 * the `error serializing property "…": ` prefix Pulumi puts on it. Once the value is known and the program has gone
 * quiet, the mocks' end-of-program checks run (`ServiceMeshMocks.verify`: an option key no cluster reached).
 */
export function settle<T>(output: pulumi.Input<T>, options: SettleOptions = {}): Promise<pulumi.Unwrap<T>> {
    const out = pulumi.output(output) as unknown as { promise(): Promise<pulumi.Unwrap<T>> };
    let onUnhandled: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
        onUnhandled = (reason) => void (isReported(reason) || reject(reason));
        const seen = unreported();
        if (seen) reject(seen);
    });
    process.on("unhandledRejection", onUnhandled);
    const value = (async () => {
        const v = await out.promise();
        if (options.verify !== false) {
            await quiet();
            const late = unreported();
            if (late) throw late;
            watched?.verify();
        }
        return v;
    })();
    return Promise.race([value, failed])
        .catch((e) => Promise.reject(reported(undecorated(e))))
        .finally(() => process.off("unhandledRejection", onUnhandled));
}

// Errors a settle already failed with: Pulumi raises one failure from each of its awaiters, so the same error can come
// again, unhandled, while a later settle waits.
const alreadyReported = new WeakSet<object>();

function reported(e: unknown): unknown {
    if (typeof e === "object" && e !== null) alreadyReported.add(e);
    return e;
}

/** The first failure of the mocks no settle has failed with yet. */
function unreported(): Error | undefined {
    return watched?.failures.find((f) => !isReported(f));
}

function isReported(e: unknown): boolean {
    return typeof e === "object" && e !== null && alreadyReported.has(e);
}

/**
 * The error with the component's own message: Pulumi prefixes the message of an error it meets serializing a
 * resource's outputs (`error serializing property "outputs": `), in place, so the refusal a test awaits may carry it.
 */
function undecorated(e: unknown): unknown {
    if (e instanceof Error) {
        e.message = e.message.replace(/^(error serializing property "[^"]*": )+/, "");
    }
    return e;
}

export interface SettleOptions {
    /**
     * false: resolve as soon as the value is known, skipping the wait for the program to go quiet and the mocks'
     * end-of-program checks (`ServiceMeshMocks.verify`), e.g. for tests that share `clusters` options while each
     * builds only some of those clusters. Default true.
     */
    verify?: boolean;
}

/** A resource's outputs as plain values (`urn` aside), by property name. */
export type Settled<R> = {
    [K in keyof R as K extends "urn" ? never : R[K] extends pulumi.Output<any> ? K : never]: R[K] extends pulumi.Output<infer U> ? U : never;
};

/**
 * Every output of `resource` (e.g. a MultiClusterMesh: phase, clusters, links...) once known, or a rejection with the
 * first error, as `settle` does: `const { phase, clusters } = await settled(mesh)`.
 */
export async function settled<R extends pulumi.Resource>(resource: R, options: SettleOptions = {}): Promise<Settled<R>> {
    const props = resource as unknown as Record<string, pulumi.Output<unknown>>;
    const names = Object.keys(props).filter((k) => k !== "urn" && pulumi.Output.isInstance(props[k]));
    const values = await settle(pulumi.all(names.map((k) => props[k])), options);
    return Object.fromEntries(names.map((k, i) => [k, (values as unknown[])[i]])) as Settled<R>;
}
