// Registry credentials from `kubernetes.io/dockerconfigjson` Secrets, matched to a chart repository the way
// container runtimes and Helm match them: by host (and port), with or without a scheme or path in the key.
import { Refusal } from "../spec/inputs";

export interface RegistryCredential {
    username: string;
    password: string;
}

interface DockerConfigEntry {
    auth?: string;
    username?: string;
    password?: string;
}

/** Host[:port] of an `oci://`, `https://` or `http://` URL, or of a dockerconfig `auths` key. */
export function registryHost(urlOrKey: string): string {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(urlOrKey) ? urlOrKey : `https://${urlOrKey}`;
    return new URL(withScheme).host.toLowerCase();
}

/**
 * The credential for `repositoryUrl` in a decoded `.dockerconfigjson` document, or undefined when it has no entry
 * for that host. Throws with a message naming `source` when the document is malformed.
 */
export function credentialFor(dockerConfigJson: string, repositoryUrl: string, source: string): RegistryCredential | undefined {
    let doc: { auths?: Record<string, DockerConfigEntry> };
    try {
        doc = JSON.parse(dockerConfigJson);
    } catch {
        throw new Refusal(`${source}: .dockerconfigjson is not valid JSON`);
    }
    const host = registryHost(repositoryUrl);
    for (const [key, entry] of Object.entries(doc.auths ?? {})) {
        if (registryHost(key) !== host) {
            continue;
        }
        if (entry.username !== undefined && entry.password !== undefined) {
            return { username: entry.username, password: entry.password };
        }
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
            const colon = decoded.indexOf(":");
            if (colon < 0) {
                throw new Refusal(`${source}: the auth entry for ${key} is not base64 of "user:password"`);
            }
            return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
        }
    }
    return undefined;
}
