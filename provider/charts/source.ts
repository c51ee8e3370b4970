// Where each release's chart comes from. Without repository credentials and with TLS verification on, Helm pulls the
// chart itself. Otherwise the component reads the dockerconfigjson Secrets from the cluster and pulls the archive
// itself (see fetch.ts), and the release installs it from the local path. The pre-flight reads those Secrets with the
// rest of its snapshot when it can; otherwise the engine reads them.
import * as pulumi from "@pulumi/pulumi";
import { readSecret } from "../cluster/secrets";
import { RepositorySecret } from "../preflight/snapshot";
import { ChartName, chartReference } from "../render/releases";
import { ControllerSpec } from "../spec/validate";
import { Refusal } from "../spec/inputs";
import { RegistryCredential, credentialFor } from "./credentials";
import { archivePath, pullChart } from "./fetch";

export interface ChartSource {
    chart: pulumi.Input<string>;
    /** Set when Helm pulls from an HTTP(S) repository itself. */
    repo?: string;
    /** Set when Helm resolves the version itself (a pulled archive is already that version). */
    version?: string;
}

export function needsOwnPull(spec: ControllerSpec): boolean {
    return spec.repository.secrets.length > 0 || spec.repository.insecureSkipVerify;
}

/** The dockerconfigjson of one repository Secret, or a refusal naming what was found instead. */
function dockerConfig(source: string, type: string | undefined, base64: string | undefined, missing: string): { source: string; json: string } {
    if (type !== "kubernetes.io/dockerconfigjson" || !base64) {
        throw new Refusal(`${source}: expected a Secret of type kubernetes.io/dockerconfigjson, found ${type === undefined ? missing : `type ${type}`}`);
    }
    return { source, json: Buffer.from(base64, "base64").toString("utf8") };
}

/**
 * The repository Secrets (as the pre-flight read them, or read by the engine) and the credential for the repository
 * host among them (first Secret that has one).
 */
function repositoryCredential(
    name: string,
    spec: ControllerSpec,
    opts: pulumi.CustomResourceOptions,
    preRead: RepositorySecret[] | undefined,
): pulumi.Output<RegistryCredential | undefined> {
    const sourceOf = (ref: { namespace: string; name: string }) => `repository.secrets "${ref.namespace}/${ref.name}"`;
    const documents = preRead
        ? preRead.map((s) => pulumi.secret(pulumi.output(s).apply((r) => dockerConfig(sourceOf(r), r.type, r.dockerConfigJson, "no Secret of that name"))))
        : spec.repository.secrets.map((ref) => {
              const secret = readSecret(`${name}-repository-secret-${ref.namespace}-${ref.name}`, `${ref.namespace}/${ref.name}`, opts);
              // No type at all: the read itself failed (e.g. the cluster is unreachable), reported on that resource.
              return pulumi.secret(pulumi.all([secret.type, secret.data]).apply(([type, data]) => dockerConfig(sourceOf(ref), type, data?.[".dockerconfigjson"], "nothing: the Secret could not be read")));
          });
    return pulumi.secret(
        pulumi.all(documents).apply((docs) => {
            for (const doc of docs) {
                const cred = credentialFor(doc.json, spec.repository.url, doc.source);
                if (cred) {
                    return cred;
                }
            }
            if (docs.length) {
                const host = new URL(spec.repository.url.replace(/^oci:/, "https:")).host;
                throw new Refusal(`repository.secrets: none of ${docs.map((d) => d.source).join(", ")} has credentials for ${host}`);
            }
            return undefined;
        }),
    );
}

/** One source per chart, sharing one credential lookup; `preRead`: the repository Secrets the pre-flight read. */
export function chartSources(
    name: string,
    spec: ControllerSpec,
    charts: ChartName[],
    version: string,
    opts: pulumi.CustomResourceOptions,
    preRead?: RepositorySecret[],
): Record<string, ChartSource> {
    const sources: Record<string, ChartSource> = {};
    if (!needsOwnPull(spec)) {
        for (const chart of charts) {
            const ref = chartReference(spec, chart);
            sources[chart] = { chart: ref.chart, repo: ref.repo, version };
        }
        return sources;
    }
    const credential = repositoryCredential(name, spec, opts, preRead);
    for (const chart of charts) {
        const path = credential.apply((cred) =>
            pullChart({
                repositoryUrl: spec.repository.url,
                chart,
                version,
                credential: cred,
                insecureSkipVerify: spec.repository.insecureSkipVerify,
            }).catch(async (e: Error) => {
                // Reported once, on the component, and not as a rejection: a rejected chart would reach every
                // resource that waits on the release, and the Node SDK's handling of that many rejections of one error
                // does not finish. The release then points at an archive that does not exist, so it cannot install.
                // The report is awaited first, so the engine has it before the release's own "not found" error.
                await pulumi.log.error(e.message, opts.parent);
                return `${archivePath({ repositoryUrl: spec.repository.url, chart, version, insecureSkipVerify: false })}.unavailable`;
            }),
        );
        // The path carries no credential; keep it readable in diffs.
        sources[chart] = { chart: pulumi.unsecret(path) };
    }
    return sources;
}
