// Public types of RootOfTrust and of the CA material ServiceMeshController takes. See controller/args.ts for why
// some fields are plain and others Input<T>; PEM material is always Input<T> so it can stay a secret.
import * as pulumi from "@pulumi/pulumi";

/** Key algorithm of generated CA keys. */
export const KeyAlgorithm = {
    /** RSA keys (`rsaBits`, default 4096), as Istio's reference tooling makes them. */
    RSA: "RSA",
    /** ECDSA keys on `ecdsaCurve` (default P256). */
    ECDSA: "ECDSA",
} as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** The four files of Istio's plug-in CA Secret `cacerts` for one cluster. */
export interface Cacerts {
    /** This cluster's intermediate CA certificate (`ca-cert.pem`). */
    caCertPem: pulumi.Input<string>;
    /** The intermediate CA's private key (`ca-key.pem`). Handled as a secret. */
    caKeyPem: pulumi.Input<string>;
    /** The mesh root certificate (`root-cert.pem`). */
    rootCertPem: pulumi.Input<string>;
    /** The intermediate followed by the root (`cert-chain.pem`). */
    certChainPem: pulumi.Input<string>;
}

/** CA material for one cluster issued elsewhere (e.g. by a PKI provider), which RootOfTrust checks and passes on. */
export interface ClusterCa {
    /** The cluster the material is for. */
    cluster: string;
    /** The cluster's intermediate CA certificate. */
    caCertPem: pulumi.Input<string>;
    /** The intermediate CA's private key. Handled as a secret. */
    caKeyPem: pulumi.Input<string>;
    /** The mesh root certificate; every cluster must carry the same one. */
    rootCertPem: pulumi.Input<string>;
    /** The intermediate followed by the root. */
    certChainPem: pulumi.Input<string>;
}

/** The stage of a root rotation; each is one `pulumi up` that converges the whole mesh before the next may run. */
export const RotationStage = {
    /** The current root only: what every cluster has before a rotation starts. */
    Current: "Current",
    /** Every cluster trusts both roots; intermediates are still issued by the current root. */
    TrustBoth: "TrustBoth",
    /** Every cluster's intermediate is issued by the next root; both roots are still trusted. */
    IssueFromNext: "IssueFromNext",
    /** The next root only: the rotation is finished. */
    NextOnly: "NextOnly",
} as const;
export type RotationStage = (typeof RotationStage)[keyof typeof RotationStage];

/** The root a rotation moves to: generated (default, with the same settings as the current one), imported, or issued elsewhere. */
export interface NextRoot {
    /**
     * Names the next root's generated resources (a DNS label, default `next`). After `NextOnly`, set `rootName` to
     * this value and remove `rotation`: the next root then becomes the current one without any change in a cluster.
     */
    name?: string;
    /** An existing root certificate to issue the next intermediates from. Needs `rootKeyPem`. */
    rootCertPem?: pulumi.Input<string>;
    /** The private key of `rootCertPem`. Handled as a secret. */
    rootKeyPem?: pulumi.Input<string>;
    /** The next root's per-cluster material issued elsewhere (one entry per cluster); needs `clusterCas` for the current root too. */
    clusterCas?: ClusterCa[];
}

/** A staged rotation of the mesh root: which root comes next and which stage the mesh should be at. */
export interface RootRotation {
    /** The stage to converge to: `Current`, `TrustBoth`, `IssueFromNext` or `NextOnly`, one step per update. */
    stage: RotationStage;
    /** The root the rotation moves to. Default: a generated one. */
    next?: NextRoot;
}

/** One root certificate a cluster trusts. */
export interface TrustedRoot {
    /** SHA-256 fingerprint of the certificate. */
    fingerprint: string;
    /** The certificate's subject. */
    subject: string;
    /** When it expires (RFC 3339). */
    expiry: string;
    /** Whole days until it expires (negative once expired). */
    daysLeft: number;
}

/** What one cluster's `cacerts` trusts and which root issues its intermediate. */
export interface ClusterTrust {
    /** The cluster name. */
    cluster: string;
    /** The roots of its `root-cert.pem`, issuing root first. */
    trustedRoots: TrustedRoot[];
    /** Fingerprint of the root that issued its intermediate. */
    issuingRoot: string;
    /** When its intermediate CA certificate expires (RFC 3339). */
    intermediateExpiry: string;
    /** Whole days until its intermediate expires. */
    intermediateDaysLeft: number;
}

/**
 * How a root of trust is made: generated keys and certificates (algorithm, subject, validity), issued from an
 * existing root, or taken as issued elsewhere. Shared by RootOfTrust and MultiClusterMesh's `rootOfTrust`.
 */
export interface RootOfTrustSettings {
    /** Algorithm of generated keys: `RSA` (default) or `ECDSA`. */
    keyAlgorithm?: KeyAlgorithm;
    /** RSA key size of generated keys: 2048, 3072 or 4096 (default). */
    rsaBits?: number;
    /** ECDSA curve of generated keys: `P256` (default), `P384` or `P521`. */
    ecdsaCurve?: string;
    /** Organization (O) of the generated certificates' subjects. Default `Istio`. */
    organization?: string;
    /** Validity of a generated root CA in hours. Default 87600 (10 years). */
    rootValidityHours?: number;
    /** Validity of each intermediate CA in hours. Default 17520 (2 years). */
    intermediateValidityHours?: number;
    /** An existing root certificate to issue the intermediates from, instead of generating one. Needs `rootKeyPem`. */
    rootCertPem?: pulumi.Input<string>;
    /** The private key of `rootCertPem`. Handled as a secret. */
    rootKeyPem?: pulumi.Input<string>;
    /**
     * Per-cluster CA material issued elsewhere (a PKI, or Istio's certificate tooling), one entry per cluster:
     * nothing is generated, the material is checked to chain to one root and passed on.
     */
    clusterCas?: ClusterCa[];
    /**
     * Names the current root's generated resources: unset for the first root; after a rotation, the `name` of the
     * rotation's next root.
     */
    rootName?: string;
    /** A staged rotation to another root, one stage per update. */
    rotation?: RootRotation;
    /** Warn on the component when a root or intermediate expires within this many days. Default 30. */
    expiryWarningDays?: number;
}

/** The inputs of RootOfTrust: a shared root CA and one intermediate CA per cluster. */
export interface RootOfTrustArgs extends RootOfTrustSettings {
    /** Names of the clusters to issue an intermediate CA for (DNS labels, unique). Omit when `clusterCas` is given. */
    clusters?: string[];
    /** Namespace istiod runs in, for the intermediates' `istiod.<namespace>.svc` SAN. Default `istio-system`. */
    installNamespace?: string;
}

/** One cluster's `cacerts` material, as RootOfTrust outputs it. */
export interface ClusterCacerts {
    /** The cluster's intermediate CA certificate (`ca-cert.pem`). */
    caCertPem: string;
    /** The intermediate CA's private key (`ca-key.pem`). */
    caKeyPem: string;
    /** The mesh root certificate (`root-cert.pem`). */
    rootCertPem: string;
    /** The intermediate followed by the root (`cert-chain.pem`). */
    certChainPem: string;
}
