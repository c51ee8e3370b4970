// pulumi-gen-sdk: writes Pulumi SDKs for a schema file with the code generators of pkg/v3 (the CLI's own version),
// in process. It stands in for `pulumi package gen-sdk`, which hands generation to the language hosts'
// GeneratePackage RPC: the only language hosts buildable from the module proxy (sdk/v3 <= v3.68) predate that RPC.
//
//	pulumi-gen-sdk SCHEMA.json OUTDIR nodejs|python|go...   writes OUTDIR/<lang>/
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pkghost "github.com/pulumi/pulumi/pkg/v3/host"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/pkg/v3/resource/plugin"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-gen-sdk SCHEMA.json OUTDIR LANG...")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	must(err)
	var spec schema.PackageSpec
	must(json.Unmarshal(raw, &spec))
	// The schema references other packages' resources (the kubernetes provider): the loader reads their schemas from
	// their plugins, resolved as the CLI resolves them (PATH, then the plugin cache).
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	host, err := pkghost.New(context.Background(), sink, sink, nil, nil, schema.NewLoaderServerFromContext, nil, nil)
	must(err)
	defer host.Close()
	wd, err := os.Getwd()
	must(err)
	pctx, err := plugin.NewContext(context.Background(), sink, sink, host, nil, wd, nil, false, nil, nil)
	must(err)
	defer pctx.Close()
	loader := schema.NewPluginLoader(pctx)
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	must(err)
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, "schema:", d.Error())
	}
	if diags.HasErrors() {
		os.Exit(1)
	}
	// as `pulumi package add` does: Go then gets a go.mod and a module path of its own
	pkg.SupportPack = true
	for _, lang := range os.Args[3:] {
		var files map[string][]byte
		switch lang {
		case "nodejs":
			files, err = nodejs.GeneratePackage("pulumi", pkg, nil, nil, false, loader)
		case "python":
			files, err = python.GeneratePackage("pulumi", pkg, nil, loader)
		case "go":
			files, err = gogen.GeneratePackage("pulumi", pkg, nil)
		default:
			err = fmt.Errorf("unsupported language %q", lang)
		}
		must(err)
		out := filepath.Join(os.Args[2], lang)
		must(os.RemoveAll(out))
		for name, data := range files {
			p := filepath.Join(out, name)
			must(os.MkdirAll(filepath.Dir(p), 0o755))
			must(os.WriteFile(p, data, 0o644))
		}
		fmt.Printf("%s: %d files in %s\n", lang, len(files), out)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
