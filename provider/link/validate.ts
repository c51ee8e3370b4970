// Validation of ClusterLink inputs (pure). The receiving cluster's address is usually an output of its controller, so
// it is checked when known (checkPeerAddress); everything that names or places the peer Gateway is checked here.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { looksPublished, publishedPeerProblems } from "./peer";
import { accessProblems } from "../cluster/provider";
import { SpecError, dnsLabel, dnsSubdomain, resolveInputs } from "../spec/inputs";
import { DEFAULT_EASTWEST_NAMESPACE, isEastWestAddress, timeoutSeconds } from "../spec/validate";

export interface LinkSpec {
    from: string;
    to: { cluster: string; network: string; trustDomain: string };
    eastWestNamespace: string;
    timeoutSeconds: number;
}

const schema = z
    .object({
        from: dnsLabel("the sending cluster's name"),
        to: z.strictObject(
            {
                cluster: dnsLabel("the receiving cluster's name"),
                network: dnsLabel("a network name").optional(),
                trustDomain: dnsSubdomain("a trust domain").optional(),
                eastWestAddress: z.any().refine((a) => a !== undefined && a !== "", { error: "is required; allowed: the receiving controller's eastWestAddress output, an IP address or a host name" }),
                // The receiving controller's eastWest output (checked once known).
                eastWest: z.any().optional(),
                // A peer output's own fields (checked by publishedPeerProblems).
                serviceType: z.any().optional(),
                ports: z.any().optional(),
                replicas: z.any().optional(),
                readyReplicas: z.any().optional(),
                trustedRoots: z.any().optional(),
                issuingRoot: z.any().optional(),
            },
            { error: "is required; allowed: {cluster, network?, trustDomain?, eastWestAddress, eastWest?} or a controller's peer output" },
        ),
        eastWestNamespace: dnsLabel("a namespace name").default(DEFAULT_EASTWEST_NAMESPACE),
        timeoutSeconds: timeoutSeconds(),
        kubeconfig: z.any().optional(),
        context: z.any().optional(),
        // Checked by linkAccessProblems.
        provider: z.any().optional(),
    })
    .strict();

/** One way to reach the sending cluster: the `provider` input, kubeconfig/context, or a provider resource option. */
export function linkAccessProblems(args: { from?: unknown; kubeconfig?: unknown; context?: unknown; provider?: unknown }, providerOption: boolean): string[] {
    return accessProblems(args, providerOption, `the sending cluster ${JSON.stringify(args.from)}`);
}

export function resolveLinkSpec(raw: unknown, component = "ClusterLink"): LinkSpec {
    const to = (raw as { to?: unknown } | undefined)?.to;
    // A published peer (another stack's output) must carry every field; "to" missing altogether is a removed peer.
    const published = to === undefined || to === null || (typeof to === "object" && looksPublished(to) && !pulumi.Output.isInstance(to));
    if (published) {
        const problems = publishedPeerProblems(to, "to");
        if (problems.length) throw new SpecError(component, problems);
    }
    return resolveInputs(schema, raw, component, checkLink);
}

function checkLink(input: z.infer<typeof schema>, problems: string[]): LinkSpec {
    if (input.from === input.to.cluster) {
        problems.push(`to.cluster: links cluster "${input.from}" to itself; allowed: a cluster other than from`);
    }
    const { cluster, network, trustDomain } = input.to;
    return {
        from: input.from,
        to: { cluster, network: network ?? cluster, trustDomain: trustDomain ?? cluster },
        eastWestNamespace: input.eastWestNamespace,
        timeoutSeconds: input.timeoutSeconds,
    };
}

/** Problems with the receiving cluster's address once known (empty while its gateway has none). */
export function checkPeerAddress(address: string | undefined, to: string): string[] {
    if (!address) {
        return [`to.eastWestAddress: cluster "${to}" has no east-west address yet (got ${JSON.stringify(address ?? "")}); allowed: an IP address or host name, e.g. its controller's eastWestAddress output once its gateway is programmed`];
    }
    return isEastWestAddress(address) ? [] : [`to.eastWestAddress: is not an IP address or host name (got ${JSON.stringify(address)}); allowed: e.g. 172.18.0.10 or eastwest.example.com`];
}
