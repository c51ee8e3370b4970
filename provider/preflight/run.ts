// The pre-flight of a ServiceMeshController: reads the cluster (read-only), decides with the pure checks, and either
// refuses the update before any child is registered or returns what the install needs (the platform). Under
// onConflict Force, and only in a real update, it releases same-named Helm releases for takeover (takeover.ts).
import * as pulumi from "@pulumi/pulumi";
import { Refusal, SpecError } from "../spec/inputs";
import { ControllerSpec } from "../spec/validate";
import { Ownership, conflictProblem, scanConflicts } from "./conflicts";
import { KubeConnection, MissingKubeconfig, connectionFrom, kubeGet, kubeconfigText } from "./kube";
import { PlatformName, detectPlatform } from "./platform";
import { ClusterSnapshot, ObjectRef, RepositorySecret, readSnapshot } from "./snapshot";
import { Bundle } from "../gatewayapi/bundle";
import { GatewayApiPlan, decideGatewayApi } from "./gatewayapi";
import { Finding, kubernetesSupport, versionStep } from "./support";
import { IstioVersion } from "../spec/versions";
import { releaseForTakeover } from "./takeover";
import { exposureFor } from "../render/eastwest";
import { trustFindings } from "./trust";
import { DEFAULT_REVISION, RevisionDecision, deployedRevisions, deployedTags, planRevisions, planWayBack } from "../render/revisions";

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
    /** `secrets`: repository Secrets to read too (ClusterSnapshot.repositorySecrets). */
    snapshot(installNamespace: string, gatewayApi: ObjectRef[], revisions?: boolean, secrets?: { namespace: string; name: string }[]): Promise<ClusterSnapshot>;
    takeOver(namespace: string, release: string, owner: string): Promise<void>;
}

/** Whom the pre-flight reads a cluster for: the Istio version requested and the cluster's name (multicluster members). */
export interface PreflightTarget {
    istio: IstioVersion;
    cluster?: string;
}

/** `target` serves doubles only (servicemesh/testing answers per cluster name, with a Kubernetes version `istio` supports). */
export type Connector = (kubeconfig: string | undefined, context: string | undefined, target: PreflightTarget) => ClusterAccessor | undefined;

export const httpConnector: Connector = (kubeconfig, context) => {
    const source = kubeconfigText(kubeconfig);
    if (!source) {
        return undefined;
    }
    const conn: KubeConnection = connectionFrom(source.text, source.dir, context);
    return {
        describe: conn.describe,
        snapshot: (ns, gatewayApi, revisions, secrets) => readSnapshot(kubeGet(conn), ns, gatewayApi, revisions, secrets),
        takeOver: (ns, release, owner) => releaseForTakeover(conn, ns, release, owner),
    };
};

let connector: Connector = httpConnector;

/** Unit tests play the cluster through this; returns the connector it replaces. */
export function useConnector(c: Connector): Connector {
    const previous = connector;
    connector = c;
    return previous;
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
    /** upgradeStrategy RevisionBased: the revisions and tags the update keeps, installs and removes. */
    revisions?: RevisionDecision;
    /** What to do with the Gateway API bundle; undefined when it is not installed. */
    gatewayApi?: GatewayApiPlan;
    /** repository.secrets as the pre-flight read them; undefined when it did not (the engine reads them then). */
    repositorySecrets?: RepositorySecret[];
}

/** Without a cluster to read, the bundle is applied as to an empty cluster (creating an existing object then fails alone). */
function unchecked(req: PreflightRequest, platform: PlatformName, why: string, notKnownYet: boolean): PreflightResult {
    if (req.spec.upgrade.strategy === "RevisionBased") {
        // Which revisions pods use decides what is removed: without reading the cluster, only a cluster that does not
        // exist yet (its kubeconfig comes from a resource still to be created) can be planned, as an empty one.
        if (!notKnownYet) {
            throw new PreflightError(req.label, [
                `upgradeStrategy: RevisionBased must read the cluster to know which istiod revisions pods use, but ${why} (got "RevisionBased"); allowed: kubeconfig or context the component can read, or upgradeStrategy: InPlace`,
            ]);
        }
        return { platform, gatewayApi: req.gatewayApi && decideGatewayApi(req.gatewayApi, [], req.ownership.owner), revisions: planRevisions(req.spec, [], undefined, {}, new Date()) };
    }
    return { platform, gatewayApi: req.gatewayApi && decideGatewayApi(req.gatewayApi, [], req.ownership.owner) };
}

