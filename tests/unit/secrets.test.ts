// Secrets by schema: every property of SECRET_PROPERTIES is `secret: true` in the schema, and the component keeps it
// secret when given as plain text: under mocks, the value never appears unwrapped (nor base64-encoded) in a registered
// resource's inputs, nor in a component output that is not a secret. One scenario per property of the table, so a
// property added to the table without a test fails here.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { mockClusters, registered, resetMocks, settle, valueOf } from "./mocks";
import { ClusterLink, MultiClusterMesh, RootOfTrust, ServiceMeshController } from "../../provider";
import { SECRET_PROPERTIES } from "../../provider/package/schema";
import { packageSchema } from "../../scripts/schema";
import { IssuedCa, issueClusterCas } from "../support/pki";

const CRDS = path.join(__dirname, "..", "fixtures", "gateway-api-crds.yaml");
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "servicemesh-secrets-"));

/** Where `needle` (or its base64) shows in plain text in `value`: paths outside Pulumi's secret wrappers. */
function plainAt(value: unknown, needle: string, at = ""): string[] {
    if (typeof value === "string") {
        return value.includes(needle) || value.includes(Buffer.from(needle).toString("base64")) ? [at] : [];
    }
    if (!value || typeof value !== "object") return [];
    if ((value as any)[SIG_KEY] === SECRET_SIG) return [];
    return Object.entries(value).flatMap(([k, v]) => plainAt(v, needle, `${at}.${k}`));
}

/** Registered inputs and the components' non-secret outputs that hold `needle` in plain text. */
async function leaks(needle: string, components: pulumi.Resource[]): Promise<string[]> {
    await settle();
    const found = registered.flatMap((r) => plainAt(r.inputs, needle).map((p) => `${r.type} ${r.name} inputs${p}`));
    for (const c of components) {
        for (const [key, out] of Object.entries(c)) {
            if (!pulumi.Output.isInstance(out)) continue;
            const [value, secret] = await Promise.all([valueOf(out), (out as any).isSecret as Promise<boolean>]);
            if (!secret) found.push(...plainAt(value, needle).map((p) => `${c.constructor.name}.${key}${p}`));
        }
    }
    return found;
}

/** A root and intermediates issued elsewhere, with the root's key. */
function pki(name: string, clusters: string[]): { cas: Record<string, IssuedCa>; rootCertPem: string; rootKeyPem: string } {
    const dir = path.join(tmp, name);
    const cas = issueClusterCas(dir, clusters);
    return { cas, rootCertPem: fs.readFileSync(path.join(dir, "root-cert.pem"), "utf8"), rootKeyPem: fs.readFileSync(path.join(dir, "root-key.pem"), "utf8") };
}

const controller = { version: "1.24.3", gatewayApi: { manifest: CRDS } };
const meshClusters = [{ cluster: "east", context: "ctx-east" }, { cluster: "west", context: "ctx-west" }];
const mesh = { version: "1.24.3", gatewayApi: { manifest: CRDS }, rootOfTrust: { rsaBits: 2048 } };
const clusterCas = (cas: Record<string, IssuedCa>) => Object.entries(cas).map(([cluster, f]) => ({ cluster, ...f }));

/** A deployment with the secret given as plain text: its needle and the components to check. */
type Scenario = () => Promise<{ needle: string; components: pulumi.Resource[] }>;

const license = (): Scenario => async () => {
    const needle = `license-${Math.random().toString(36).slice(2)}`;
    // 1.24 takes it in istiod's environment, 1.26 from the Secret solo-istio-license.
    const components = ["1.24.3", "1.26.2"].map((version, i) => new ServiceMeshController(`lic-${i}`, { ...controller, version, license: needle, cluster: `c${i}`, network: `c${i}`, eastWestGateway: {} }));
    await Promise.all(components.map((c) => valueOf(c.phase)));
    return { needle, components };
};

const cacertsGiven: Scenario = async () => {
    const { cas } = pki("cacerts", ["east"]);
    const c = new ServiceMeshController("ca", { ...controller, cluster: "east", cacerts: cas.east });
    await valueOf(c.phase);
    return { needle: cas.east.caKeyPem.trim(), components: [c] };
};

const importedRoot = (where: "RootOfTrust" | "MultiClusterMesh"): Scenario => async () => {
    const { rootCertPem, rootKeyPem } = pki(`root-${where}`, ["east"]);
    const settings = { rootCertPem, rootKeyPem, rsaBits: 2048 };
    const component =
        where === "RootOfTrust"
            ? new RootOfTrust("imported", { ...settings, clusters: ["east"] })
            : new MultiClusterMesh("imported", { ...mesh, clusters: meshClusters, rootOfTrust: settings });
    await (component instanceof RootOfTrust ? valueOf(component.cacerts) : valueOf((component as MultiClusterMesh).phase));
    return { needle: rootKeyPem.trim(), components: [component] };
};

