#!/usr/bin/env bash
# Builds, from the Go module proxy only, every binary the real-engine tests need, and caches them.
#
#   scripts/tools.sh                 build what is missing, then print `export PATH=<bindir>:$PATH`
#   scripts/tools.sh --print-bindir  build what is missing, then print only the bin dir
#   scripts/tools.sh --check         list present/missing tools (builds nothing; exit 1 if a required one is missing)
#   --for demo                       with the above: only the tools `npm run demo` needs (the first run builds those
#                                    first; the tests build the rest when they ask for them)
#   scripts/tools.sh --print-cache-root
#   scripts/tools.sh --retry-failed  like the default, but retry optional tools whose earlier build failed
#   scripts/tools.sh --regen [WRAPPER...]
#                                    maintainers only: rewrite scripts/tools/<wrapper>/go.mod + go.sum from the pins
#                                    below (needs the proxy; run after changing a pin, then commit the result)
#
# Env: SERVICEMESH_TOOLS_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/servicemesh-tools)
#
# Layout under the cache root:
#   <key>/bin/      the binaries; <key> hashes the pins, the wrapper modules and the Go version
#   <key>/failed/   one file per optional tool whose build failed (why); skipped until --retry-failed
#   gomod/ gocache/ GOMODCACHE and GOCACHE, shared by all keys so a pin change rebuilds cheaply
#   work/           temporary build dirs (removed after each build)
#   build-times.log one line per build: tool, seconds, result
set -euo pipefail

# >>> pins (every value here is part of the cache key)
PULUMI_VERSION=v3.274.1                 # github.com/pulumi/pulumi/pkg/v3 + sdk/v3 (cmd/pulumi)
# The language hosts live in their own never-tagged modules (sdk/nodejs/cmd/pulumi-language-nodejs/v3, ...),
# which the proxy does not serve at any version. sdk/v3 up to v3.68.0 still contained them as packages
# (nodejs/cmd/pulumi-language-nodejs, python/cmd/pulumi-language-python), so they are built from there.
PULUMI_LANGHOST_SDK_VERSION=v3.68.0
PULUMI_YAML_VERSION=v1.25.0             # github.com/pulumi/pulumi-yaml (cmd/pulumi-language-yaml)
# @pulumi/kubernetes 4.34.2 is the npm SDK; the proxy serves no provider/v4 pseudo-version of a 4.26+ commit,
# so this is the newest resolvable one (commit f47bc2d6f199, 2026-01-15, between v4.24.1 and v4.25.0).
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# stands in for the provider's `sdk/v4 => ../sdk` replace. Not v4.29.0: that one pulls pulumi sdk/v3 v3.226.0, which
# no longer matches the provider's pkg/v3 v3.215.0 (compile error); v4.22.2 has every sdk/v4 API the provider uses.
K8S_PROVIDER_SDK_VERSION=v4.22.2
K8S_PROVIDER_REPORTED_VERSION=4.34.2    # version ldflag: what the npm SDK asks the engine for
TLS_PROVIDER_VERSION=v5.6.1             # github.com/pulumi/pulumi-tls/provider/v5, matches npm @pulumi/tls
# pinned by pulumi-tls's provider/go.mod (shim) at v5.5.1, the newest tag readable here
TLS_TF_PROVIDER_VERSION=v1.2.1-0.20260513075833-609226f53114
TLS_TF_PLUGIN_SDK_FORK=v2.0.0-20260318212141-5525259d096b   # github.com/pulumi/terraform-plugin-sdk/v2
KUBERNETES_VERSION=v1.33.13             # k8s.io/kubernetes; Istio 1.26/1.27 support Kubernetes 1.29-1.33
ETCD_VERSION=v3.5.21                    # go.etcd.io/etcd/server/v3; the etcd Kubernetes 1.33 ships with
KWOK_VERSION=v0.8.0                     # sigs.k8s.io/kwok
HELM_VERSION=v3.22.0                    # helm.sh/helm/v3
GO_TOOLCHAIN_PIN=""                     # e.g. go1.27.3 if a module ever needs Go 1.27; empty = the installed Go
RECIPE_VERSION=1                        # bump when the build recipe below changes in a way that needs new binaries
# <<< pins

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="$SCRIPT_DIR/tools"
CACHE_ROOT="${SERVICEMESH_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/servicemesh-tools}"

