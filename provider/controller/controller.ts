// The ServiceMeshController component: validates its inputs, then wires the namespace, Gateway API CRDs, Helm
// releases and readiness reads on one cluster. Values and the release plan come from ../render (pure); conditions
// from ../readiness.
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSources } from "../charts/source";
import { Bundle } from "../gatewayapi/bundle";
import { isUrl, loadBundle, readLocalManifest } from "../gatewayapi/manifest";
import { applyGatewayApi } from "../gatewayapi/resources";
import { GatewayApiPlan } from "../preflight/gatewayapi";
import { accessFor, accessProblems, hasKubernetesProviderOption, providerFor } from "../cluster/provider";
import { pullSecretReads } from "../cluster/secrets";
import { OWNER_ANNOTATION } from "../preflight/conflicts";
import { PreflightResult, known, runPreflight } from "../preflight/run";
import { computeConditions, computePhase } from "../readiness/conditions";
import { observeCluster } from "../readiness/observe";
import { EastWestObserved, EastWestTarget, observeEastWest } from "../readiness/eastwest";
import { EASTWEST_PARAMETERS_NAME, Exposure, annotationsMakeInternal, eastWestGatewayManifest, eastWestParameters, exposureFor } from "../render/eastwest";
import { chartOverride, checkOverrides, ignoredOverrides, isPlainObject, mergeValues, overridesShapeProblems } from "../render/overrides";
import { ChartName, ReleasePlan, chartVersion, namespaceLabels, planReleases } from "../render/releases";
import { revisionSource } from "./revisions";
import { withTrustValues } from "../render/trust";
import { HelmValues, LICENSE_SECRET } from "../render/values";
import { checkCacerts, splitPemCertificates } from "../trust/pki";
import { TrustState, readableTrust } from "../trust/stages";
import { rotationRefusal } from "../trust/support";
import { ClusterSnapshot } from "../preflight/snapshot";
import { ControllerSpec, SpecError, resolveControllerSpec } from "../spec/validate";
import { NEWEST_KNOWN_MINOR } from "../spec/versions";
import { meshPeerOf } from "../link/peer";
import { DEFAULT_REVISION, DEFAULT_TAG, RevisionDecision, revisionRelease, tagWebhookName } from "../render/revisions";
import { observeRevisions, revisionsPhase } from "../readiness/revisions";
import { installRevisionState, installRevisionTags } from "./revisions";
import {
    AppliedValues,
    Condition,
    EastWestGatewayState,
    GatewayApiState,
    MeshPeer,
    Phase,
    ReleaseState,
    RevisionState,
    RevisionTagState,
    ServiceMeshControllerArgs,
} from "./args";

export const SERVICE_MESH_CONTROLLER_TYPE = "servicemesh:index:ServiceMeshController";

/** Helm post-renderer that lets `helm uninstall` delete the Istio CRDs (removeCrdsOnDelete). */
const DROP_CRD_KEEP = path.join(__dirname, "..", "render", "drop-crd-keep.js");

/** What install() registered, as the component's outputs. */
interface Installed {
    conditions: pulumi.Output<Condition[]>;
    phase: pulumi.Output<Phase>;
    releases: pulumi.Output<ReleaseState[]>;
    eastWestAddress: pulumi.Output<string>;
    eastWest: pulumi.Output<EastWestGatewayState | undefined>;
    gatewayApi: GatewayApiState;
    revisions: pulumi.Output<RevisionState[]>;
    revisionTags: RevisionTagState[];
    /** Kept apart from the other outputs: it may be a secret, which must not make them secret too. */
    appliedValues: pulumi.Output<AppliedValues[]>;
    /** What a peer Gateway sent from this cluster needs: the active istiod, the east-west namespace, the Gateway API CRDs. */
    linkNeeds: pulumi.Resource[];
    /** What a peer Gateway sent to this cluster points at (its east-west gateway's address, type and ports). */
    linkTarget: pulumi.Output<EastWestTarget> | undefined;
}

// Resolves once a component has registered all its descendants (a controller registers its children after its
// pre-flight, or not at all when it refused; a mesh, once its controllers have): dependents that must wait for them
// (links) cannot rely on dependsOn alone, which expands a component to the children it has at the time. Kept out of
// the classes: every class property becomes a schema output.
const registrations = new WeakMap<pulumi.Resource, Promise<void>>();