/** RevisionBased: the decision on revisions and tags; InPlace: the way back while revisions remain (planWayBack). */
function revisionFindings(req: PreflightRequest, snapshot: ClusterSnapshot): { decision?: RevisionDecision; problems: string[]; notes: string[] } {
    const { spec } = req;
    const deployed = deployedRevisions(snapshot.helmReleases, spec.installNamespace);
    const tags = deployedTags(snapshot, spec.installNamespace);
    if (spec.upgrade.strategy !== "RevisionBased") {
        return planWayBack(spec, deployed, snapshot.revisions, tags, new Date());
    }
    const decision = planRevisions(spec, deployed, snapshot.revisions, tags, new Date());
    return { decision, problems: decision.problems, notes: decision.notes };
}

/** Whether an InPlace update meets revisions of an earlier RevisionBased, whose users the pre-flight then reads too. */
function revisionsLeft(spec: ControllerSpec, snapshot: ClusterSnapshot): boolean {
    return deployedRevisions(snapshot.helmReleases, spec.installNamespace).some((d) => d.name !== DEFAULT_REVISION);
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
        return connector(kubeconfig.value, context.value, { istio: req.spec.version, cluster: req.spec.cluster }) ?? "no kubeconfig was given and none was found ($KUBECONFIG, ~/.kube/config)";
    } catch (e) {
        if (e instanceof MissingKubeconfig) {
            throw new SpecError(req.label, [`kubeconfig: the file "${e.file}" does not exist; allowed: the path of an existing kubeconfig file, or the kubeconfig's content`]);
        }
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
        return unchecked(req, chosen ?? "Generic", accessor, accessor.includes("not known yet"));
    }
    let snapshot: ClusterSnapshot;
    try {
        const refs = (req.gatewayApi?.objects ?? []).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
        const secrets = spec.repository.secrets;
        snapshot = await accessor.snapshot(spec.installNamespace, refs, spec.upgrade.strategy === "RevisionBased", secrets);
        if (!snapshot.revisions && revisionsLeft(spec, snapshot)) {
            snapshot = await accessor.snapshot(spec.installNamespace, refs, true, secrets);
        }
    } catch (e) {
        req.onDeployedCacerts?.("unread");
        req.log("warn", `${label}: pre-flight checks skipped: cannot read ${accessor.describe}: ${(e as Error).message}`);
        return unchecked(req, chosen ?? "Generic", `${accessor.describe} cannot be read (${(e as Error).message})`, false);
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
    const platform = chosen ?? detected.platform;
    // The east-west exposure needs the platform: a refusal joins the cluster's other findings.
    const exposure = spec.eastWest && exposureFor(spec.eastWest, platform).problem;
    const revisions = revisionFindings(req, snapshot);
    const problems = [
        ...findings.filter((f) => f.level === "error").map((f) => f.message),
        ...(conflict ? [conflict] : []),
        ...(gatewayApi?.error ? [gatewayApi.error] : []),
        ...(exposure ? [exposure] : []),
        ...revisions.problems,
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
    for (const note of revisions.notes) {
        req.log("warn", `${label}: ${note}`);
    }
    req.log("info", `${label}: pre-flight passed on ${accessor.describe}: Kubernetes ${snapshot.serverVersion}, platform ${platform} (${chosen ? "the platform input" : `detected: ${detected.evidence}`})`);
    return { platform, gatewayApi, revisions: revisions.decision, repositorySecrets: snapshot.repositorySecrets };
}
