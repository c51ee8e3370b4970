// onConflict Force: taking over a Helm release that someone else installed under the name this component uses.
// `helm install` refuses a name whose newest record is deployed, and the Kubernetes provider's Release can only
// install. Helm does reuse a name whose newest record is `uninstalled` when asked to replace (the component's
// releases set `replace` under Force): it supersedes that record and adopts the objects annotated with the same
// release name and namespace, which are exactly the existing release's objects. So the takeover rewrites only the
// status of the newest record; no object of the mesh is touched until the new release upgrades them in place.
import * as zlib from "zlib";
import { KubeConnection, kubeRequest } from "./kube";

export async function releaseForTakeover(conn: KubeConnection, namespace: string, name: string, owner: string): Promise<void> {
    const request = kubeRequest(conn);
    const selector = encodeURIComponent(`owner=helm,name=${name}`);
    const secrets = ((await request("GET", `/api/v1/namespaces/${namespace}/secrets?labelSelector=${selector}`))?.items ?? []) as any[];
    const newest = secrets.sort((a, b) => Number(b.metadata.labels?.version ?? 0) - Number(a.metadata.labels?.version ?? 0))[0];
    if (!newest) {
        return;
    }
    const gz = Buffer.from(Buffer.from(newest.data.release, "base64").toString("utf8"), "base64");
    const record = JSON.parse(zlib.gunzipSync(gz).toString("utf8"));
    record.info = { ...record.info, status: "uninstalled", description: `taken over by ${owner} (onConflict: Force)` };
    const encoded = Buffer.from(zlib.gzipSync(Buffer.from(JSON.stringify(record))).toString("base64")).toString("base64");
    await request("PATCH", `/api/v1/namespaces/${namespace}/secrets/${newest.metadata.name}`, {
        metadata: { labels: { status: "uninstalled" } },
        data: { release: encoded },
    });
}