export function childrenRegistered(component: pulumi.Resource): Promise<void> {
    return registrations.get(component) ?? Promise.resolve();
}

export function registersChildrenLate(component: pulumi.Resource, done: Promise<unknown>): void {
    registrations.set(component, done.then(() => undefined, () => undefined));
}

// What a link sent from a controller's cluster must wait for (linkNeedsOf), instead of the whole controller: its
// readiness reads and east-west gateway are not needed to create a peer Gateway, and waiting for them put the slowest
// controller on the path of each of its links. Undefined when the controller refused (it registered nothing).
const linkNeeds = new WeakMap<pulumi.Resource, Promise<pulumi.Resource[] | undefined>>();

export function linkNeedsOf(controller: ServiceMeshController): Promise<pulumi.Resource[] | undefined> {
    return linkNeeds.get(controller) ?? Promise.resolve(undefined);
}

// What a link sent to a controller's cluster points at: read from its east-west Gateway alone (and its Service for a
// NodePort gateway), so a link does not wait for the whole east-west state (the Deployment's replicas).
// A refused controller rejects it with its refusal, as it does its outputs.
const linkTargets = new WeakMap<pulumi.Resource, Promise<pulumi.Output<EastWestTarget> | undefined>>();

export function linkTargetOf(controller: ServiceMeshController): pulumi.Output<EastWestTarget | undefined> {
    return pulumi.output(linkTargets.get(controller) ?? undefined);
}

/** What the controller's pre-flight found in the cluster's cacerts Secret ("unread" when it could not read it). */
export type DeployedCacerts = ClusterSnapshot["cacerts"] | "unread";
const deployedCacerts = new WeakMap<ServiceMeshController, Promise<DeployedCacerts>>();

/** Resolves once the pre-flight has read (or failed to read) the cluster, before it waits for its own cacerts. */
export function deployedCacertsOf(controller: ServiceMeshController): Promise<DeployedCacerts> {
    return deployedCacerts.get(controller) ?? Promise.resolve("unread");
}

/**
 * An Istio service mesh (ambient or sidecar) on one Kubernetes cluster, installed from the Solo distribution's Helm
 * charts the way the Gloo operator's ServiceMeshController resource describes it, with the operator's readiness
 * conditions and phase as outputs.
 */
export class ServiceMeshController extends pulumi.ComponentResource {
    /** Readiness conditions (Initialized, CRDInstalled, ControlPlaneDeployed, CNIDeployed, ZtunnelDeployed, WebhookDeployed, Ready), read from the cluster after the releases completed. */
    public readonly conditions!: pulumi.Output<Condition[]>;
    /** `SUCCEEDED` when every condition is True, `FAILED` when a Helm release failed, otherwise `PENDING`. */
    public readonly phase!: pulumi.Output<Phase>;
    /** The Istio version installed. */
    public readonly version!: pulumi.Output<string>;
    /** The resolved trust domain. */
    public readonly trustDomain!: pulumi.Output<string>;
    /** The cluster name given (empty when unset). */
    public readonly cluster!: pulumi.Output<string>;
    /** The network given (empty when unset). */
    public readonly network!: pulumi.Output<string>;
    /** The namespace the mesh is installed in. */
    public readonly installNamespace!: pulumi.Output<string>;
    /** The state of each Helm release, as Helm reports it. */
    public readonly releases!: pulumi.Output<ReleaseState[]>;
    /** The address of the east-west gateway (empty when this is not a multicluster member). */
    public readonly eastWestAddress!: pulumi.Output<string>;
    /** The east-west gateway as read from the cluster: exposure, address, ports, replicas ready (unset when not a member). */
    public readonly eastWest!: pulumi.Output<EastWestGatewayState | undefined>;
    /**
     * What this member publishes for the clusters that link to it (unset without an east-west gateway): export it and
     * hand it, read through a StackReference, to another stack's `ClusterLink.to` as is.
     */
    public readonly peer!: pulumi.Output<MeshPeer | undefined>;
    /** The Gateway API bundle in force on the cluster after the update, and whether this component manages it. */
    public readonly gatewayApi!: pulumi.Output<GatewayApiState>;
    /** The revision `version` installs: `1-31-1` (RevisionBased), `default` (InPlace). */
    public readonly activeRevision!: pulumi.Output<string>;
    /** RevisionBased: every istiod revision on the cluster after the update, with its readiness and users (empty for InPlace). */
    public readonly revisions!: pulumi.Output<RevisionState[]>;
    /** RevisionBased: where each revision tag points (empty for InPlace). */
    public readonly revisionTags!: pulumi.Output<RevisionTagState[]>;
    /**
     * Per release, in install order: the Helm values the component applied (its computed values with the `values`
     * overrides merged over them; chart defaults aside). A secret as a whole when any of them holds a secret.
     */
    public readonly appliedValues!: pulumi.Output<AppliedValues[]>;

