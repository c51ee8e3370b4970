// Validation of a multicluster member's `eastWestGateway` input (pure): field shapes with zod, then what the Istio
// minor can do with them (parametersRef from 1.26, NodePort peering from Solo 1.28: the versions table), and the
// defaults that follow Solo's peering guidance (two replicas spread over nodes, a PodDisruptionBudget).
import { isIP } from "net";
import { z } from "zod";
import { EastWestSpec } from "../render/eastwest";
import { DNS_SUBDOMAIN, dnsLabel, oneOf } from "./inputs";
import { MinorFacts } from "./versions";

export const DEFAULT_EASTWEST_NAMESPACE = "istio-eastwest";
export const DEFAULT_EASTWEST_REPLICAS = 2;
export const DEFAULT_CPU_UTILIZATION = 80;

/** Whether peers can reach an east-west gateway at `address`: an IP address or a host name. */
export function isEastWestAddress(address: string): boolean {
    return isIP(address) !== 0 || DNS_SUBDOMAIN.test(address);
}

export function eastWestAddress() {
    return z.string().refine(isEastWestAddress, {
        error: "is not an IP address or host name; allowed: e.g. 172.18.0.10 or eastwest.example.com",
    });
}

// Kubernetes qualified names (`prefix/name`) and label values.
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A map of annotations or labels: keys checked one by one, so an error names the key. */
function metadataMap(what: "annotation" | "label", value: z.ZodString) {
    return z.record(z.string(), value).superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
            const problem = !QUALIFIED_NAME.test(key)
                ? `is not a Kubernetes ${what} key; allowed: [prefix/]name, e.g. example.com/team`
                : key.startsWith("gateway.networking.k8s.io/")
                  ? `is under gateway.networking.k8s.io/, which istiod drops from the gateway's ${what}s; allowed: any other key`
                  : undefined;
            if (problem) ctx.addIssue({ code: "custom", message: problem, path: [key], input: key });
        }
    });
}

export function isCidr(text: string): boolean {
    const [address, bits, extra] = text.split("/");
    const family = isIP(address ?? "");
    const n = Number(bits);
    return extra === undefined && family !== 0 && /^\d{1,3}$/.test(bits ?? "") && n <= (family === 4 ? 32 : 128);
}

const count = (min: number, max: number) =>
    z
        .number({ error: `is not a number; allowed: a whole number from ${min} to ${max}` })
        .int({ error: `is not a whole number; allowed: ${min} to ${max}` })
        .min(min, { error: `is too small; allowed: ${min} to ${max}` })
        .max(max, { error: `is too large; allowed: ${min} to ${max}` });

const quantities = z.strictObject(
    {
        cpu: z.string().regex(QUANTITY, { error: "is not a Kubernetes quantity; allowed: e.g. 500m or 2" }).optional(),
        memory: z.string().regex(QUANTITY, { error: "is not a Kubernetes quantity; allowed: e.g. 512Mi or 2Gi" }).optional(),
    },
    { error: "is not an object; allowed fields: cpu, memory" },
);

export const eastWestSchema = z.strictObject(
    {
        address: eastWestAddress().optional(),
        namespace: dnsLabel("a namespace name").optional(),
        serviceType: oneOf(["LoadBalancer", "NodePort"]).optional(),
        exposure: oneOf(["Internal", "Public"]).optional(),
        annotations: metadataMap("annotation", z.string({ error: "is not a string; allowed: an annotation value" })).optional(),
        labels: metadataMap("label", z.string().regex(LABEL_VALUE, { error: "is not a label value; allowed: up to 63 letters, digits, '-', '_', '.'" })).optional(),
        loadBalancerSourceRanges: z.array(z.string().refine(isCidr, { error: "is not a CIDR; allowed: e.g. 10.0.0.0/8 or fd00::/8" })).optional(),
        nodePorts: z
            .strictObject(
                { crossNetwork: count(30000, 32767).optional(), xds: count(30000, 32767).optional() },
                { error: "is not an object; allowed fields: crossNetwork, xds" },
            )
            .optional(),
        replicas: count(1, 100).optional(),
        autoscaling: z
            .strictObject(
                {
                    minReplicas: count(1, 100).optional(),
                    maxReplicas: count(1, 100),
                    cpuUtilization: count(1, 100).optional(),
                },
                { error: "is not an object; allowed fields: minReplicas, maxReplicas, cpuUtilization" },
            )
            .optional(),
        podDisruptionBudget: z.boolean({ error: "is not a boolean; allowed: true or false" }).optional(),
        antiAffinity: oneOf(["Preferred", "Required", "None"]).optional(),
        resources: z
            .strictObject({ requests: quantities.optional(), limits: quantities.optional() }, { error: "is not an object; allowed fields: requests, limits" })
            .optional(),
    },
    {
        error: "is not an object; allowed fields: address, namespace, serviceType, exposure, annotations, labels, loadBalancerSourceRanges, nodePorts, replicas, autoscaling, podDisruptionBudget, antiAffinity, resources",
    },
);

export type EastWestInput = z.infer<typeof eastWestSchema>;

