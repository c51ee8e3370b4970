# shellcheck shell=bash
# Source this file:  . scripts/kwok.sh
#   start_cluster NAME [NODES]  creates (or reuses) a KWOK cluster from the binaries of scripts/tools.sh, with NODES
#                               fake nodes (default 1); prints the kubeconfig path on stdout, progress on stderr
#   stop_cluster NAME           stops its control plane (API server down), keeping its state; start_cluster restarts it
#   delete_cluster NAME         stops it and removes its state
#   cluster_kubeconfig NAME     prints the kubeconfig path of an existing cluster
# Nothing is downloaded: every binary kwokctl needs is given as a local path (KWOK_* env vars).
# Env: SERVICEMESH_KWOK_ROOT  kwok's state dir (KWOK_WORKDIR), default <tools cache root>/clusters
#      SERVICEMESH_TOOLS_CACHE passed through to scripts/tools.sh
#      SERVICEMESH_KWOK_WAIT   how long kwokctl waits for the control plane (default 3m)

_SERVICEMESH_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# _kwokctl ARGS...: runs kwokctl with only local binaries, without touching ~/.kube/config.
_kwokctl() {
  local bin root
  bin="$("$_SERVICEMESH_SCRIPTS/tools.sh" --print-bindir)" || return 1
  root="${SERVICEMESH_KWOK_ROOT:-$("$_SERVICEMESH_SCRIPTS/tools.sh" --print-cache-root)/clusters}"
  mkdir -p "$root" || return 1
  env \
    PATH="$bin:$PATH" \
    KWOK_WORKDIR="$root" \
    KWOK_RUNTIME=binary \
    KWOK_KUBE_VERSION="$("$bin/kube-apiserver" --version | sed 's/^Kubernetes //')" \
    KWOK_KUBE_APISERVER_BINARY="$bin/kube-apiserver" \
    KWOK_KUBE_CONTROLLER_MANAGER_BINARY="$bin/kube-controller-manager" \
    KWOK_KUBE_SCHEDULER_BINARY="$bin/kube-scheduler" \
    KWOK_CONTROLLER_BINARY="$bin/kwok" \
    KWOK_ETCD_BINARY="$bin/etcd" \
    KWOK_KUBECTL_BINARY="$bin/kubectl" \
    "$bin/kwokctl" "$@"
}

_kwok_root() {
  echo "${SERVICEMESH_KWOK_ROOT:-$("$_SERVICEMESH_SCRIPTS/tools.sh" --print-cache-root)/clusters}"
}

cluster_kubeconfig() {
  local name="${1:?usage: cluster_kubeconfig NAME}"
  echo "$(_kwok_root)/clusters/$name/kubeconfig.yaml"
}

# _cluster_running NAME: whether every control-plane process of the cluster is alive (kwokctl's pid files).
_cluster_running() {
  local f pid dir
  dir="$(_kwok_root)/clusters/$1/pids"
  compgen -G "$dir/*.pid" >/dev/null || return 1
  for f in "$dir"/*.pid; do
    pid="$(cat "$f" 2>/dev/null)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  done
}

start_cluster() {
  local name="${1:?usage: start_cluster NAME [NODES]}" nodes="${2:-1}" kubeconfig
  kubeconfig="$(cluster_kubeconfig "$name")"
  if _cluster_running "$name"; then
    # kwokctl's start is not a no-op here: a second kwok controller fails on its port and takes the first one down.
    echo "[kwok] cluster $name is running; left as it is" >&2
  elif [[ -f "$kubeconfig" ]]; then
    echo "[kwok] cluster $name exists; starting it" >&2
    _kwokctl start cluster --name "$name" >&2 || return 1
  else
    echo "[kwok] creating cluster $name (binary runtime, local binaries only)" >&2
    _kwokctl create cluster \
      --name "$name" \
      --runtime binary \
      --kubeconfig "" \
      --wait "${SERVICEMESH_KWOK_WAIT:-3m}" \
      --quiet-pull >&2 || return 1
  fi
  _kwokctl scale node --name "$name" --replicas "$nodes" >&2 || return 1
  echo "$kubeconfig"
}

stop_cluster() {
  local name="${1:?usage: stop_cluster NAME}"
  _kwokctl stop cluster --name "$name" >&2
}

delete_cluster() {
  local name="${1:?usage: delete_cluster NAME}"
  _kwokctl delete cluster --name "$name" >&2
}
