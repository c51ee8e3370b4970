// The multicluster example on three simulated clusters with the real Pulumi CLI, at Istio 1.31 (public Solo registry
// layout, today's peering settings): a shared root of trust, east-west gateways, a full mesh of links; then no-op and
// teardown.
import { X509Certificate } from "crypto";
import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { changes, multiclusterStack } from "./harness/stacks";
import { env } from "./hooks";

const CLUSTERS = ["east", "west", "north"];

describe("multicluster mesh of three clusters (real engine)", function () {
    let stack: Stack;

    before(async () => {
        ({ stack } = await multiclusterStack(env(), "e2e-multi", CLUSTERS, {}, "multicluster-ts", "1.31.1"));
    });

    it("deploys: every cluster SUCCEEDED, six links accepted", async () => {
        const result = await stack.up({ onOutput: (l) => process.stderr.write(l) });
        expect(result.outputs.phase.value, result.outputs.summary?.value).to.equal("SUCCEEDED");
        const clusters = result.outputs.clusterStates.value as any[];
        expect(clusters.map((c) => [c.cluster, c.phase, c.eastWestAddress])).to.deep.equal(CLUSTERS.map((n) => [n, "SUCCEEDED", env().addresses[n]]));
        for (const c of clusters) {
            expect(c.conditions.every((x: any) => x.status === "True"), c.cluster).to.equal(true);
            // The stand-in of the bundle 1.31 is built against, as the component applies by default.
            expect(c.gatewayApi, c.cluster).to.deep.equal({ version: "v1.6.0", channel: "standard", managed: true, action: "install" });
        }
        const links = result.outputs.meshLinks.value as any[];
        expect(links).to.have.length(6);
        expect(links.every((l) => l.accepted)).to.equal(true);
        process.stderr.write(`${result.outputs.summary.value}\n`);
    });

    it("gives every cluster a cacerts Secret whose intermediate chains to one shared root", async () => {
        const e = env();
        const roots = new Set<string>();
        for (const name of CLUSTERS) {
            const secret = JSON.parse(await e.kubectl(name, ["get", "secret", "cacerts", "-n", "istio-system", "-o", "json"]));
            const file = (k: string) => Buffer.from(secret.data[k], "base64").toString("utf8");
            const root = new X509Certificate(file("root-cert.pem"));
            const ca = new X509Certificate(file("ca-cert.pem"));
            expect(ca.verify(root.publicKey), name).to.equal(true);
            expect(ca.ca).to.equal(true);
            expect(ca.subject).to.contain(`L=${name}`);
            expect(file("cert-chain.pem")).to.contain(file("ca-cert.pem").trim());
            roots.add(root.fingerprint256);
        }
        expect(roots.size).to.equal(1);
    });

    it("creates the east-west and istio-remote-peer Gateways with the right addresses", async () => {
        const e = env();
        for (const name of CLUSTERS) {
            const gws = JSON.parse(await e.kubectl(name, ["get", "gateways.gateway.networking.k8s.io", "-n", "istio-eastwest", "-o", "json"])).items;
            const ew = gws.find((g: any) => g.metadata.name === "istio-eastwest");
            expect(ew.metadata.labels).to.include({ "istio.io/expose-istiod": "15012", "topology.istio.io/network": name });
            const peers = gws.filter((g: any) => g.spec.gatewayClassName === "istio-remote");
            expect(peers.map((p: any) => p.metadata.name).sort()).to.deep.equal(CLUSTERS.filter((c) => c !== name).map((c) => `istio-remote-peer-${c}`).sort());
            for (const p of peers) {
                const peer = p.metadata.labels["topology.istio.io/cluster"];
                expect(p.spec.addresses).to.deep.equal([{ type: "IPAddress", value: e.addresses[peer] }]);
                expect(p.metadata.annotations["gateway.istio.io/trust-domain"]).to.equal(peer);
            }
            const releases = JSON.parse(await e.helm(name, ["list", "-n", "istio-system", "-o", "json"]));
            expect(releases.map((r: any) => [r.status, r.chart.replace(/^[a-z]+-/, "")])).to.deep.equal(Array(4).fill(["deployed", "1.31.1-solo"]));
            // Solo's peering settings of 1.29+ reach istiod's environment.
            const istiod = JSON.parse(await e.kubectl(name, ["get", "deployment", "istiod", "-n", "istio-system", "-o", "json"]));
            const envOf = Object.fromEntries(istiod.spec.template.spec.containers[0].env.filter((v: any) => "value" in v).map((v: any) => [v.name, v.value]));
            expect(envOf).to.include({ PILOT_ENABLE_IP_AUTOALLOCATE: "true", PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES: "false", PILOT_SKIP_VALIDATE_TRUST_DOMAIN: "true" });
        }
    });

    it("reports per cluster and release the values Helm holds for the release (Helm keeps no empty lists)", async () => {
        const e = env();
        const applied = (await stack.outputs()).appliedValues.value as { cluster: string; release: string; values: any }[];
        expect(applied.map((a) => `${a.cluster}/${a.release}`)).to.deep.equal(CLUSTERS.flatMap((c) => ["istio-base", "istiod", "istio-cni", "ztunnel"].map((r) => `${c}/${r}`)));
        const withoutEmptyLists = (v: any): any =>
            v && typeof v === "object" && !Array.isArray(v)
                ? Object.fromEntries(Object.entries(v).filter(([, x]) => !(Array.isArray(x) && x.length === 0)).map(([k, x]) => [k, withoutEmptyLists(x)]))
                : v;
        for (const a of applied) {
            const held = JSON.parse(await e.helm(a.cluster, ["get", "values", a.release, "-n", "istio-system", "-o", "json"]));
            expect(withoutEmptyLists(a.values), `${a.cluster}/${a.release}`).to.deep.equal(held);
        }
        expect(applied.find((a) => a.cluster === "east" && a.release === "istiod")!.values.pilot.env).to.include({ PILOT_ENABLE_IP_AUTOALLOCATE: "true" });
    });

    it("a second up changes nothing", async () => {
        const result = await stack.up();
        expect(changes(result.summary.resourceChanges)).to.deep.equal({});
    });

    it("destroy leaves no releases, Gateways or namespaces of ours", async () => {
        const e = env();
        await stack.destroy();
        for (const name of CLUSTERS) {
            expect(JSON.parse(await e.helm(name, ["list", "-A", "-o", "json"]))).to.deep.equal([]);
            const namespaces = await e.kubectl(name, ["get", "namespaces", "-o", "name"]);
            expect(namespaces).to.not.contain("namespace/istio-system");
            expect(namespaces).to.not.contain("namespace/istio-eastwest");
            const hooks = await e.kubectl(name, ["get", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "-o", "name"]);
            expect(hooks).to.not.match(/istio/);
        }
    });
});
