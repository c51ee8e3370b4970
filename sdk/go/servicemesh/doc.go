// Pulumi components that install and run Istio service meshes (ambient or sidecar) on one or many Kubernetes clusters.
package servicemesh
