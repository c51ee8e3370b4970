// The pre-flight of a ServiceMeshController: reads the cluster (read-only), decides with the pure checks, and either
// refuses the update before any child is registered or returns what the install needs (the platform). Under
// onConflict Force, and only in a real update, it releases same-named Helm releases for takeover (takeover.ts).
import * as pulumi from "@pulumi/pulumi";
import { Refusal } from "../spec/inputs";
import { ControllerSpec } from "../spec/validate";
import { Ownership, conflictProblem, scanConflicts } from "./conflicts";
import { KubeConnection, connectionFrom, kubeGet, kubeconfigText } from "./kube";
import { PlatformName, detectPlatform } from "./platform";
import { ClusterSnapshot, ObjectRef, readSnapshot } from "./snapshot";
import { Bundle } from "../gatewayapi/bundle";
import { GatewayApiPlan, decideGatewayApi } from "./gatewayapi";
import { Finding, kubernetesSupport, versionStep } from "./support";
import { releaseForTakeover } from "./takeover";
import { trustFindings } from "./trust";

/** Raised when the pre-flight refuses an update; nothing was changed. */
export class PreflightError extends Refusal {
    constructor(
        readonly component: string,
        readonly problems: string[],
    ) {
        super(`pre-flight checks of ${component} refused the update; nothing was changed:\n  - ${problems.join("\n  - ")}`);
        this.name = "PreflightError";
    }
}

/** How the pre-flight reaches a cluster; replaced in unit tests. */
export interface ClusterAccessor {
    describe: string;
    snapshot(installNamespace: string, gatewayApi: ObjectRef[]): Promise<ClusterSnapshot>;
    takeOver(namespace: string, release: string, owner: string): Promise<void>;
}

export type Connector = (kubeconfig: string | undefined, context: string | undefined) => ClusterAccessor | undefined;

export const httpConnector: Connector = (kubeconfig, context) => {
    const source = kubeconfigText(kubeconfig);
    if (!source) {
        return undefined;
    }
    const conn: KubeConnection = connectionFrom(source.text, source.dir, context);
    return {
        describe: conn.describe,
        snapshot: (ns, gatewayApi) => readSnapshot(kubeGet(conn), ns, gatewayApi),
        takeOver: (ns, release, owner) => releaseForTakeover(conn, ns, release, owner),
    };
};

let connector: Connector = httpConnector;

/** Unit tests play the cluster through this. */
export function useConnector(c: Connector): void {
    connector = c;
}

/** Cluster access as the component knows it: its inputs, or "opaque" when a provider object was passed in. */
export type Access = { kubeconfig?: pulumi.Input<string>; context?: pulumi.Input<string> } | "opaque";

export interface PreflightRequest {
    label: string;
    spec: ControllerSpec;
    ownership: Ownership;
    access: Access;
    dryRun: boolean;
    /** The Gateway API bundle to apply; undefined when gatewayApi.install is false. */
    gatewayApi?: Bundle;
    log: (level: "info" | "warn", message: string) => void;
    /** The cacerts the update will write, checked against the deployed Secret. */
    cacerts?: pulumi.Input<{ rootCertPem: string; caCertPem: string }>;
    /** Told what the cluster's cacerts Secret holds once read ("unread" when the cluster could not be read). */
    onDeployedCacerts?: (deployed: ClusterSnapshot["cacerts"] | "unread") => void;
}

export interface PreflightResult {
    platform: PlatformName;
    /** What to do with the Gateway API bundle; undefined when it is not installed. */
    gatewayApi?: GatewayApiPlan;
}

/** Without a cluster to read, the bundle is applied as to an empty cluster (creating an existing object then fails alone). */
function unchecked(req: PreflightRequest, platform: PlatformName): PreflightResult {
    return { platform, gatewayApi: req.gatewayApi && decideGatewayApi(req.gatewayApi, [], req.ownership.owner) };
}

/**
 * An Input's value (nested Outputs resolved), or undefined when it is not known yet (preview of a cluster that does
 * not exist yet). isKnown and promise() are not in the SDK's type declarations.
 */