# Tool table: name|wrapper dir|package to build|required (1) or optional (0)|needed by (demo: the demo and the
# tests; tests: the tests only)|seconds a cold build took on 2 cores (empty Go caches; measured 2026-11-30, only to
# tell the user how long the wait is)
TOOLS=(
  "kubectl|kubernetes|k8s.io/kubernetes/cmd/kubectl|1|demo|143"
  "kube-apiserver|kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|1|demo|497"
  "kube-controller-manager|kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|1|demo|248"
  "kube-scheduler|kubernetes|k8s.io/kubernetes/cmd/kube-scheduler|1|demo|7"
  "etcd|etcd|go.etcd.io/etcd/server/v3|1|demo|92"
  "kwok|kwok|sigs.k8s.io/kwok/cmd/kwok|1|demo|310"
  "kwokctl|kwok|sigs.k8s.io/kwok/cmd/kwokctl|1|demo|52"
  "helm|helm|helm.sh/helm/v3/cmd/helm|1|demo|265"
  "pulumi|pulumi|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|1|demo|360"
  "pulumi-gen-sdk|pulumi|./gensdk|1|tests|17"
  "pulumi-language-nodejs|pulumi-langhosts|github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs|1|demo|18"
  "pulumi-resource-kubernetes|kubernetes-provider|.|1|demo|409"
  "pulumi-language-python|pulumi-langhosts|github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python|0|tests|1"
  "pulumi-language-python-exec|pulumi-langhosts|(file)|0|tests|0"
  "pulumi-language-yaml|pulumi-yaml|github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml|0|tests|33"
  "pulumi-resource-tls|tls-provider|.|0|tests|5"
)

# Modules (MODULE@VERSION) each wrapper needs from the proxy; checked before building it.
wrapper_modules() {
  case "$1" in
    kubernetes) echo "k8s.io/kubernetes@$KUBERNETES_VERSION k8s.io/api@v0.${KUBERNETES_VERSION#v1.}" ;;
    etcd) echo "go.etcd.io/etcd/server/v3@$ETCD_VERSION go.etcd.io/etcd/api/v3@$ETCD_VERSION" ;;
    kwok) echo "sigs.k8s.io/kwok@$KWOK_VERSION" ;;
    helm) echo "helm.sh/helm/v3@$HELM_VERSION" ;;
    pulumi) echo "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" ;;
    pulumi-langhosts) echo "github.com/pulumi/pulumi/sdk/v3@$PULUMI_LANGHOST_SDK_VERSION" ;;
    pulumi-yaml) echo "github.com/pulumi/pulumi-yaml@$PULUMI_YAML_VERSION" ;;
    kubernetes-provider)
      echo "github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_PROVIDER_MODULE_VERSION github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_PROVIDER_SDK_VERSION" ;;
    tls-provider)
      echo "github.com/pulumi/pulumi-tls/provider/v5@$TLS_PROVIDER_VERSION github.com/hashicorp/terraform-provider-tls@$TLS_TF_PROVIDER_VERSION github.com/pulumi/terraform-plugin-sdk/v2@$TLS_TF_PLUGIN_SDK_FORK" ;;
  esac
}

log() { printf '[tools] %s\n' "$*" >&2; }
warn() { printf '[tools] WARN: %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- environment
setup_go_env() {
  command -v go >/dev/null || die "go is not installed"
  export GOMODCACHE="$CACHE_ROOT/gomod"
  export GOCACHE="$CACHE_ROOT/gocache"
  export CGO_ENABLED=0
  export GO111MODULE=on
  export GOFLAGS="-p=2 -modcacherw -buildvcs=false"
  export GOWORK=off
  if [[ -n "$GO_TOOLCHAIN_PIN" ]]; then export GOTOOLCHAIN="$GO_TOOLCHAIN_PIN"; else export GOTOOLCHAIN=local; fi
  mkdir -p "$GOMODCACHE" "$GOCACHE" "$CACHE_ROOT/work"
}

cache_key() {
  {
    sed -n '/^# >>> pins/,/^# <<< pins/p' "${BASH_SOURCE[0]}"
    (cd "$TOOLS_DIR" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort | xargs sha256sum)
    # the Go that builds (not `go env`, which would cost a process start on every warm run)
    if [[ -n "$GO_TOOLCHAIN_PIN" ]]; then echo "$GO_TOOLCHAIN_PIN"; else go version; fi
    uname -m
  } | sha256sum | cut -c1-16
}

BIN_DIR=""
FAILED_DIR=""
init_dirs() {
  local key; key="$(cache_key)"
  BIN_DIR="$CACHE_ROOT/$key/bin"
  FAILED_DIR="$CACHE_ROOT/$key/failed"
}

re_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }
tool_field() { local IFS='|'; read -r -a f <<<"$1"; echo "${f[$2]}"; }

