#!/usr/bin/env bash
# Packages the e2e test-double charts (base, istiod, cni, ztunnel) as VERSION into OUTDIR and writes OUTDIR/index.yaml,
# so OUTDIR can be served as a classic Helm chart repository.
#
#   tests/e2e/charts/package.sh VERSION OUTDIR        e.g. package.sh 1.24.3-solo /tmp/charts
#
# Helm: $HELM, else `helm` on PATH, else the one scripts/tools.sh built (~/.cache/servicemesh-tools/<key>/bin/helm).
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 VERSION OUTDIR" >&2
  exit 2
fi
version="$1"
outdir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

helm="${HELM:-}"
if [[ -z "$helm" ]]; then
  if command -v helm >/dev/null 2>&1; then
    helm="$(command -v helm)"
  else
    bindir="$(ls -d "$HOME"/.cache/servicemesh-tools/*/bin 2>/dev/null | head -1 || true)"
    helm="${bindir:+$bindir/helm}"
  fi
fi
if [[ -z "$helm" || ! -x "$helm" ]]; then
  echo "package.sh: no helm found (set HELM, put helm on PATH, or run scripts/tools.sh)" >&2
  exit 1
fi

mkdir -p "$outdir"
for chart in base istiod cni ztunnel; do
  "$helm" package "$here/$chart" --version "$version" --app-version "$version" -d "$outdir" >&2
done
"$helm" repo index "$outdir"
echo "package.sh: $version -> $outdir (index.yaml)" >&2
