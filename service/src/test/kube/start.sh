#!/usr/bin/env bash
# Runs the whole test control plane in the foreground, for a developer at a shell:
# builds it if needed (build.sh), then etcd + kube-apiserver + kube-controller-manager
# + kube-scheduler + kwok with one Ready fake Node. Ctrl-C (or SIGTERM) stops it all.
#
#   service/src/test/kube/start.sh [DIR]     (DIR: working folder, default a new temp folder)
#
# Prints "READY <DIR>/admin.kubeconfig https://127.0.0.1:<port>" when usable; then e.g.
#   KUBECONFIG=<DIR>/admin.kubeconfig ~/.cache/driftless/kube-v1.36.3/bin/kubectl get nodes
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$("$here/build.sh" | tee /dev/stderr | tail -n 1)"
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/driftless-kube.XXXXXX")}"
mkdir -p "$dir"
echo "control plane folder: $dir (logs: $dir/*.log)" >&2
exec "$cache/bin/kube-apiserver-launcher" --dir "$dir" --components "$cache/bin" \
  --exit-on-stdin-eof=false 2>"$dir/kube-apiserver.log"