# ---------------------------------------------------------------- module checks
# check_modules WRAPPER: every pinned module must be served; prints the missing ones and returns 1.
MISSING_MODULES=""
check_modules() {
  local w="$1" mv missing=() out tmp
  tmp="$(mktemp -d "$CACHE_ROOT/work/check.XXXXXX")"
  for mv in $(wrapper_modules "$w"); do
    if ! out="$(cd "$tmp" && go list -m -json "$mv" 2>&1)"; then
      missing+=("$mv")
      printf '[tools]   proxy lacks %s: %s\n' "$mv" "$(echo "$out" | grep -m1 -oE '(403|404|410)[^"]*|not available|unknown revision|invalid version' || echo "$out" | head -1)" >&2
    fi
  done
  rm -rf "$tmp"
  MISSING_MODULES="${missing[*]:-}"
  ((${#missing[@]} == 0))
}

# ---------------------------------------------------------------- ldflags per tool
k8s_ldflags() {
  local v="$KUBERNETES_VERSION" minor date
  minor="$(echo "$v" | cut -d. -f2)"
  date="2025-01-01T00:00:00Z"
  [[ -n "${K8S_BUILD_DATE:-}" ]] && date="$K8S_BUILD_DATE"
  local p out=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  echo "-s -w$out"
}

ldflags_for() { # TOOL WORKDIR
  local t="$1" work="$2"
  case "$t" in
    kubectl|kube-apiserver|kube-controller-manager|kube-scheduler) k8s_ldflags ;;
    etcd|pulumi-gen-sdk) echo "-s -w" ;;
    kwok|kwokctl) echo "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES_VERSION#v}" ;;
    helm)
      local cg maj min
      cg="$(cd "$work" && go list -m -f '{{.Version}}' k8s.io/client-go)"   # v0.X.Y -> Kubernetes 1.X
      maj=1; min="$(echo "$cg" | cut -d. -f2)"
      echo "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
           "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$maj -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$min" \
           "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$maj -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$min" ;;
    pulumi) echo "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" ;;
    pulumi-language-nodejs|pulumi-language-python)
      echo "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_LANGHOST_SDK_VERSION" ;;
    pulumi-language-yaml) echo "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" ;;
    pulumi-resource-kubernetes)
      echo "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_REPORTED_VERSION" ;;
    pulumi-resource-tls) echo "-s -w -X github.com/pulumi/pulumi-tls/provider/v5/pkg/version.Version=${TLS_PROVIDER_VERSION#v}" ;;
  esac
}

tags_for() {
  case "$1" in
    pulumi|pulumi-language-nodejs|pulumi-language-python) echo "osusergo,grpcnotrace" ;;
    *) echo "" ;;
  esac
}

# module_dir WORKDIR MODULE: the module's directory in GOMODCACHE (downloading it if needed)
module_dir() {
  local dir
  dir="$(cd "$1" && go mod download "$2" && go list -m -f '{{.Dir}}' "$2")" || return 1
  [[ -n "$dir" && -d "$dir" ]] || { printf '[tools] ERROR: no directory for module %s\n' "$2" >&2; return 1; }
  echo "$dir"
}

