// Staged rotation of the mesh root (pure). Four states, one `pulumi up` each, every step between neighbours keeping
// mTLS working because each side trusts the root that issued the other's certificates:
//
//   stage          root-cert.pem        ca-cert.pem (this cluster's intermediate)   cert-chain.pem
//   Current        current              issued by current                           intermediate, current
//   TrustBoth      current, next        issued by current                           intermediate, current
//   IssueFromNext  next, current        issued by next                              intermediate, next
//   NextOnly       next                 issued by next                              intermediate, next
//
// The issuing root comes first in root-cert.pem. Whether a step is safe is decided from trust states alone (which
// roots are trusted, which root issues): a cluster may move from state D to state R when D's issuing root is trusted
// in R and R's issuing root is trusted in D. That rule refuses skipped stages and finishing while a cluster still
// trusts only the old root, and it applies to what is deployed in the cluster (its `cacerts` Secret), not to what the
// stack last recorded: a cluster that missed an update, or was changed by hand, is judged by what its istiod reads.
import { X509Certificate, createHash } from "crypto";
import { CacertsFiles, issuingRoot, splitPemCertificates } from "./pki";

export const ROTATION_STAGES = ["Current", "TrustBoth", "IssueFromNext", "NextOnly"] as const;
export type Stage = (typeof ROTATION_STAGES)[number];

/** The `cacerts` files of one stage, from the cluster's material under the current root and under the next one. */
export function stageCacerts(stage: Stage, current: CacertsFiles, next: CacertsFiles | undefined): CacertsFiles {
    if (stage === "Current") {
        return current;
    }
    if (!next) {
        throw new Error(`stage ${stage} needs the next root's material`);
    }
    const currentRoot = current.rootCertPem.trimEnd();
    const nextRoot = next.rootCertPem.trimEnd();
    switch (stage) {
        case "TrustBoth":
            return { ...current, rootCertPem: `${currentRoot}\n${nextRoot}\n` };
        case "IssueFromNext":
            return { ...next, rootCertPem: `${nextRoot}\n${currentRoot}\n` };
        case "NextOnly":
            return next;
    }
}

/** What a cluster trusts and which root issues its intermediate, by SHA-256 fingerprint. */
export interface TrustState {
    roots: string[];
    issuer?: string;
    /** Subject of each root, by fingerprint, for messages. */
    subjects: Record<string, string>;
}

/** The trust state of `root-cert.pem` and `ca-cert.pem` (the public half of a `cacerts` Secret). */
export function trustState(files: { rootCertPem: string; caCertPem: string }): TrustState {
    const roots = splitPemCertificates(files.rootCertPem).map((p) => new X509Certificate(p));
    const ca = new X509Certificate(files.caCertPem);
    return {
        roots: roots.map((r) => r.fingerprint256),
        issuer: issuingRoot(ca, roots)?.fingerprint256,
        subjects: Object.fromEntries(roots.map((r) => [r.fingerprint256, r.subject.replace(/\n/g, ", ")])),
    };
}

/** The trust state of cacerts that parse, else undefined (their problems are reported by the cacerts checks). */
export function readableTrust(files: { rootCertPem: string; caCertPem: string }): TrustState | undefined {
    try {
        return trustState(files);
    } catch {
        return undefined;
    }
}

/** A short, stable digest of a trust state: changes exactly when the roots or the issuing root change. */
export function trustDigest(state: TrustState): string {
    return createHash("sha256").update(`${state.roots.join(",")}|${state.issuer ?? ""}`).digest("hex").slice(0, 16);
}

/** A root by subject and the start of its fingerprint, e.g. `"O=Istio, CN=Root CA" (AB:CD:EF:01)`. */
export function describeRoot(fingerprint: string, subjects: Record<string, string>): string {
    return `${subjects[fingerprint] ? `"${subjects[fingerprint]}" ` : ""}(${fingerprint.slice(0, 11)})`;
}

/** Which stage a deployed state is at, relative to the rotation from `current` to `next` root (fingerprints). */
export function stageOf(state: TrustState, current: string, next: string | undefined): Stage | undefined {
    const roots = [...state.roots].sort().join(",");
    const both = [current, next].sort().join(",");
    if (roots === current && state.issuer === current) return "Current";
    if (next && roots === both && state.issuer === current) return "TrustBoth";
    if (next && roots === both && state.issuer === next) return "IssueFromNext";
    if (next && roots === next && state.issuer === next) return "NextOnly";
    return undefined;
}

/**
 * Why moving `cluster` from its deployed trust state to the requested one would break mTLS (empty when the step is
 * safe). `stages` names the stages when the rotation is known (RootOfTrust), for messages.
 */
export function transitionProblems(
    cluster: string,
    deployed: TrustState,
    requested: TrustState,
    stages?: { requested: Stage; current: string; next?: string },
): string[] {
    const subjects = { ...deployed.subjects, ...requested.subjects };
    const name = (fp: string | undefined) => (fp ? describeRoot(fp, subjects) : "an unknown root");
    const at = stages ? stageOf(deployed, stages.current, stages.next) : undefined;
    const deployedText = `trusts ${deployed.roots.map(name).join(" and ")} and issues from ${name(deployed.issuer)}${at ? ` (stage ${at})` : stages ? " (neither the current nor the next root's stages)" : ""}`;
    const requestedText = stages ? `the requested stage ${stages.requested}` : "the requested cacerts";
    const allowed = at && stages ? `; allowed: ${orList(neighbours(at))} (one stage at a time)` : "; allowed: a step in which each side trusts the root the other issues from";
    const problems: string[] = [];
    if (requested.issuer && !deployed.roots.includes(requested.issuer)) {
        problems.push(`cluster "${cluster}" ${deployedText}, but ${requestedText} issues from ${name(requested.issuer)}, which its workloads do not trust yet${allowed}`);
    } else if (deployed.issuer && !requested.roots.includes(deployed.issuer)) {
        problems.push(`cluster "${cluster}" ${deployedText}, but ${requestedText} stops trusting ${name(deployed.issuer)}, which still issues its workloads' certificates${allowed}`);
    }
    return problems;
}

function neighbours(stage: Stage): Stage[] {
    const i = ROTATION_STAGES.indexOf(stage);
    return ROTATION_STAGES.filter((_, j) => Math.abs(i - j) <= 1);
}

function orList(items: string[]): string {
    return items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}` : items.join("");
}
