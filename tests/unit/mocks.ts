// Pulumi mocks for the unit tests: servicemesh/testing plays the clusters (Helm releases report a status, reads answer
// like a healthy cluster unless a test says otherwise, the pre-flight reads a mocked snapshot). Every registration is
// recorded, so tests can assert what was (or was not) created.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { SpecError } from "../../provider/spec/inputs";
import { ClusterSnapshot } from "../../provider/preflight/snapshot";
import { MockedResource, ServiceMeshMocks, ServiceMeshMocksOptions, setServiceMeshMocks, settle as settleOutput } from "../../provider/testing";

// The package's own testing helper plays the cluster (servicemesh/testing); these tests only add recording helpers.
export const mocks: ServiceMeshMocks = setServiceMeshMocks({}, "servicemesh", "test");

/** Every registration (and read), as the mocks saw it. */
export const registered: MockedResource[] = mocks.resources;

/** URLs the component fetched a Gateway API manifest from (the mocks serve them). */
export const fetchedManifests: string[] = mocks.fetchedManifests;

/** What the pre-flight reads, when a test needs a snapshot of its own. */
export function emptySnapshot(serverVersion = "v1.30.4"): ClusterSnapshot {
    return { serverVersion, nodes: [], apiGroups: [], helmReleases: [], objects: [], unread: [] };
}

/** additionalSecretOutputs of each resource created or read, by resource name (see recordSecretOutputs). */
export const secretOutputs: Record<string, string[] | undefined> = {};

/** A transformation that records additionalSecretOutputs, which mocks do not apply themselves. */
export function recordSecretOutputs(a: pulumi.ResourceTransformationArgs): undefined {
    secretOutputs[a.name] = (a.opts as pulumi.CustomResourceOptions).additionalSecretOutputs;
    return undefined;
}

/** Healthy clusters again, nothing registered. */
export function resetMocks(): void {
    mockClusters({});
}

/** Nothing registered, clusters that behave as `options` say. */
export function mockClusters(options: ServiceMeshMocksOptions): void {
    mocks.reset(options);
    Object.keys(secretOutputs).forEach((k) => delete secretOutputs[k]);
}

/**
 * Resolves an Output in a test, or fails at once with what stopped the program (servicemesh/testing's settle). Without
 * its end-of-program checks: tests here share `clusters` options while each builds only some of those clusters.
 */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return settleOutput(output, { verify: false }) as Promise<T>;
}

/** Waits until every registration that was started has been recorded. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
        await new Promise((r) => setImmediate(r));
    }
}

/**
 * Asserts that `construct` throws a SpecError listing `problem` (and naming `component` when given), and that nothing
 * at all was registered.
 */
export async function expectRejected(construct: () => unknown, problem: string, component?: string): Promise<void> {
    let error: unknown;
    try {
        construct();
    } catch (e) {
        error = e;
    }
    expect(error).to.be.instanceOf(SpecError);
    expect((error as SpecError).problems).to.include(problem);
    if (component) {
        expect((error as Error).message).to.contain(component);
    }
    await settle();
    expect(registered).to.deep.equal([]);
}
