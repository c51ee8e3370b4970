module github.com/hashicorp/terraform-provider-tls/shim

go 1.24.0

require (
	github.com/hashicorp/terraform-plugin-framework v1.19.0
	github.com/hashicorp/terraform-provider-tls v1.2.1-0.20260513075833-609226f53114
)
