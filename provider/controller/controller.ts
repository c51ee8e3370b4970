// The ServiceMeshController component: validates its inputs, then wires the namespace, Gateway API CRDs, Helm
// releases and readiness reads on one cluster. Values and the release plan come from ../render (pure); conditions
// from ../readiness.
import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSources } from "../charts/source";
import { hasKubernetesProviderOption, providerFor } from "../cluster/provider";
import { computeConditions, computePhase } from "../readiness/conditions";
import { observeCluster } from "../readiness/observe";
import { chartVersion, namespaceLabels, planReleases } from "../render/releases";
import { ControllerSpec, SpecError, resolveControllerSpec } from "../spec/validate";
import { Condition, ReleaseState, ServiceMeshControllerArgs } from "./args";

export const SERVICE_MESH_CONTROLLER_TYPE = "servicemesh:index:ServiceMeshController";

/**
 * An Istio service mesh (ambient or sidecar) on one Kubernetes cluster, installed from the Solo distribution's Helm
 * charts the way the Gloo operator's ServiceMeshController resource describes it, with the operator's readiness
 * conditions and phase as outputs.
 */
export class ServiceMeshController extends pulumi.ComponentResource {
    /** Readiness conditions (Initialized, CRDInstalled, ControlPlaneDeployed, CNIDeployed, ZtunnelDeployed, WebhookDeployed, Ready), read from the cluster after the releases completed. */
    public readonly conditions!: pulumi.Output<Condition[]>;
    /** `SUCCEEDED` when every condition is True, `FAILED` when a Helm release failed, otherwise `PENDING`. */
    public readonly phase!: pulumi.Output<string>;
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

    constructor(name: string, args: ServiceMeshControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: a rejected input creates nothing, not even this component.
        const label = `ServiceMeshController "${name}"`;
        const spec = resolveControllerSpec(args, label);
        if (args.kubeconfig !== undefined && hasKubernetesProviderOption(opts)) {
            throw new SpecError(label, [
                "kubeconfig: set together with a kubernetes provider resource option; allowed: one way to reach the cluster, either kubeconfig/context or the provider option",
            ]);
        }
        const gatewayApiYaml = loadGatewayApiManifest(spec, label);
        super(SERVICE_MESH_CONTROLLER_TYPE, name, {}, opts);

        const provider = providerFor(name, args, this);
        const childOpts: pulumi.CustomResourceOptions = { parent: this, ...(provider ? { provider } : {}) };

        const ns = this.createNamespace(name, spec, childOpts);
        const gatewayApi = this.installGatewayApi(name, spec, gatewayApiYaml, childOpts);

        const plan = planReleases(spec);
        const sources = chartSources(name, spec, plan.map((p) => p.chart), chartVersion(spec), childOpts);
        const releases: Record<string, k8s.helm.v3.Release> = {};
        for (const entry of plan) {
            const source = sources[entry.chart];
            const dependsOn: pulumi.Resource[] = [ns, ...entry.after.filter((r) => releases[r]).map((r) => releases[r])];
            if (entry.afterGatewayApi && gatewayApi) {
                dependsOn.push(gatewayApi);
            }
            releases[entry.name] = new k8s.helm.v3.Release(
                `${name}-${entry.name}`,
                {
                    name: entry.name,
                    namespace: spec.installNamespace,
                    chart: source.chart,
                    version: source.version,
                    repositoryOpts: source.repo ? { repo: source.repo } : undefined,
                    values: entry.values,
                    timeout: spec.timeoutSeconds,
                    createNamespace: false,
                    skipAwait: false,
                    waitForJobs: true,
                },
                { ...childOpts, dependsOn },
            );
        }

        const observations = observeCluster({
            name,
            spec,
            releases,
            namespacePhase: ns.status.apply((s) => s?.phase),
            gatewayApiApplied: gatewayApi?.urn,
            opts: childOpts,
        });
        const summary = `${plan.map((p) => p.name).join(", ")} for Istio ${spec.versionText} (${spec.dataplaneMode})`;
        const conditions = observations.apply((obs) => computeConditions(obs, summary));

        this.conditions = conditions;
        this.phase = pulumi.all([conditions, observations]).apply(([c, obs]) => computePhase(c, obs));
        this.version = pulumi.output(spec.versionText);
        this.trustDomain = pulumi.output(spec.trustDomain);
        this.cluster = pulumi.output(spec.cluster ?? "");
        this.network = pulumi.output(spec.network ?? "");
        this.installNamespace = pulumi.output(spec.installNamespace);
        this.releases = pulumi.all(
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
        );
        this.registerOutputs({
            conditions: this.conditions,
            phase: this.phase,
            version: this.version,
            trustDomain: this.trustDomain,
            cluster: this.cluster,
            network: this.network,
            installNamespace: this.installNamespace,
            releases: this.releases,
        });
    }

    /** The install namespace: created, or (createNamespace false) an existing one given the network label. */
    private createNamespace(
        name: string,
        spec: ControllerSpec,
        opts: pulumi.CustomResourceOptions,
    ): k8s.core.v1.Namespace | k8s.core.v1.NamespacePatch {
        const metadata = { name: spec.installNamespace, labels: namespaceLabels(spec) };
        return spec.createNamespace
            ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata }, opts)
            : new k8s.core.v1.NamespacePatch(`${name}-namespace`, { metadata }, opts);
    }

    private installGatewayApi(
        name: string,
        spec: ControllerSpec,
        localYaml: string | undefined,
        opts: pulumi.CustomResourceOptions,
    ): pulumi.Resource | undefined {
        if (!spec.gatewayApi.install) {
            return undefined;
        }
        return localYaml !== undefined
            ? new k8s.yaml.v2.ConfigGroup(`${name}-gateway-api-crds`, { yaml: localYaml }, opts)
            : new k8s.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: spec.gatewayApi.manifest }, opts);
    }
}

/**
 * A local Gateway API manifest is read here, so a relative path means the same thing from every language (the
 * provider plugins run in other directories). URLs are fetched by the Kubernetes provider.
 */
function loadGatewayApiManifest(spec: ControllerSpec, label: string): string | undefined {
    const manifest = spec.gatewayApi.manifest;
    if (!spec.gatewayApi.install || /^https?:\/\//.test(manifest)) {
        return undefined;
    }
    try {
        return fs.readFileSync(manifest, "utf8");
    } catch (e) {
        throw new SpecError(label, [
            `gatewayApi.manifest: cannot read "${manifest}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); allowed: a readable file path or an http(s) URL`,
        ]);
    }
}
