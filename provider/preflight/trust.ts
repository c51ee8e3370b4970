// The pre-flight's trust decision (pure): may this cluster move from the `cacerts` deployed in it to the requested
// one without breaking mTLS, and can the Istio version in use hold two roots at all. Read from the cluster's Secret,
// the thing istiod actually loads, so a cluster that missed an update or was changed by hand is judged as it is.
import { ControllerSpec } from "../spec/validate";
import { rotationRefusal } from "../trust/support";
import { TrustState, transitionProblems, trustState } from "../trust/stages";
import { Finding } from "./support";

type PublicCacerts = { rootCertPem: string; caCertPem: string };

function stateOf(files: PublicCacerts | undefined): TrustState | undefined {
    try {
        return files && trustState(files);
    } catch {
        return undefined; // unreadable certificates trust nothing: no workload can rely on them
    }
}

/** A rotation is under way when two roots are requested or the issuing root changes. */
export function isRotating(requested: TrustState, deployed: TrustState | undefined): boolean {
    return requested.roots.length > 1 || (deployed !== undefined && deployed.issuer !== requested.issuer);
}

export function trustFindings(spec: ControllerSpec, requested: PublicCacerts, deployed: PublicCacerts | undefined): Finding[] {
    const req = stateOf(requested);
    if (!req) {
        return []; // unusable material: the cacerts check of the install names what is wrong with it
    }
    const dep = stateOf(deployed);
    const findings: Finding[] = [];
    const refusal = isRotating(req, dep) ? rotationRefusal(spec.version, spec.dataplaneMode) : undefined;
    if (refusal) {
        findings.push({ level: "error", message: `cacerts: ${refusal}` });
    }
    for (const problem of dep ? transitionProblems(spec.cluster ?? "(this cluster)", dep, req) : []) {
        findings.push(
            spec.onConflict === "Force"
                ? { level: "warning", message: `cacerts: ${problem}; going ahead because onConflict is Force: mTLS across the two roots fails until every workload has a certificate the other side trusts` }
                : { level: "error", message: `cacerts: ${problem}` },
        );
    }
    return findings;
}
