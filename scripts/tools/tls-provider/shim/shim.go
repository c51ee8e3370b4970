// Package shim gives github.com/pulumi/pulumi-tls/provider/v5 the Terraform TLS provider. pulumi-tls expects a
// module with this path (its go.mod replaces it with a local directory that its module zip lacks). The module
// path lies under github.com/hashicorp/terraform-provider-tls, so it may import that module's internal package.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	tlsprovider "github.com/hashicorp/terraform-provider-tls/internal/provider"
)

// NewProvider returns the Terraform TLS provider.
func NewProvider() provider.Provider {
	return tlsprovider.New()
}