const issuedElsewhere: Scenario = async () => {
    const { cas } = pki("elsewhere", ["east", "west"]);
    const m = new MultiClusterMesh("elsewhere", { ...mesh, clusters: meshClusters, rootOfTrust: { clusterCas: clusterCas(cas) } });
    await valueOf(m.phase);
    return { needle: cas.west.caKeyPem.trim(), components: [m] };
};

const generated: Scenario = async () => {
    const trust = new RootOfTrust("generated", { clusters: ["east"], rsaBits: 2048 });
    const cacerts = await valueOf(trust.cacerts);
    return { needle: cacerts.east.caKeyPem.trim(), components: [trust] };
};

const nextRoot: Scenario = async () => {
    const { rootCertPem, rootKeyPem } = pki("next", ["east"]);
    const trust = new RootOfTrust("rotating", { clusters: ["east"], rsaBits: 2048, rotation: { stage: "IssueFromNext", next: { rootCertPem, rootKeyPem } } });
    await valueOf(trust.cacerts);
    return { needle: rootKeyPem.trim(), components: [trust] };
};

const kubeconfig = (where: "ServiceMeshController" | "MultiClusterMesh" | "ClusterLink"): Scenario => async () => {
    const needle = `apiVersion: v1\nkind: Config\n# ${Math.random().toString(36).slice(2)}\n`;
    let component: pulumi.Resource;
    if (where === "ServiceMeshController") {
        component = new ServiceMeshController("kc", { ...controller, kubeconfig: needle });
        await valueOf((component as ServiceMeshController).phase);
    } else if (where === "MultiClusterMesh") {
        component = new MultiClusterMesh("kc", { ...mesh, clusters: meshClusters.map((c) => ({ ...c, kubeconfig: needle })) });
        await valueOf((component as MultiClusterMesh).phase);
    } else {
        component = new ClusterLink("kc", { from: "east", to: { cluster: "west", eastWestAddress: "10.0.0.9" }, kubeconfig: needle });
        await valueOf((component as ClusterLink).accepted);
    }
    return { needle, components: [component] };
};

const SCENARIOS: Record<string, Scenario> = {
    "ServiceMeshController.license": license(),
    "ServiceMeshController.kubeconfig": kubeconfig("ServiceMeshController"),
    "ServiceMeshController.cacerts": cacertsGiven,
    "Cacerts.caKeyPem": cacertsGiven,
    "MultiClusterMesh.license": async () => {
        const needle = `license-${Math.random().toString(36).slice(2)}`;
        const m = new MultiClusterMesh("lic", { ...mesh, clusters: meshClusters, license: needle });
        await valueOf(m.phase);
        return { needle, components: [m] };
    },
    "MeshCluster.kubeconfig": kubeconfig("MultiClusterMesh"),
    "ClusterLink.kubeconfig": kubeconfig("ClusterLink"),
    "RootOfTrust.rootKeyPem": importedRoot("RootOfTrust"),
    "RootOfTrustSettings.rootKeyPem": importedRoot("MultiClusterMesh"),
    "RootOfTrust.cacerts": generated,
    "ClusterCacerts.caKeyPem": generated,
    "ClusterCa.caKeyPem": issuedElsewhere,
    "NextRoot.rootKeyPem": nextRoot,
};

describe("secrets by schema: each secret property given as plain text (mocks)", function () {
    this.timeout(120_000);
    let schema: any;
    before(async () => {
        schema = await packageSchema();
    });
    beforeEach(() => {
        resetMocks();
        mockClusters({ clusters: { "ctx-east": { eastWestAddress: "172.18.0.10" }, "ctx-west": { eastWestAddress: "172.18.0.20" } } });
    });

    it("has a scenario for every secret property, and only those", () => {
        const table = Object.entries(SECRET_PROPERTIES).flatMap(([owner, props]) => props.map((p) => `${owner}.${p}`));
        expect(Object.keys(SCENARIOS)).to.have.members(table);
    });

    for (const [field, scenario] of Object.entries(SCENARIOS)) {
        it(`${field}: secret: true in the schema, never in plain text in what the component registers or outputs`, async () => {
            const [owner, prop] = field.split(".");
            const token = `servicemesh:index:${owner}`;
            const where = schema.resources[token] ?? schema.types[token];
            const declared = [where.inputProperties?.[prop], where.properties?.[prop]].filter(Boolean);
            expect(declared.length, field).to.be.greaterThan(0);
            expect(declared.map((p: any) => p.secret)).to.deep.equal(declared.map(() => true));
            const { needle, components } = await scenario();
            // The needle is there, wrapped: a needle in the wrong form would make the check below pass.
            expect(JSON.stringify(registered.map((r) => r.inputs)) + JSON.stringify(await Promise.all(components.flatMap((c) => Object.values(c).filter(pulumi.Output.isInstance).map(valueOf))))).to.satisfy(
                (text: string) => text.includes(JSON.stringify(needle).slice(1, -1)) || text.includes(Buffer.from(needle).toString("base64")),
            );
            expect(await leaks(needle, components)).to.deep.equal([]);
        });
    }
});