    constructor(name: string, args: ServiceMeshControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: a rejected input creates nothing, not even this component.
        const label = `ServiceMeshController "${name}"`;
        const spec = resolveControllerSpec(args, label);
        const access = accessProblems(args, hasKubernetesProviderOption(opts), "the cluster");
        if (access.length) {
            throw new SpecError(label, access);
        }
        const gatewayApiYaml = readGatewayApiFile(spec, label);
        super(SERVICE_MESH_CONTROLLER_TYPE, name, {}, opts);
        if (!spec.minorKnown) {
            pulumi.log.warn(
                `${label}: Istio ${spec.versionText} is newer than the minors this component was tested with (up to 1.${NEWEST_KNOWN_MINOR}); it is installed like 1.${NEWEST_KNOWN_MINOR} from ${spec.repository.url}, without a Kubernetes support check`,
                this,
            );
        }
        if (spec.repository.insecureSkipVerify) {
            pulumi.log.warn(`${label}: repository.insecureSkipVerify is true: the certificate of ${spec.repository.url} is not verified`, this);
        }

        // Children are registered only once the pre-flight passed, so a refused update changes nothing in the cluster.
        const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
        let tellDeployed: (d: DeployedCacerts) => void = () => undefined;
        deployedCacerts.set(this, new Promise((resolve) => (tellDeployed = resolve)));
        const bundle = spec.gatewayApi.install
            ? loadBundle(spec.gatewayApi.manifest, gatewayApiYaml).catch((e: Error) => {
                  throw new SpecError(label, [`gatewayApi.manifest: ${e.message}`]);
              })
            : Promise.resolve(undefined);
        const installed = Promise.all([this.checkValues(args, spec, label), bundle]).then(([, gatewayApi]) =>
            runPreflight({
                cacerts: args.cacerts === undefined ? undefined : pulumi.output(args.cacerts),
                onDeployedCacerts: tellDeployed,
                label,
                spec,
                ownership: { installNamespace: spec.installNamespace, owner, releases: Object.fromEntries(planReleases(spec).map((p) => [p.name, p.chart])), revisions: true },
                access: accessFor(args, opts),
                dryRun: pulumi.runtime.isDryRun(),
                gatewayApi,
                log: (level, message) => pulumi.log[level](message, this),
            }).then((result) => this.install(name, { ...spec, platform: result.platform }, args, label, owner, gatewayApi, result)),
        );
        registersChildrenLate(this, installed);
        linkNeeds.set(this, installed.then((i) => i.linkNeeds, () => undefined));
        const linkTarget = installed.then((i) => i.linkTarget);
        linkTarget.catch(() => undefined);
        linkTargets.set(this, linkTarget);
        installed.then(() => tellDeployed("unread"), () => tellDeployed("unread"));

        // appliedValues may be a secret: lifted on its own, so that the other outputs stay readable.
        const out = pulumi.output(installed.then(({ appliedValues: _, linkNeeds: __, linkTarget: ___, ...rest }) => rest));
        this.appliedValues = pulumi.output(installed.then((i) => i.appliedValues));
        this.conditions = out.apply((i) => i.conditions);
        this.phase = out.apply((i) => i.phase);
        this.releases = out.apply((i) => i.releases);
        this.eastWestAddress = out.apply((i) => i.eastWestAddress);
        this.eastWest = out.apply((i) => i.eastWest);
        this.gatewayApi = out.apply((i) => i.gatewayApi);
        // The trust of the cacerts given: certificates only, so not secret.
        const trust = args.cacerts === undefined ? undefined : pulumi.unsecret(pulumi.output(args.cacerts).apply((c) => readableTrust(c)));
        const id = { cluster: spec.cluster ?? "", network: spec.network ?? spec.cluster ?? "", trustDomain: spec.trustDomain };
        this.peer = pulumi.all([this.eastWest, trust]).apply(([ew, t]) => (ew ? meshPeerOf(id, ew, t) : undefined));
        this.revisions = out.apply((i) => i.revisions);
        this.revisionTags = out.apply((i) => i.revisionTags);
        this.activeRevision = pulumi.output(spec.upgrade.activeRevision);
        this.version = pulumi.output(spec.versionText);
        this.trustDomain = pulumi.output(spec.trustDomain);
        this.cluster = pulumi.output(spec.cluster ?? "");
        this.network = pulumi.output(spec.network ?? "");
        this.installNamespace = pulumi.output(spec.installNamespace);
        this.registerOutputs({
            eastWestAddress: this.eastWestAddress,
            eastWest: this.eastWest,
            peer: this.peer,
            conditions: this.conditions,
            phase: this.phase,
            version: this.version,
            trustDomain: this.trustDomain,
            cluster: this.cluster,
            network: this.network,
            installNamespace: this.installNamespace,
            releases: this.releases,
            gatewayApi: this.gatewayApi,
            activeRevision: this.activeRevision,
            revisions: this.revisions,
            revisionTags: this.revisionTags,
            appliedValues: this.appliedValues,
        });
    }