/** The member's east-west settings with defaults, or problems (each naming its field) pushed onto `problems`. */
export function resolveEastWest(input: EastWestInput, facts: MinorFacts, version: string, problems: string[]): EastWestSpec {
    const f = (field: string) => `eastWestGateway.${field}`;
    const serviceType = input.serviceType ?? "LoadBalancer";
    const nodePort = serviceType === "NodePort";
    if (nodePort && !facts.nodePortPeering) {
        problems.push(
            `${f("serviceType")}: NodePort east-west gateways need Solo Istio 1.28 or later, where peering reaches node addresses and ports (got version "${version}"); allowed: LoadBalancer, or version 1.28.0 or later`,
        );
    }
    if (nodePort && input.address === undefined) {
        problems.push(
            `${f("address")}: is required with serviceType NodePort (got none): peers reach istiod's xDS (15012) at a stable address (a VIP or DNS name in front of the nodes), while Solo's peering sends them the nodes' addresses and the HBONE node port for the data plane; allowed: an IP address or host name`,
        );
    }
    if (nodePort && input.exposure !== undefined) {
        problems.push(`${f("exposure")}: applies to a LoadBalancer gateway (got "${input.exposure}" with serviceType NodePort); allowed: unset with NodePort, whose reach is the nodes' network`);
    }
    if (nodePort && input.loadBalancerSourceRanges?.length) {
        problems.push(`${f("loadBalancerSourceRanges")}: applies to a LoadBalancer gateway (got ${JSON.stringify(input.loadBalancerSourceRanges)} with serviceType NodePort); allowed: unset with NodePort (restrict the node ports with the nodes' firewall)`);
    }
    if (!nodePort && input.nodePorts !== undefined) {
        problems.push(`${f("nodePorts")}: applies to a NodePort gateway (got ${JSON.stringify(input.nodePorts)} with serviceType ${serviceType}); allowed: unset, or serviceType NodePort`);
    }
    if (input.nodePorts?.crossNetwork !== undefined && input.nodePorts.crossNetwork === input.nodePorts.xds) {
        problems.push(`${f("nodePorts")}: crossNetwork and xds are the same port (got ${input.nodePorts.xds}); allowed: two different ports from 30000 to 32767`);
    }
    if (input.replicas !== undefined && input.autoscaling) {
        problems.push(`${f("replicas")}: set together with autoscaling (got ${input.replicas}); allowed: one of them, replicas for a fixed count or autoscaling for a range`);
    }
    const autoscaling = input.autoscaling && {
        minReplicas: input.autoscaling.minReplicas ?? DEFAULT_EASTWEST_REPLICAS,
        maxReplicas: input.autoscaling.maxReplicas,
        cpuUtilization: input.autoscaling.cpuUtilization ?? DEFAULT_CPU_UTILIZATION,
    };
    if (autoscaling && autoscaling.maxReplicas < autoscaling.minReplicas) {
        problems.push(`${f("autoscaling.maxReplicas")}: is below minReplicas ${autoscaling.minReplicas} (got ${autoscaling.maxReplicas}); allowed: ${autoscaling.minReplicas} or more`);
    }

    const shape = {
        namespace: input.namespace ?? DEFAULT_EASTWEST_NAMESPACE,
        address: input.address,
        serviceType,
        exposure: input.exposure ?? "Public",
        annotations: input.annotations ?? {},
        labels: input.labels ?? {},
    } as const;
    // What istiod can be told depends on the minor: without parametersRef (before 1.26) only labels and annotations.
    const customized: [string, boolean][] = [
        ["replicas", input.replicas !== undefined],
        ["autoscaling", input.autoscaling !== undefined],
        ["podDisruptionBudget", input.podDisruptionBudget === true],
        ["antiAffinity", input.antiAffinity !== undefined],
        ["resources", input.resources !== undefined],
        ["loadBalancerSourceRanges", (input.loadBalancerSourceRanges?.length ?? 0) > 0],
        ["nodePorts", input.nodePorts !== undefined],
    ];
    if (!facts.gatewayParameters) {
        for (const [field] of customized.filter(([, set]) => set)) {
            problems.push(
                `${f(field)}: Istio ${version} cannot apply it: istiod reads a Gateway's parametersRef ConfigMap (replicas, affinity, resources, autoscaler, PodDisruptionBudget, Service settings) from 1.26 (got version "${version}"); allowed: unset (istiod runs one replica, no PodDisruptionBudget), or version 1.26.0 or later`,
            );
        }
        return {
            ...shape,
            loadBalancerSourceRanges: [],
            podDisruptionBudget: false,
            antiAffinity: "None",
            parameters: false,
        };
    }

    const replicas = autoscaling ? undefined : (input.replicas ?? DEFAULT_EASTWEST_REPLICAS);
    const fewest = autoscaling?.minReplicas ?? replicas ?? 1;
    if (input.podDisruptionBudget === true && fewest < 2) {
        problems.push(
            `${f("podDisruptionBudget")}: true with ${fewest} replica would block every node drain (minAvailable 1 of 1) (got true); allowed: false, or replicas (autoscaling.minReplicas) of 2 or more`,
        );
    }
    return {
        ...shape,
        loadBalancerSourceRanges: input.loadBalancerSourceRanges ?? [],
        nodePorts: input.nodePorts,
        replicas,
        autoscaling,
        podDisruptionBudget: input.podDisruptionBudget ?? fewest >= 2,
        antiAffinity: input.antiAffinity ?? "Preferred",
        resources: input.resources,
        parameters: true,
    };
}
