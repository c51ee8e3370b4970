// Which Helm releases a spec needs, in what order, from which chart. Pure: the component turns each plan entry into a
// helm.v3.Release.
//
// Order, and why:
//   1. namespace            everything below lives in it.
//   2. istio-base           Istio's CRDs and the default validating webhook; istiod fails to start without the CRDs.
//      Gateway API CRDs     (in parallel with base) istiod watches them from start-up; installing them first means
//                           its Gateway controller comes up complete instead of on a later CRD event.
//   3. istiod               needs 2. Created after the install namespace's secrets (cacerts, pull secrets) exist.
//      istio-cni            needs only 1 and 2: the node agent does not talk to istiod, and having it in place before
//                           workloads are (re)scheduled is what keeps their traffic captured (istio#57600).
//   4. ztunnel              needs istiod (it gets its certificates and config from it) and the CNI (which
//                           redirects pod traffic to it); its pods only become ready once both are.
// Destroy runs this graph in reverse, so webhooks go before the service behind them and CRDs go last.
//
// upgradeStrategy RevisionBased (render/revisions.ts decides the revisions): one istiod release per revision
// (`istiod-1-31-1`, the chart's `revision` value set), installed side by side; istio-cni and ztunnel, which Istio
// upgrades in place only, wait for the active revision's release, so they change only once the new istiod serves
// (istio-cni and ztunnel 1.x work with istiod 1.x and 1.x+1, Istio's ambient upgrade guide), and ztunnel follows the
// active revision (its chart's `revision` value: istio.io/rev label, XDS and CA address istiod-<revision>).
//
// The revision-less istiod (`istiod`, revision `default`) next to revisions (the switch to RevisionBased, or back to
// InPlace) renders no injection webhook of its own (global.operatorManageWebhooks): its `istio-sidecar-injector` would
// inject the same namespaces as the component's `default` tag, two webhooks of two istiods on one pod. Injection for
// those namespaces is the tag's alone, moved in place; when the revision-less istiod stops being the tag's target
// (switch to RevisionBased) its release changes only after the tag was moved (afterDefaultTag), and when it is the
// last istiod left (back to InPlace), its release takes its webhook back before Pulumi deletes the tag.
import { ControllerSpec } from "../spec/validate";
import { DEFAULT_REVISION, DEFAULT_TAG, RevisionDecision, revisionRelease, specAt } from "./revisions";
import { HelmValues, baseValues, cniValues, istiodValues, withPlatform, ztunnelValues } from "./values";

export type ReleaseName = "istio-base" | "istiod" | "istio-cni" | "ztunnel" | `istiod-${string}`;
export type ChartName = "base" | "istiod" | "cni" | "ztunnel";

export interface ReleasePlan {
    /** Helm release name (as `helm list` shows it). */
    name: ReleaseName;
    chart: ChartName;
    /** Chart version: the Solo distribution versions its charts like its images, `<version>-solo`. */
    chartVersion: string;
    values: HelmValues;
    /** Releases of this plan that must be deployed first. */
    after: ReleaseName[];
    /** Whether it also waits for the Gateway API CRDs. */
    afterGatewayApi: boolean;
    /** Whether it waits for the `default` revision tag's webhook (the revision-less istiod handing injection over). */
    afterDefaultTag?: boolean;
}

export function chartVersion(spec: ControllerSpec): string {
    return `${spec.versionText}-solo`;
}

/**
 * The releases of a spec. RevisionBased: one istiod release per revision of `decision` (without one, as before the
 * pre-flight decided: the active revision alone).
 */
export function planReleases(spec: ControllerSpec, decision?: Pick<RevisionDecision, "revisions" | "tags">): ReleasePlan[] {
    const plan = releaseOrder(spec).map((entry) => ({ ...entry, values: withPlatform(spec, entry.values) }));
    const revisionBased = spec.upgrade.strategy === "RevisionBased";
    // InPlace takes a decision only on its way back from RevisionBased, while revisions remain (render/revisions.ts wayBack).
    if (!revisionBased && !decision) {
        return plan;
    }
    const active = spec.upgrade.activeRevision;
    const activeRelease = revisionRelease(active);
    const revisions = decision?.revisions ?? [{ name: active, version: spec.version }];
    const defaultTag = decision?.tags.find((t) => t.name === DEFAULT_TAG)?.revision ?? active;
    const out: ReleasePlan[] = [];
    for (const entry of plan) {
        if (entry.name === "istiod") {
            for (const r of revisions) {
                const at = r.name === active ? spec : specAt(spec, r.version);
                const values = istiodValues(at);
                const revisionLess = r.name === DEFAULT_REVISION;
                out.push({
                    ...entry,
                    name: revisionRelease(r.name),
                    chartVersion: chartVersion(at),
                    values: withPlatform(at, revisionLess ? withoutInjector(values) : { ...values, revision: r.name }),
                    ...(revisionLess && defaultTag !== DEFAULT_REVISION ? { afterDefaultTag: true } : {}),
                });
            }
            continue;
        }
        if (entry.name === "istio-base") {
            // istiod-default-validator (base chart) validates through the revision the default tag points at.
            out.push({ ...entry, values: { ...entry.values, defaultRevision: defaultTag } });
        } else if (entry.name === "istio-cni") {
            out.push({ ...entry, after: [...entry.after, activeRelease] });
        } else if (entry.name === "ztunnel") {
            out.push({ ...entry, values: revisionBased ? { ...entry.values, revision: active } : entry.values, after: [activeRelease, "istio-cni"] });
        } else {
            out.push(entry);
        }
    }
    return out;
}

/** The revision-less istiod's values without its injection webhook (the `default` tag injects for it). */
function withoutInjector(values: HelmValues): HelmValues {
    const global = (values.global ?? {}) as HelmValues;
    return { ...values, global: { ...global, operatorManageWebhooks: true } };
}

function releaseOrder(spec: ControllerSpec): ReleasePlan[] {
    const version = chartVersion(spec);
    const plan: ReleasePlan[] = [
        { name: "istio-base", chart: "base", chartVersion: version, values: baseValues(spec), after: [], afterGatewayApi: false },
        {
            name: "istiod",
            chart: "istiod",
            chartVersion: version,
            values: istiodValues(spec),
            after: ["istio-base"],
            afterGatewayApi: true,
        },
    ];
    if (spec.installCni) {
        plan.push({
            name: "istio-cni",
            chart: "cni",
            chartVersion: version,
            values: cniValues(spec),
            after: ["istio-base"],
            afterGatewayApi: false,
        });
    }
    if (spec.installZtunnel) {
        plan.push({
            name: "ztunnel",
            chart: "ztunnel",
            chartVersion: version,
            values: ztunnelValues(spec),
            after: ["istiod", "istio-cni"],
            afterGatewayApi: false,
        });
    }
    return plan;
}

/** Where Helm pulls a chart from when it fetches it itself (no credentials, TLS verified). */
export interface ChartReference {
    chart: string;
    repo?: string;
}

export function chartReference(spec: ControllerSpec, chart: ChartName): ChartReference {
    return spec.repository.kind === "oci"
        ? { chart: `${spec.repository.url}/${chart}` }
        : { chart, repo: spec.repository.url };
}

/** The install namespace manifest's labels: ambient meshes read the network from it. */
export function namespaceLabels(spec: ControllerSpec): Record<string, string> {
    return spec.network ? { "topology.istio.io/network": spec.network } : {};
}