    /** Registers the children: namespace, Gateway API CRDs, secrets, Helm releases in plan order, readiness reads. */
    private install(
        name: string,
        spec: ControllerSpec,
        args: ServiceMeshControllerArgs,
        label: string,
        owner: string,
        bundle: Bundle | undefined,
        preflight: PreflightResult,
    ): Installed {
        const { gatewayApi: gatewayApiPlan, revisions: decision, repositorySecrets } = preflight;
        // The east-west exposure depends on the platform: the pre-flight refuses it with its findings; when it was
        // skipped (no readable kubeconfig), here, on the platform input or Generic, before any child is registered.
        const exposure = spec.eastWest && exposureFor(spec.eastWest, spec.platform ?? "Generic");
        if (exposure?.problem) {
            throw new SpecError(label, [exposure.problem]);
        }
        const provider = providerFor(name, args, this);
        const childOpts: pulumi.CustomResourceOptions = { parent: this, ...(provider ? { provider } : {}) };

        const ns = this.createNamespace(name, spec, owner, childOpts);
        const group = `${name}-gateway-api-crds`;
        const applied = bundle && gatewayApiPlan ? applyGatewayApi(group, bundle, gatewayApiPlan, owner, pulumi.createUrn(group, "kubernetes:yaml/v2:ConfigGroup", this), childOpts) : [];
        const gatewayApi = applied.length ? applied : undefined;
        // istiod reads the plug-in CA only at start-up, so these must exist before its release.
        const istiodSecrets = this.installSecrets(name, spec, args, label, ns, childOpts);
        const pullSecrets = pullSecretReads(name, spec, label, childOpts);

        const plan = planReleases(spec, decision);
        // The trust state of the cacerts given (certificates only, so not secret) shapes istiod's and ztunnel's values.
        const trust = args.cacerts === undefined ? undefined : pulumi.unsecret(pulumi.output(args.cacerts).apply((c) => readableTrust(c)));
        const sources = chartSources(name, spec, plan.map((p) => p.chart), chartVersion(spec), childOpts, repositorySecrets);
        const releases: Record<string, k8s.helm.v3.Release> = {};
        const appliedValues: Record<string, pulumi.Input<HelmValues>> = {};
        const installRelease = (entry: ReleasePlan, extra: pulumi.Resource[]) => {
            // A revision of another version (RevisionBased) pulls its own chart version.
            const source = entry.chartVersion === chartVersion(spec) ? sources[entry.chart] : revisionSource(name, spec, entry, decision!, childOpts, repositorySecrets);
            const dependsOn: pulumi.Resource[] = [ns, ...pullSecrets, ...entry.after.filter((r) => releases[r]).map((r) => releases[r]), ...extra];
            if (entry.afterGatewayApi && gatewayApi) {
                dependsOn.push(...gatewayApi);
            }
            if (entry.chart === "istiod") {
                dependsOn.push(...istiodSecrets);
            }
            appliedValues[entry.name] = withOverrides(releaseValues(entry.chart, entry.values, spec, args, trust), chartOverride(args.values, entry.chart));
            releases[entry.name] = new k8s.helm.v3.Release(
                `${name}-${entry.name}`,
                {
                    name: entry.name,
                    namespace: spec.installNamespace,
                    chart: source.chart,
                    version: source.version,
                    repositoryOpts: source.repo ? { repo: source.repo } : undefined,
                    values: appliedValues[entry.name],
                    timeout: spec.timeoutSeconds,
                    createNamespace: false,
                    skipAwait: false,
                    waitForJobs: true,
                    // Force: Helm reuses the name of a release the pre-flight handed over (preflight/takeover.ts).
                    ...(spec.onConflict === "Force" ? { replace: true } : {}),
                    ...(entry.name === "istio-base" && spec.removeCrdsOnDelete ? { postrender: DROP_CRD_KEEP } : {}),
                },
                { ...childOpts, dependsOn },
            );
        };
        for (const entry of plan.filter((p) => !p.afterDefaultTag)) {
            installRelease(entry, []);
        }
        let injector: { name: string; ready: pulumi.Output<unknown> } | undefined;
        if (decision) {
            // The revision-less istiod gives up its injector only once the default tag serves its namespaces (render/releases.ts).
            const tags = installRevisionTags(name, spec, decision, releases, owner, childOpts);
            for (const entry of plan.filter((p) => p.afterDefaultTag)) {
                installRelease(entry, [tags[DEFAULT_TAG]]);
            }
            installRevisionState(name, spec, decision, ns, childOpts);
            if (spec.upgrade.activeRevision === DEFAULT_REVISION) {
                // Back to InPlace: the revision-less istiod injects through the default tag until the revisions are gone.
                injector = { name: tagWebhookName(DEFAULT_TAG, spec.installNamespace), ready: tags[DEFAULT_TAG].metadata };
            }
        }

        const activeIstiod = releases[plan.find((p) => p.chart === "istiod" && (!decision || p.name === revisionRelease(spec.upgrade.activeRevision)))!.name];
        const eastWest = exposure
            ? this.installEastWestGateway(name, spec, label, exposure, [activeIstiod, ...(gatewayApi ?? [])], childOpts)
            : undefined;
        // The class istio-remote is istiod's, the namespace the east-west gateway's; the Gateway kind is the bundle's,
        // which every istiod release waits for (afterGatewayApi), so a link needs no dependency of its own on each of
        // its objects (at n(n-1) links, each dependency is an engine edge and a URN in every link's state).
        const linkNeeds = [activeIstiod, ...(eastWest ? [eastWest.namespace] : [])];

        const observations = observeCluster({
            name,
            spec,
            releases,
            namespacePhase: ns.status.apply((s) => s?.phase),
            gatewayApiApplied: gatewayApi ? pulumi.all(gatewayApi.map((r) => r.urn)) : undefined,
            opts: childOpts,
            revision: decision ? spec.upgrade.activeRevision : undefined,
            injector,
        });
        const revisions = decision ? observeRevisions(name, spec.installNamespace, decision.revisions, releases, childOpts) : pulumi.output([]);
        const summary = `${plan.map((p) => p.name).join(", ")} for Istio ${spec.versionText} (${spec.dataplaneMode})`;
        const conditions = observations.apply((obs) => computeConditions(obs, summary));
        return {
            conditions,
            phase: pulumi.all([conditions, observations, revisions]).apply(([c, obs, revs]) => revisionsPhase(computePhase(c, obs), revs)),
            revisions,
            revisionTags: (decision?.tags ?? []).map((t) => ({ name: t.name, revision: t.revision })),
            releases: pulumi.all(
                plan.map((p) =>
                    releases[p.name].status.apply((s) => ({
                        name: s.name ?? p.name,
                        chart: s.chart ?? p.chart,
                        version: s.version ?? "",
                        status: s.status ?? "unknown",
                        revision: s.revision ?? 0,
                        namespace: s.namespace ?? spec.installNamespace,
                    })),
                ),
            ),
            eastWestAddress: eastWest ? eastWest.observed.target.apply((t) => t.address) : pulumi.output(""),
            eastWest: eastWest?.observed.state ?? pulumi.output(undefined),
            linkNeeds,
            linkTarget: eastWest?.observed.target,
            appliedValues: pulumi.all(plan.map((p) => pulumi.output(appliedValues[p.name]).apply((values): AppliedValues => ({ release: p.name, chart: p.chart, values })))),
            gatewayApi: gatewayApiPlan
                ? { version: gatewayApiPlan.version, channel: gatewayApiPlan.channel, managed: gatewayApiPlan.managed, action: gatewayApiPlan.action }
                : { version: "", channel: "", managed: false, action: "disabled" },
        };
    }

