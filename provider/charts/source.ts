// Where each release's chart comes from. Without repository credentials and with TLS verification on, Helm pulls the
// chart itself. Otherwise the component reads the dockerconfigjson Secrets from the cluster and pulls the archive
// itself (see fetch.ts), and the release installs it from the local path.
import * as pulumi from "@pulumi/pulumi";
import { readSecret } from "../cluster/secrets";
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

/** Reads the repository Secrets and picks the credential for the repository host (first Secret that has one). */
function repositoryCredential(name: string, spec: ControllerSpec, opts: pulumi.CustomResourceOptions): pulumi.Output<RegistryCredential | undefined> {
    const documents = spec.repository.secrets.map((ref) => {
        const secret = readSecret(`${name}-repository-secret-${ref.namespace}-${ref.name}`, `${ref.namespace}/${ref.name}`, opts);
        const source = `repository.secrets "${ref.namespace}/${ref.name}"`;
        return pulumi.secret(
            pulumi.all([secret.type, secret.data]).apply(([type, data]) => {
                if (type !== "kubernetes.io/dockerconfigjson" || !data?.[".dockerconfigjson"]) {
                    // No type at all: the read itself failed (e.g. the cluster is unreachable), reported on that resource.
                    const found = type === undefined ? "nothing: the Secret could not be read" : `type ${type}`;
                    throw new Refusal(`${source}: expected a Secret of type kubernetes.io/dockerconfigjson, found ${found}`);
                }
                return { source, json: Buffer.from(data[".dockerconfigjson"], "base64").toString("utf8") };
            }),
        );
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

/** One source per chart, sharing one credential lookup. */
export function chartSources(
    name: string,
    spec: ControllerSpec,
    charts: ChartName[],
    version: string,
    opts: pulumi.CustomResourceOptions,
): Record<string, ChartSource> {
    const sources: Record<string, ChartSource> = {};
    if (!needsOwnPull(spec)) {
        for (const chart of charts) {
            const ref = chartReference(spec, chart);
            sources[chart] = { chart: ref.chart, repo: ref.repo, version };
        }
        return sources;
    }
    const credential = repositoryCredential(name, spec, opts);
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
