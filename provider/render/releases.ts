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
import { ControllerSpec } from "../spec/validate";
import { HelmValues, baseValues, cniValues, istiodValues, withPlatform, ztunnelValues } from "./values";

export type ReleaseName = "istio-base" | "istiod" | "istio-cni" | "ztunnel";
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
}

export function chartVersion(spec: ControllerSpec): string {
    return `${spec.versionText}-solo`;
}

export function planReleases(spec: ControllerSpec): ReleasePlan[] {
    return releaseOrder(spec).map((entry) => ({ ...entry, values: withPlatform(spec, entry.values) }));
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
