// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider, built from the provider module on the
// Go module proxy. The two embedded files are not part of that module; scripts/tools.sh generates them at build
// time (see gen/) into a temporary copy of this directory. They are never committed.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
