// The servicemesh package: the components it serves (as `servicemesh:index:<Class>`) and their public types.
// Types are exported before the components on purpose: the schema analyzer collects a type's description only from
// files it visits before it has found every component.
import { installSchemaCompletion, PACKAGE_ROOT } from "./package/schema";
import { installConstructInputs } from "./package/construct";
installSchemaCompletion();
installConstructInputs(PACKAGE_ROOT);
export * from "./controller/args";
export * from "./trust/args";
export * from "./multicluster/args";
export * from "./link/args";
export { ServiceMeshController } from "./controller/controller";
export { RootOfTrust } from "./trust/rootOfTrust";
export { MultiClusterMesh } from "./multicluster/mesh";
export type { MultiClusterMeshOptions } from "./multicluster/mesh";
export { ClusterLink } from "./link/clusterLink";
