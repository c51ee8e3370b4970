// Command embedgen writes the build-time embed files of a Pulumi provider: the package schema with its top-level
// "version" set, and a minified copy of another JSON file. Used by scripts/tools.sh only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log"
	"os"
)

func main() {
	version := flag.String("version", "", "version to write into the schema's top-level \"version\"")
	schemaIn := flag.String("schema", "", "schema.json to read")
	schemaOut := flag.String("schema-out", "", "file to write the versioned schema to")
	minifyIn := flag.String("minify", "", "JSON file to minify (optional)")
	minifyOut := flag.String("minify-out", "", "file to write the minified JSON to")
	flag.Parse()
	if *version == "" || *schemaIn == "" || *schemaOut == "" {
		log.Fatal("gen: -version, -schema and -schema-out are required")
	}

	raw, err := os.ReadFile(*schemaIn)
	if err != nil {
		log.Fatal(err)
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &spec); err != nil {
		log.Fatalf("gen: %s: %v", *schemaIn, err)
	}
	v, _ := json.Marshal(*version)
	spec["version"] = v
	out, err := json.Marshal(spec)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*schemaOut, out, 0o644); err != nil {
		log.Fatal(err)
	}

	if *minifyIn != "" {
		raw, err := os.ReadFile(*minifyIn)
		if err != nil {
			log.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			log.Fatalf("gen: %s: %v", *minifyIn, err)
		}
		if err := os.WriteFile(*minifyOut, buf.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
