import * as pulumi from "@pulumi/pulumi";
import { buildMesh } from "./mesh";

const config = new pulumi.Config();
const { mesh } = buildMesh(config.requireObject<string[]>("contexts"), config.getSecret("license"));
export const phase = mesh.phase;
export const summary = mesh.summary;
