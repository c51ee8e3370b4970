#!/usr/bin/env bash
# Generates the SDKs in sdk/ from the schema the plugin serves, as the Pulumi CLI reads it from the plugin.
#
#   scripts/gen-sdk.sh          rewrite sdk/schema.json and sdk/{nodejs,python,go}
#   scripts/gen-sdk.sh --check  change nothing; exit 1 and list the differences when sdk/ is not what the plugin
#                               serves today (CI runs this in the real-engine tier)
#
# The schema comes from `pulumi package get-schema` on bin/pulumi-resource-servicemesh (the plugin itself), is checked
# with `pulumi schema check`, and the code is written by pulumi-gen-sdk (pkg/v3's generators, see
# scripts/tools/pulumi/gensdk) because this CLI's language hosts cannot run `pulumi package gen-sdk`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LANGS=(nodejs python go)
mode="${1:-write}"

bin="$("$REPO/scripts/tools.sh" --print-bindir)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PULUMI_HOME="$tmp/home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# The schema references the kubernetes provider (per-cluster provider inputs): binding it reads the kubernetes
# plugin's schema, found on PATH like every other tool.
export PATH="$bin:$PATH"
mkdir -p "$tmp/sdk"

# An absolute path is read as a plugin path. The cwd is outside the repository: the CLI refuses to run package
# commands in a folder whose nearest Pulumi files are the root's PulumiPlugin.yaml and Pulumi.yaml side by side.
(cd "$tmp" && "$bin/pulumi" package get-schema "$REPO/bin/pulumi-resource-servicemesh") >"$tmp/sdk/schema.json"
"$bin/pulumi" schema check "$tmp/sdk/schema.json"
"$bin/pulumi-gen-sdk" "$tmp/sdk/schema.json" "$tmp/sdk" "${LANGS[@]}" >&2

parts=(schema.json "${LANGS[@]}")
if [[ "$mode" == --check ]]; then
  rc=0
  for p in "${parts[@]}"; do
    # pip builds a local SDK in place (build/, *.egg-info); those are not part of the SDK
    diff -r -q -x build -x '*.egg-info' -x __pycache__ "$REPO/sdk/$p" "$tmp/sdk/$p" >&2 || rc=1
  done
  if ((rc)); then echo "sdk/ differs from the schema the plugin serves: run scripts/gen-sdk.sh and commit sdk/" >&2; exit 1; fi
  echo "sdk/ matches the schema the plugin serves" >&2
else
  mkdir -p "$REPO/sdk"
  for p in "${parts[@]}"; do
    rm -rf "${REPO:?}/sdk/$p"
    cp -R "$tmp/sdk/$p" "$REPO/sdk/$p"
  done
  echo "wrote sdk/{$(IFS=,; echo "${parts[*]}")}" >&2
fi