export async function known<T>(value: pulumi.Input<T> | undefined): Promise<{ value?: T; unknown: boolean }> {
    if (value === undefined) {
        return { unknown: false };
    }
    const out = pulumi.output(value) as pulumi.Output<T> & { isKnown: Promise<boolean>; promise(): Promise<T> };
    return (await out.isKnown) ? { value: await out.promise(), unknown: false } : { unknown: true };
}

async function connect(req: PreflightRequest): Promise<ClusterAccessor | string> {
    if (req.access === "opaque") {
        return "the cluster is reached through a provider resource option whose kubeconfig the component cannot read; pass kubeconfig/context to have it checked";
    }
    const [kubeconfig, context] = [await known(req.access.kubeconfig), await known(req.access.context)];
    if (kubeconfig.unknown || context.unknown) {
        return "the kubeconfig is not known yet (it comes from a resource that is not created yet)";
    }
    try {
        return connector(kubeconfig.value, context.value) ?? "no kubeconfig was given and none was found ($KUBECONFIG, ~/.kube/config)";
    } catch (e) {
        return `the kubeconfig cannot be used (${(e as Error).message})`;
    }
}

export async function runPreflight(req: PreflightRequest): Promise<PreflightResult> {
    const { spec, label } = req;
    const accessor = await connect(req);
    const chosen = spec.platform;
    if (typeof accessor === "string") {
        req.onDeployedCacerts?.("unread");
        req.log("info", `${label}: pre-flight checks skipped: ${accessor}; platform ${chosen ?? "Generic"}`);
        return unchecked(req, chosen ?? "Generic");
    }
    let snapshot: ClusterSnapshot;
    try {
        const refs = (req.gatewayApi?.objects ?? []).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
        snapshot = await accessor.snapshot(spec.installNamespace, refs);
    } catch (e) {
        req.onDeployedCacerts?.("unread");
        req.log("warn", `${label}: pre-flight checks skipped: cannot read ${accessor.describe}: ${(e as Error).message}`);
        return unchecked(req, chosen ?? "Generic");
    }
    req.onDeployedCacerts?.(snapshot.cacerts);
    const requestedCacerts = await known(req.cacerts);
    const detected = detectPlatform(snapshot);
    const scan = scanConflicts(snapshot, req.ownership);
    const findings: Finding[] = [
        kubernetesSupport(spec.version, snapshot.serverVersion),
        scan.deployed && versionStep(scan.deployed.version, spec.version, spec.allowVersionSkew, scan.deployed.source),
        ...(requestedCacerts.value ? trustFindings(spec, requestedCacerts.value, snapshot.cacerts) : []),
    ].filter((f): f is Finding => !!f);
    const conflict = conflictProblem(scan.conflicts, spec.onConflict, spec.installNamespace);
    const gatewayApi = req.gatewayApi && decideGatewayApi(req.gatewayApi, snapshot.gatewayApi ?? [], req.ownership.owner);
    const problems = [
        ...findings.filter((f) => f.level === "error").map((f) => f.message),
        ...(conflict ? [conflict] : []),
        ...(gatewayApi?.error ? [gatewayApi.error] : []),
    ];
    for (const f of findings.filter((f) => f.level !== "error")) {
        req.log(f.level === "warning" ? "warn" : "info", `${label}: ${f.message}`);
    }
    if (snapshot.unread.length) {
        req.log("warn", `${label}: pre-flight could not read ${snapshot.unread.join(", ")}; installs found there were not checked`);
    }
    if (problems.length) {
        throw new PreflightError(label, problems);
    }
    for (const c of scan.conflicts.filter((c) => c.adopt)) {
        if (req.dryRun) {
            req.log("warn", `${label}: onConflict Force: the update will take over ${c.what}`);
        } else {
            await accessor.takeOver(c.adopt!.namespace, c.adopt!.name, req.ownership.owner);
            req.log("warn", `${label}: onConflict Force: took over ${c.what}; the release is upgraded to this spec next`);
        }
    }
    if (gatewayApi) {
        req.log("info", `${label}: ${gatewayApi.message}`);
    }
    const platform = chosen ?? detected.platform;
    req.log("info", `${label}: pre-flight passed on ${accessor.describe}: Kubernetes ${snapshot.serverVersion}, platform ${platform} (${chosen ? "the platform input" : `detected: ${detected.evidence}`})`);
    return { platform, gatewayApi };
}