# ---------------------------------------------------------------- generated inputs
# Writes files a wrapper needs but that must not be committed (embeds generated from module contents).
prepare_work() { # WRAPPER WORKDIR
  local w="$1" work="$2" dir
  case "$w" in
    kubernetes-provider)
      dir="$(module_dir "$work" github.com/pulumi/pulumi-kubernetes/provider/v4)" || return 1
      go run -C "$TOOLS_DIR/embedgen" . -version "$K8S_PROVIDER_REPORTED_VERSION" \
        -schema "$dir/cmd/pulumi-resource-kubernetes/schema.json" -schema-out "$work/schema-embed.json" \
        -minify "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" -minify-out "$work/terraform-mapping-embed.json"
      ;;
    tls-provider)
      dir="$(module_dir "$work" github.com/pulumi/pulumi-tls/provider/v5)" || return 1
      go run -C "$TOOLS_DIR/embedgen" . -version "${TLS_PROVIDER_VERSION#v}" \
        -schema "$dir/cmd/pulumi-resource-tls/schema.json" -schema-out "$work/schema-embed.json" \
        -minify "$dir/cmd/pulumi-resource-tls/bridge-metadata.json" -minify-out "$work/bridge-metadata.json"
      ;;
  esac
}

# ---------------------------------------------------------------- building
TICKER_PID=""
start_ticker() { # LABEL START_EPOCH
  local label="$1" start="$2"
  # `wait` on a background sleep lets the TERM trap run at once (a foreground sleep would delay it up to 30 s)
  ( sp=""; trap 'kill $sp 2>/dev/null; exit 0' TERM
    while :; do
      sleep 30 & sp=$!; wait "$sp"
      printf '[tools] ... still building %s (%ss)\n' "$label" "$(( $(date +%s) - start ))" >&2
    done ) &
  TICKER_PID=$!
}
stop_ticker() {
  if [[ -n "$TICKER_PID" ]]; then kill "$TICKER_PID" 2>/dev/null || true; wait "$TICKER_PID" 2>/dev/null || true; TICKER_PID=""; fi
}
CURRENT_WORK=""
trap 'stop_ticker; [[ -z "$CURRENT_WORK" ]] || rm -rf "$CURRENT_WORK"' EXIT
trap 'exit 130' INT TERM