    /**
     * The `values` overrides once known (secrets are known at preview; outputs of resources still to be created are
     * not, and are checked in the update): owned values are refused before anything is registered, or with the
     * escape hatch logged one by one; values the installed minor ignores are logged too.
     */
    private async checkValues(args: ServiceMeshControllerArgs, spec: ControllerSpec, label: string): Promise<void> {
        const { value: values } = await known(args.values);
        if (values === undefined) {
            return;
        }
        const charts = isPlainObject(values) ? values : {};
        const { problems, warnings } = checkOverrides(charts, spec.allowProtectedValueOverrides);
        warnings.push(...ignoredOverrides(charts, spec.version));
        problems.unshift(...overridesShapeProblems(values, planReleases(spec).map((p) => p.chart)));
        if (problems.length) {
            throw new SpecError(label, problems);
        }
        for (const w of warnings) {
            pulumi.log.warn(`${label}: ${w}`, this);
        }
    }

    /** The install namespace: created, or (createNamespace false) an existing one given the network label. */
    private createNamespace(
        name: string,
        spec: ControllerSpec,
        owner: string,
        opts: pulumi.CustomResourceOptions,
    ): k8s.core.v1.Namespace | k8s.core.v1.NamespacePatch {
        // The owner mark tells this component's releases from anyone else's at the next pre-flight (conflicts.ts).
        const metadata = { name: spec.installNamespace, labels: namespaceLabels(spec), annotations: { [OWNER_ANNOTATION]: owner } };
        return spec.createNamespace
            ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata }, opts)
            : new k8s.core.v1.NamespacePatch(`${name}-namespace`, { metadata }, opts);
    }

    /** The `cacerts` plug-in CA Secret and the license Secret, when given. */
    private installSecrets(
        name: string,
        spec: ControllerSpec,
        args: ServiceMeshControllerArgs,
        label: string,
        ns: pulumi.Resource,
        opts: pulumi.CustomResourceOptions,
    ): pulumi.Resource[] {
        const secrets: pulumi.Resource[] = [];
        if (args.cacerts !== undefined) {
            const files = pulumi.secret(
                pulumi.output(args.cacerts).apply((c) => {
                    const problems = checkCacerts(c, "cacerts");
                    const refusal = splitPemCertificates(c.rootCertPem).length > 1 && rotationRefusal(spec.version, spec.dataplaneMode);
                    if (refusal) {
                        problems.push(`cacerts: ${refusal}`);
                    }
                    if (problems.length) {
                        throw new SpecError(label, problems);
                    }
                    return { "ca-cert.pem": c.caCertPem, "ca-key.pem": c.caKeyPem, "root-cert.pem": c.rootCertPem, "cert-chain.pem": c.certChainPem };
                }),
            );
            secrets.push(
                new k8s.core.v1.Secret(
                    `${name}-cacerts`,
                    { metadata: { name: "cacerts", namespace: spec.installNamespace }, type: "Opaque", stringData: files },
                    { ...opts, dependsOn: [ns] },
                ),
            );
        }
        if (spec.license === "secretRef") {
            secrets.push(
                new k8s.core.v1.Secret(
                    `${name}-license`,
                    {
                        metadata: { name: LICENSE_SECRET.name, namespace: spec.installNamespace },
                        type: "Opaque",
                        stringData: { [LICENSE_SECRET.key]: pulumi.secret(args.license!) },
                    },
                    { ...opts, dependsOn: [ns] },
                ),
            );
        }
        if (spec.eastWest && spec.license === "none") {
            pulumi.log.warn(`${label}: no license given; the Solo distribution needs a license for multicluster peering`, this);
        }
        return secrets;
    }

    /**
     * The east-west gateway as the seed shows it, in its own namespace labelled with the network, with the ConfigMap
     * of Deployment/Service/HPA/PDB patches its parametersRef names. istiod generates the gateway's Deployment and
     * Service from them; the update waits until istiod reports the Gateway Programmed (its Service has an address and
     * endpoints), then reads the generated objects back.
     */
    private installEastWestGateway(
        name: string,
        spec: ControllerSpec,
        label: string,
        exposure: Exposure,
        after: pulumi.Resource[],
        opts: pulumi.CustomResourceOptions,
    ): { namespace: k8s.core.v1.Namespace; observed: EastWestObserved } {
        const ew = spec.eastWest!;
        if (exposure.warning) {
            pulumi.log.warn(`${label}: ${exposure.warning}`, this);
        }
        if (!ew.parameters) {
            pulumi.log.warn(
                `${label}: Istio ${spec.versionText} runs the east-west gateway with istiod's defaults (one replica, no PodDisruptionBudget): istiod reads a Gateway's parametersRef from 1.26`,
                this,
            );
        }
        const ns = new k8s.core.v1.Namespace(
            `${name}-eastwest-namespace`,
            { metadata: { name: ew.namespace, labels: namespaceLabels(spec) } },
            opts,
        );
        // istiod renders nothing for a Gateway whose parametersRef names a missing ConfigMap: it goes first.
        const parameters = ew.parameters
            ? [
                  new k8s.core.v1.ConfigMap(
                      `${name}-eastwest-parameters`,
                      { metadata: { name: EASTWEST_PARAMETERS_NAME, namespace: ew.namespace }, data: eastWestParameters(ew) },
                      { ...opts, dependsOn: [ns] },
                  ),
              ]
            : [];
        const manifest = eastWestGatewayManifest(ew, spec.network!, spec.cluster!, exposure.annotations);
        const gateway = new k8s.apiextensions.CustomResource(
            `${name}-eastwest-gateway`,
            {
                ...manifest,
                metadata: {
                    ...manifest.metadata,
                    annotations: { ...manifest.metadata.annotations, "pulumi.com/waitFor": "condition=Programmed", "pulumi.com/timeoutSeconds": String(spec.timeoutSeconds) },
                },
            },
            { ...opts, dependsOn: [ns, ...parameters, ...after] },
        );
        const shown = ew.serviceType === "NodePort" ? "NodePort" : ew.exposure === "Internal" || annotationsMakeInternal(ew.annotations) ? "Internal" : "Public";
        return { namespace: ns, observed: observeEastWest(name, ew, shown, gateway, opts) };
    }
}

