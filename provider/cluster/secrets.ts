// Secrets the component reads from a cluster: repository credentials, and the image pull Secrets it checks for.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControllerSpec } from "../spec/validate";

/**
 * Reads a Secret. The SDK keeps `data` secret; metadata too, since a Secret made with `kubectl apply` repeats its
 * data in the last-applied-configuration annotation, which would otherwise land in the state in plain text.
 */
export function readSecret(resourceName: string, id: string, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
    return k8s.core.v1.Secret.get(resourceName, id, { ...opts, additionalSecretOutputs: ["metadata"] });
}

/**
 * Image pull Secrets are read by the kubelet only when it pulls: a missing one shows as pods in ImagePullBackOff and
 * releases that time out after timeoutSeconds. When the install namespace exists already (createNamespace: false),
 * each is read before any release, so a missing one fails the update first and names it. When the component creates
 * the namespace they cannot exist yet and something else must put them there (e.g. a controller that copies pull
 * secrets into new namespaces): a warning, not an error.
 */
export function pullSecretReads(name: string, spec: ControllerSpec, label: string, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const secrets = spec.image.secrets;
    if (secrets.length && spec.createNamespace) {
        pulumi.log.warn(
            `${label}: image.secrets ${secrets.join(", ")} must appear in the namespace "${spec.installNamespace}", which this component creates; until they do, pods cannot pull their images and the releases time out after ${spec.timeoutSeconds}s`,
            opts.parent,
        );
        return [];
    }
    return secrets.map((secret) => readSecret(`${name}-image-pull-secret-${secret}`, `${spec.installNamespace}/${secret}`, opts));
}
