// Not tidied (no go.sum): the Go module proxy serves neither github.com/pulumi/pulumi-tls/provider/v5 (any
// version) nor the pinned github.com/hashicorp/terraform-provider-tls pseudo-version. When it does,
// `scripts/tools.sh --regen tls-provider` rewrites this file and adds go.sum.
module servicemesh.local/tools/tls-provider

go 1.24.0

require (
	github.com/hashicorp/terraform-provider-tls/shim v0.0.0
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.120.0
	github.com/pulumi/pulumi-tls/provider/v5 v5.6.1
)

replace (
	github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20260318212141-5525259d096b
	github.com/hashicorp/terraform-provider-tls/shim => ./shim
)
