// One stack per region (README "Many clusters: one stack per region"): the same program runs
//  - the trust stack (role=trust): the fleet's RootOfTrust, exporting each cluster's cacerts as a secret;
//  - every member stack (role=member): its clusters' ServiceMeshControllers with the cacerts the trust stack exports,
//    the links this stack owns (from each of its clusters to each other one, and to every peer of peerStacks: a link
//    is owned by the stack of its sending cluster), and its clusters' `peer` outputs, which the other members read.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterLink, EastWestGateway, MeshPeer, RootOfTrust, RotationStage, ServiceMeshController } from "servicemesh";
import { checkPeersTrust, memberPhase, remotePeers } from "servicemesh/fleet";

interface ClusterConfig {
    name: string;
    context?: string;
    kubeconfig?: string;
    network?: string;
}
type Files = { caCertPem: string; caKeyPem: string; rootCertPem: string; certChainPem: string };

const config = new pulumi.Config();
// A stack of the same project and backend by its short name, or any stack by org/project/stack.
const qualified = (s: string) => (s.includes("/") ? s : `${pulumi.getOrganization()}/${pulumi.getProject()}/${s}`);

function trustStack() {
    const names = config.requireObject<string[]>("clusterNames");
    const material = (dir: string) =>
        names.map((cluster) => {
            const read = (file: string) => fs.readFileSync(path.join(dir, cluster, file), "utf8");
            return { cluster, caCertPem: read("ca-cert.pem"), caKeyPem: pulumi.secret(read("ca-key.pem")), rootCertPem: read("root-cert.pem"), certChainPem: read("cert-chain.pem") };
        });
    const caDir = config.get("caDir");
    const nextCaDir = config.get("nextCaDir");
    const stage = config.get("rotationStage") as RotationStage | undefined;
    const trust = new RootOfTrust("trust", {
        clusters: caDir ? undefined : names,
        clusterCas: caDir ? material(caDir) : undefined,
        rotation: stage ? { stage, next: nextCaDir ? { clusterCas: material(nextCaDir) } : undefined } : undefined,
    });
    return { cacerts: trust.cacerts, rootCertPem: trust.rootCertPem, rotationStage: trust.rotationStage };
}

async function memberStack() {
    const clusters = config.requireObject<ClusterConfig[]>("clusters");
    const peerStacks = config.getObject<string[]>("peerStacks") ?? [];
    const trust = new pulumi.StackReference("trust", { name: qualified(config.require("trustStack")) });
    // Secret end to end: the trust stack exports it as a secret, and it stays one in this stack.
    const cacerts = trust.requireOutput("cacerts") as pulumi.Output<Record<string, Files>>;
    const stage = (await trust.getOutputDetails("rotationStage")).value as string | undefined;

    // The peers of the other member stacks, read now: a stack whose peers output is gone is refused by name.
    const refs = peerStacks.map((s) => ({ stack: s, ref: new pulumi.StackReference(`peers-${s}`, { name: qualified(s) }) }));
    const details = await Promise.all(refs.map(async ({ stack, ref }) => ({ stack, peers: (await ref.getOutputDetails("peers")).value })));
    const remote = remotePeers(details, "peerStacks", clusters.map((c) => c.name));
    const remotePeerList = Object.values(remote).map((r) => r.peer);

    const shared = {
        version: config.get("istioVersion") ?? "1.31.1",
        license: config.getSecret("license"),
        repository: config.get("repositoryUrl")
            ? { url: config.require("repositoryUrl"), secrets: config.get("repositorySecret") ? [config.require("repositorySecret")] : undefined, insecureSkipVerify: config.getBoolean("insecureSkipVerify") ?? false }
            : undefined,
        gatewayApi: config.get("gatewayApiManifest") ? { manifest: config.require("gatewayApiManifest") } : undefined,
        eastWestGateway: config.getObject<EastWestGateway>("eastWestGateway") ?? {},
    };
    const local = clusters.map((c) => {
        const provider = new k8s.Provider(c.name, {
            kubeconfig: c.kubeconfig ? pulumi.secret(fs.readFileSync(c.kubeconfig, "utf8")) : undefined,
            context: c.context,
        });
        const controller = new ServiceMeshController(
            c.name,
            {
                ...shared,
                cluster: c.name,
                network: c.network ?? c.name,
                // This cluster's material from the trust stack, refused when a peer of another stack could not accept it.
                cacerts: cacerts.apply((all) => {
                    if (!all?.[c.name]) throw new Error(`trustStack: exports no cacerts for cluster "${c.name}"; add it to the trust stack's clusterNames and run its up first`);
                    return checkPeersTrust(c.name, all[c.name], remotePeerList, stage);
                }),
            },
            { provider },
        );
        return { name: c.name, provider, controller };
    });

    // The links this stack owns: from each of its clusters to each other one, and to every remote peer.
    const links: ClusterLink[] = [];
    for (const from of local) {
        for (const to of local.filter((t) => t !== from)) {
            links.push(new ClusterLink(`${from.name}-to-${to.name}`, { from: from.name, to: to.controller.peer as pulumi.Output<MeshPeer> }, { provider: from.provider, dependsOn: [from.controller] }));
        }
        for (const [cluster, { stack }] of Object.entries(remote)) {
            // The other stack's peer output, handed to `to` as is (checked field by field once known).
            const peer = refs.find((r) => r.stack === stack)!.ref.getOutput("peers").apply((p) => p?.[cluster]);
            links.push(new ClusterLink(`${from.name}-to-${cluster}`, { from: from.name, to: peer }, { provider: from.provider, dependsOn: [from.controller] }));
        }
    }

    const clusterStates = pulumi.all(local.map((l) => pulumi.all([l.controller.phase, l.controller.version]).apply(([phase, version]) => ({ name: l.name, phase, version }))));
    const linkStates = pulumi.all(links.map((l) => pulumi.all([l.from, l.to, l.ready, l.message]).apply(([from, to, ready, message]) => ({ from, to, ready, message }))));
    return {
        peers: pulumi.all(Object.fromEntries(local.map((l) => [l.name, l.controller.peer]))),
        clusters: clusterStates,
        links: linkStates,
        phase: pulumi.all([clusterStates, linkStates]).apply(([c, l]) => memberPhase(c, l)),
    };
}

export = async () => ((config.get("role") ?? "member") === "trust" ? trustStack() : memberStack());