# build_one TOOL PKG WORKDIR -> installs $BIN_DIR/TOOL atomically
build_one() {
  local t="$1" pkg="$2" work="$3" start rc=0 tmpbin ldflags tags
  tmpbin="$BIN_DIR/.$t.tmp.$$"
  start=$(date +%s)
  BUILD_INDEX=$((BUILD_INDEX + 1))
  local est; est="$(tool_estimate "$t")"
  log "[$BUILD_INDEX/$BUILD_TOTAL] building $t (from $pkg)${est:+; a cold build takes about ${est}s}"
  start_ticker "$t" "$start"
  if [[ "$pkg" == "(file)" ]]; then
    # pulumi-language-python-exec: the Python shim the python host runs; a file of the same sdk/v3 module
    local dir
    dir="$(module_dir "$work" github.com/pulumi/pulumi/sdk/v3)" || rc=$?
    ((rc == 0)) && { install -m 0755 "$dir/python/cmd/pulumi-language-python-exec" "$tmpbin" || rc=$?; }
  else
    ldflags="$(ldflags_for "$t" "$work")" || rc=$?
    tags="$(tags_for "$t")"
    if ((rc == 0)); then
      (cd "$work" && go build -trimpath ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$tmpbin" "$pkg") || rc=$?
    fi
  fi
  local secs=$(( $(date +%s) - start ))
  stop_ticker
  if ((rc == 0)); then
    mv -f "$tmpbin" "$BIN_DIR/$t"
    log "built $t in ${secs}s"
    echo "$(date -u +%FT%TZ) $t ${secs}s ok" >>"$CACHE_ROOT/build-times.log"
  else
    rm -f "$tmpbin"
    log "FAILED $t after ${secs}s"
    echo "$(date -u +%FT%TZ) $t ${secs}s failed" >>"$CACHE_ROOT/build-times.log"
  fi
  return "$rc"
}

is_present() { [[ -x "$BIN_DIR/$1" ]]; }

# tool_estimate TOOL: the measured cold build seconds of TOOL (empty when unknown)
tool_estimate() {
  local e; for e in "${TOOLS[@]}"; do [[ "$(tool_field "$e" 0)" == "$1" ]] && { tool_field "$e" 5; return; }; done
}

# Says, before anything is built, what will be built, why and about how long it takes.
BUILD_INDEX=0
BUILD_TOTAL=0
announce_build() {
  local e t secs=0 names=()
  for e in "${TOOLS[@]}"; do
    t="$(tool_field "$e" 0)"
    is_present "$t" && continue
    [[ -f "$FAILED_DIR/$t" && -z "${RETRY_FAILED:-}" ]] && continue
    names+=("$t"); secs=$((secs + $(tool_field "$e" 5)))
  done
  BUILD_TOTAL=${#names[@]}
  ((BUILD_TOTAL)) || return 0
  log "first run on this machine: building ${BUILD_TOTAL} tools${FOR_SET:+ the $FOR_SET needs} from Go sources (the Go module"
  log "proxy is the only source of binaries here): ${names[*]}"
  log "about $(( (secs + 59) / 60 )) min on 2 cores with empty Go caches (less when $CACHE_ROOT/gocache is warm);"
  log "cached afterwards in $BIN_DIR, so later runs start in seconds"
}

# build_wrapper WRAPPER: builds every missing tool of that wrapper. Returns 0 if all required ones are present.
build_wrapper() {
  local w="$1" entry t pkg req missing=() work rc=0 logf
  for entry in "${TOOLS[@]}"; do
    [[ "$(tool_field "$entry" 1)" == "$w" ]] || continue
    t="$(tool_field "$entry" 0)"
    is_present "$t" && continue
    if [[ -f "$FAILED_DIR/$t" && -z "${RETRY_FAILED:-}" ]]; then
      warn "$t unavailable (earlier failure, see $FAILED_DIR/$t; --retry-failed to try again)"
      continue
    fi
    missing+=("$entry")
  done
  ((${#missing[@]} == 0)) && return 0

  local any_required=0
  for entry in "${missing[@]}"; do [[ "$(tool_field "$entry" 3)" == 1 ]] && any_required=1; done

  mark_failed() { # REASON FILE
    local e
    for e in "${missing[@]}"; do
      [[ "$(tool_field "$e" 3)" == 0 ]] || continue
      is_present "$(tool_field "$e" 0)" && continue
      mkdir -p "$FAILED_DIR"; { echo "$1"; [[ -n "${2:-}" ]] && tail -n 40 "$2"; } >"$FAILED_DIR/$(tool_field "$e" 0)"
    done
  }

  [[ -f "$TOOLS_DIR/$w/go.mod" ]] || die "missing wrapper module $TOOLS_DIR/$w/go.mod"
  # the committed wrapper go.mod files must carry the pins above
  local mv stale=""
  for mv in $(wrapper_modules "$w"); do
    grep -qsE "(^|[[:space:]])$(re_quote "${mv%@*}") $(re_quote "${mv#*@}")([[:space:]]|\$)" \
      "$TOOLS_DIR/$w"/go.mod "$TOOLS_DIR/$w"/*/go.mod || stale+=" $mv"
  done
  if [[ -n "$stale" ]]; then
    log "ERROR: scripts/tools/$w/go.mod does not match the pins (${stale# }); run: scripts/tools.sh --regen $w"
    return 1
  fi
  log "checking pinned modules of '$w' on the module proxy"
  if ! check_modules "$w"; then
    local msg="the Go module proxy does not serve $MISSING_MODULES (needed by wrapper '$w')"
    if ((any_required)); then log "ERROR: $msg"; return 1; fi
    warn "$msg: $(for e in "${missing[@]}"; do tool_field "$e" 0; done | tr '\n' ' ')unavailable"
    mark_failed "$msg"
    return 0
  fi

  work="$(mktemp -d "$CACHE_ROOT/work/$w.XXXXXX")"
  CURRENT_WORK="$work"
  cp -R "$TOOLS_DIR/$w/." "$work/"
  logf="$work/.build.log"
  if ! prepare_work "$w" "$work" 2> >(tee -a "$logf" >&2); then
    rm -rf "$work"
    if ((any_required)); then log "ERROR: could not prepare wrapper '$w'"; return 1; fi
    warn "could not prepare wrapper '$w'"; mark_failed "could not prepare wrapper '$w'"; return 0
  fi
  for entry in "${missing[@]}"; do
    t="$(tool_field "$entry" 0)"; pkg="$(tool_field "$entry" 2)"; req="$(tool_field "$entry" 3)"
    : >"$logf"
    if ! build_one "$t" "$pkg" "$work" 2> >(tee -a "$logf" >&2); then
      if [[ "$req" == 1 ]]; then rc=1; else
        warn "optional tool $t did not build; the rest goes on (reason kept in $FAILED_DIR/$t)"
        mkdir -p "$FAILED_DIR"; { echo "go build of $pkg failed:"; tail -n 40 "$logf"; } >"$FAILED_DIR/$t"
      fi
    fi
  done
  rm -rf "$work"; CURRENT_WORK=""
  return "$rc"
}

ensure_all() {
  mkdir -p "$BIN_DIR"
  local all_present=1 entry t
  for entry in "${TOOLS[@]}"; do
    t="$(tool_field "$entry" 0)"
    is_present "$t" || { [[ -f "$FAILED_DIR/$t" && -z "${RETRY_FAILED:-}" ]]; } || all_present=0
  done
  if ((all_present)); then
    [[ "$mode" == bindir ]] || report_optional_missing   # --print-bindir stays quiet when nothing is built
    return 0
  fi

  exec 9>"$CACHE_ROOT/.build.lock"
  if ! flock -n 9; then log "another build holds $CACHE_ROOT/.build.lock; waiting"; flock 9; fi
  # leftovers of an interrupted build (never counted as present: only the exact tool name is)
  rm -f "$BIN_DIR"/.*.tmp.* 2>/dev/null || true
  find "$CACHE_ROOT/work" -mindepth 1 -maxdepth 1 -mmin +1 -exec rm -rf {} + 2>/dev/null || true

  local total_start w seen="" rc=0
  total_start=$(date +%s)
  announce_build
  for entry in "${TOOLS[@]}"; do
    w="$(tool_field "$entry" 1)"
    [[ " $seen " == *" $w "* ]] && continue
    seen+=" $w"
    build_wrapper "$w" || rc=1
  done
  log "build pass finished in $(( $(date +%s) - total_start ))s"
  report_optional_missing
  ((rc == 0)) || die "a required tool failed to build (see above)"
}

report_optional_missing() {
  local entry t
  for entry in "${TOOLS[@]}"; do
    t="$(tool_field "$entry" 0)"
    if ! is_present "$t" && [[ "$(tool_field "$entry" 3)" == 0 ]]; then
      warn "$t is unavailable: $(head -n1 "$FAILED_DIR/$t" 2>/dev/null || echo 'not built')"
    fi
  done
}

do_check() {
  local entry t status rc=0
  echo "bin dir: $BIN_DIR"
  for entry in "${TOOLS[@]}"; do
    t="$(tool_field "$entry" 0)"
    if is_present "$t"; then status="present"
    elif [[ -f "$FAILED_DIR/$t" ]]; then status="missing (failed: $(head -n1 "$FAILED_DIR/$t"))"
    else status="missing"; fi
    [[ "$(tool_field "$entry" 3)" == 1 ]] || status="$status [optional]"
    [[ "$status" == missing* && "$(tool_field "$entry" 3)" == 1 ]] && rc=1
    printf '%-28s %s\n' "$t" "$status"
  done
  return "$rc"
}

# ---------------------------------------------------------------- regeneration of wrapper go.mod/go.sum
regen_wrapper() {
  local w="$1" work kmod mod dir
  work="$(mktemp -d "$CACHE_ROOT/work/regen-$w.XXXXXX")"
  mkdir -p "$TOOLS_DIR/$w"
  # keep the hand-written Go files (main.go, shim/)
  (cd "$TOOLS_DIR/$w" && find . -type f -name '*.go' -o -type f -path './shim/*' ) | while read -r f; do
    mkdir -p "$work/$(dirname "$f")"; cp "$TOOLS_DIR/$w/$f" "$work/$f"; done
  (
    cd "$work"
    go mod init "servicemesh.local/tools/$w" >/dev/null 2>&1
    go mod edit -go=1.24.0
    case "$w" in
      pulumi)
        go mod edit -require=github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION -require=github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION \
          -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e \
          -tool=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ;;
      pulumi-langhosts)
        go mod edit -require=github.com/pulumi/pulumi/sdk/v3@$PULUMI_LANGHOST_SDK_VERSION \
          -replace=golang.org/x/text=golang.org/x/text@v0.3.6 \
          -tool=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
          -tool=github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python ;;
      pulumi-yaml)
        go mod edit -require=github.com/pulumi/pulumi-yaml@$PULUMI_YAML_VERSION -tool=github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml ;;
      kubernetes-provider)
        go mod edit -require=github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_PROVIDER_MODULE_VERSION \
          -replace=github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_PROVIDER_SDK_VERSION
        go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
        prepare_work "$w" "$work" ;;
      tls-provider)
        go mod edit -require=github.com/pulumi/pulumi-tls/provider/v5@$TLS_PROVIDER_VERSION \
          -require=github.com/hashicorp/terraform-provider-tls/shim@v0.0.0 \
          -replace=github.com/hashicorp/terraform-provider-tls/shim=./shim \
          -replace=github.com/hashicorp/terraform-plugin-sdk/v2=github.com/pulumi/terraform-plugin-sdk/v2@$TLS_TF_PLUGIN_SDK_FORK
        (cd shim && go mod edit -require=github.com/hashicorp/terraform-provider-tls@$TLS_TF_PROVIDER_VERSION && go mod tidy)
        prepare_work "$w" "$work" ;;
      kubernetes)
        go mod edit -require=k8s.io/kubernetes@$KUBERNETES_VERSION -godebug=default=go1.24
        go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" >/dev/null
        kmod="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBERNETES_VERSION.mod"
        # every staging module Kubernetes requires, at the matching v0.X.Y tag
        local staged
        staged="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$kmod")"
        for mod in $staged; do
          grep -qE "^[[:space:]]+$mod v0\.0\.0" "$kmod" || continue
          go mod edit -replace="$mod=$mod@v0.${KUBERNETES_VERSION#v1.}"
        done
        for mod in kubectl kube-apiserver kube-controller-manager kube-scheduler; do go mod edit -tool=k8s.io/kubernetes/cmd/$mod; done ;;
      etcd)
        go mod edit -require=go.etcd.io/etcd/server/v3@$ETCD_VERSION -tool=go.etcd.io/etcd/server/v3 ;;
      kwok)
        go mod edit -require=sigs.k8s.io/kwok@$KWOK_VERSION -tool=sigs.k8s.io/kwok/cmd/kwok -tool=sigs.k8s.io/kwok/cmd/kwokctl ;;
      helm)
        go mod edit -require=helm.sh/helm/v3@$HELM_VERSION -tool=helm.sh/helm/v3/cmd/helm ;;
      *) die "unknown wrapper $w" ;;
    esac
    go mod tidy
  )
  cp "$work/go.mod" "$work/go.sum" "$TOOLS_DIR/$w/"
  [[ -f "$work/shim/go.sum" ]] && cp "$work/shim/go.mod" "$work/shim/go.sum" "$TOOLS_DIR/$w/shim/"
  rm -rf "$work"
  log "regenerated $TOOLS_DIR/$w/go.mod and go.sum"
}

# ---------------------------------------------------------------- main
mode="build"
RETRY_FAILED=""
FOR_SET=""
regen_list=()
while (($#)); do
  case "$1" in
    --print-bindir) mode="bindir" ;;
    --check) mode="check" ;;
    --print-cache-root) echo "$CACHE_ROOT"; exit 0 ;;
    --retry-failed) RETRY_FAILED=1 ;;
    --for) shift; FOR_SET="${1:-}"; [[ "$FOR_SET" == demo || "$FOR_SET" == tests ]] || die "--for takes demo or tests" ;;
    --regen) mode="regen"; shift; regen_list=("$@"); break ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done

# --for demo: only the demo's tools (the tests' set is every tool)
if [[ "$FOR_SET" == demo ]]; then
  subset=()
  for entry in "${TOOLS[@]}"; do [[ "$(tool_field "$entry" 4)" == demo ]] && subset+=("$entry"); done
  TOOLS=("${subset[@]}")
fi

mkdir -p "$CACHE_ROOT"
case "$mode" in
  check) init_dirs; do_check ;;
  regen)
    setup_go_env
    ((${#regen_list[@]})) || regen_list=(kubernetes etcd kwok helm pulumi pulumi-langhosts pulumi-yaml kubernetes-provider tls-provider)
    for w in "${regen_list[@]}"; do regen_wrapper "$w"; done ;;
  bindir) setup_go_env; init_dirs; ensure_all; echo "$BIN_DIR" ;;
  build)
    setup_go_env; init_dirs; ensure_all
    echo "export PATH=\"$BIN_DIR:\$PATH\""
    log "tools in $BIN_DIR (cache root $CACHE_ROOT)" ;;
esac
