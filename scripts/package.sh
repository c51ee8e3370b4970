#!/usr/bin/env bash
# Builds the plugin archive a Pulumi user installs outside this repository:
#
#   npm run package [-- OUTDIR]   writes OUTDIR (default: artifacts/) /pulumi-resource-servicemesh-v<version>-<os>-<arch>.tar.gz
#   pulumi plugin install resource servicemesh <version> --file <that archive>
#
# The archive holds the compiled package (dist/, with the schema inferred at build time), the launcher at its root
# (the CLI runs `pulumi-resource-servicemesh` from the plugin folder), package.json and the production node_modules,
# plus the pinned Node 22 binary (the npm `node` package the build uses) as
# node_modules/.bin/node, which the launcher prefers: @pulumi/pulumi needs Node 22 and a machine may have an older one.
# The Node binary makes the archive specific to this machine's OS and architecture, hence the name.
# No PulumiPlugin.yaml: with one, `pulumi plugin install` runs `npm install` in the plugin folder (the root's
# `prepare` then fails without the sources, and provider SDKs' install scripts try to download plugins), and the CLI
# would only read it if the launcher were missing.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$REPO/artifacts}" && cd "${1:-$REPO/artifacts}" && pwd)"

[[ -f "$REPO/dist/plugin.js" && -f "$REPO/dist/package/schema.json" ]] || { echo "package: run 'npm run build:dist' first" >&2; exit 1; }
node_bin="$REPO/node_modules/node/bin/node"
[[ -x "$node_bin" ]] || { echo "package: $node_bin is missing: run 'npm ci'" >&2; exit 1; }

version="$(node -p "require('$REPO/package.json').version")"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
archive="$out/pulumi-resource-servicemesh-v$version-$os-$arch.tar.gz"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$REPO/package.json" "$REPO/package-lock.json" "$REPO/dist" "$REPO/bin" "$stage/"
# Production dependencies only; no install scripts (the root's `prepare` builds from sources the archive does not
# carry, and provider SDKs' install scripts would try to download plugins).
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --silent)
mkdir -p "$stage/node_modules/.bin"
cp "$node_bin" "$stage/node_modules/.bin/node"
# The CLI starts an installed plugin as <plugin folder>/pulumi-resource-<name>; bin/'s launcher finds the package
# one folder up from itself, so the root one only hands over to it.
cat >"$stage/pulumi-resource-servicemesh" <<'EOF'
#!/bin/sh
exec "$(dirname "$(readlink -f "$0")")/bin/pulumi-resource-servicemesh" "$@"
EOF
chmod +x "$stage/pulumi-resource-servicemesh"
tar -C "$stage" -czf "$archive" .
echo "$archive"
