// Public types of RootOfTrust and of the CA material ServiceMeshController takes. See controller/args.ts for why
// some fields are plain and others Input<T>; PEM material is always Input<T> so it can stay a secret.
import * as pulumi from "@pulumi/pulumi";

/** Key algorithm of generated CA keys. */
export enum KeyAlgorithm {
    /** RSA keys (`rsaBits`, default 4096), as Istio's reference tooling makes them. */
    RSA = "RSA",
    /** ECDSA keys on `ecdsaCurve` (default P256). */
    ECDSA = "ECDSA",
}

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