/** A release's values: the plan's, plus what the trust state adds (render/trust.ts) and istiod 1.24's license env. */
function releaseValues(
    release: ChartName,
    values: HelmValues,
    spec: ControllerSpec,
    args: ServiceMeshControllerArgs,
    trust: pulumi.Output<TrustState | undefined> | undefined,
): pulumi.Input<HelmValues> {
    const license = (v: HelmValues) => (release === "istiod" && spec.license === "env" ? withLicenseEnv(v, args.license!) : v);
    if (!trust || (release !== "istiod" && release !== "ztunnel")) {
        return license(values);
    }
    return trust.apply((state) => license(state ? withTrustValues(release, values, state) : values)) as pulumi.Output<HelmValues>;
}

/** A release's values with the user's overrides of its chart merged over them (render/overrides.ts); secrets stay secret. */
function withOverrides(values: pulumi.Input<HelmValues>, override: pulumi.Input<HelmValues> | undefined): pulumi.Input<HelmValues> {
    if (override === undefined) {
        return values;
    }
    return pulumi.all([values, override]).apply(([v, o]) => (isPlainObject(o) ? mergeValues(v as HelmValues, o) : (v as HelmValues)));
}

/** istiod 1.24 takes the Solo license only as an environment variable; the values then become a secret. */
function withLicenseEnv(values: HelmValues, license: pulumi.Input<string>): pulumi.Input<HelmValues> {
    return pulumi.secret(
        pulumi.output(license).apply((key): HelmValues => {
            const pilot = (values.pilot ?? {}) as HelmValues;
            return { ...values, pilot: { ...pilot, env: { ...((pilot.env as HelmValues) ?? {}), SOLO_LICENSE_KEY: key } } };
        }),
    );
}

/** A local Gateway API manifest is read before the component registers, so an unreadable path creates nothing. */
function readGatewayApiFile(spec: ControllerSpec, label: string): string | undefined {
    if (!spec.gatewayApi.install || isUrl(spec.gatewayApi.manifest)) {
        return undefined;
    }
    try {
        return readLocalManifest(spec.gatewayApi.manifest);
    } catch (e) {
        throw new SpecError(label, [`gatewayApi.manifest: ${(e as Error).message}`]);
    }
}
