// An ambient Istio mesh on one cluster from Go: the same program as examples/single-cluster-ts, through the generated
// Go SDK (sdk/go). Everything the Gloo operator's ServiceMeshController resource does, as one Pulumi component:
// namespace, Gateway API CRDs, the base/istiod/istio-cni/ztunnel Helm releases, and readiness.
package main

import (
	servicemesh "example.com/pulumi-servicemesh-sdk/servicemesh"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		version := cfg.Get("istioVersion")
		if version == "" {
			version = "1.31.1"
		}
		profile := servicemesh.ScalingProfile(cfg.Get("scalingProfile"))
		if profile == "" {
			profile = servicemesh.ScalingProfileDEFAULT
		}
		mode := servicemesh.DataplaneModeAMBIENT
		args := &servicemesh.ServiceMeshControllerArgs{
			Version:        version,
			Cluster:        pulumi.StringRef("cluster1"),
			Network:        pulumi.StringRef("cluster1"),
			DataplaneMode:  &mode,
			ScalingProfile: &profile,
		}
		// Private mirrors and authenticated chart repositories; unset = the Solo repositories of the version's minor.
		if repo := cfg.Get("imageRepository"); repo != "" {
			args.Image = &servicemesh.ImageArgs{Repository: pulumi.StringRef(repo)}
		}
		if url := cfg.Get("repositoryUrl"); url != "" {
			args.Repository = &servicemesh.RepositoryArgs{Url: pulumi.StringRef(url)}
			if secret := cfg.Get("repositorySecret"); secret != "" {
				args.Repository.Secrets = []string{secret}
			}
		}
		if manifest := cfg.Get("gatewayApiManifest"); manifest != "" {
			args.GatewayApi = &servicemesh.GatewayApiArgs{Manifest: pulumi.StringRef(manifest)}
		}
		// Helm values per chart, merged over the component's own (README, "Tuning"), e.g.
		//   pulumi config set --path values.istiod.meshConfig.accessLogFile /dev/stdout
		var values map[string]map[string]interface{}
		if err := cfg.TryObject("values", &values); err == nil {
			chart := func(name string) pulumi.MapInput {
				if v, ok := values[name]; ok {
					return pulumi.ToMap(v)
				}
				return nil
			}
			args.Values = &servicemesh.ChartValuesArgs{Base: chart("base"), Istiod: chart("istiod"), Cni: chart("cni"), Ztunnel: chart("ztunnel")}
		}
		// The component builds its own Kubernetes provider from these; leave both unset for the ambient kubeconfig.
		if cfg.Get("kubeconfig") != "" {
			args.Kubeconfig = cfg.RequireSecret("kubeconfig")
		}
		if context := cfg.Get("context"); context != "" {
			args.Context = pulumi.StringPtr(context)
		}

		mesh, err := servicemesh.NewServiceMeshController(ctx, "mesh", args)
		if err != nil {
			return err
		}
		ctx.Export("phase", mesh.Phase)
		ctx.Export("conditions", mesh.Conditions)
		ctx.Export("releases", mesh.Releases)
		ctx.Export("trustDomain", mesh.TrustDomain)
		return nil
	})
}
