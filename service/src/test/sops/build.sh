#!/usr/bin/env bash
# Builds the real sops and age tools that produce the encrypted fixtures of Driftless's tests, from their
# published Go modules (go.mod here pins them; nothing vendored), into a cache folder outside the repository:
#
#   ${DRIFTLESS_KUBE_CACHE:-~/.cache/driftless}/sops-<sops version>-age-<age version>/bin/{sops,age,age-keygen}
#
# Skips the build when the stamp file matches the hash of this script and go.mod/go.sum. Concurrent runs wait
# on a lock. The last line printed is the cache folder. Needs Go >= 1.26 and the Go module proxy.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v go >/dev/null || { echo "build.sh: the Go toolchain (go) is not on PATH" >&2; exit 1; }

mod_version() { # <module>: the version go.mod requires
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$here/go.mod"
}
sops_version="$(mod_version github.com/getsops/sops/v3)"
age_version="$(mod_version filippo.io/age)"
[[ -n "$sops_version" && -n "$age_version" ]] || { echo "build.sh: cannot read versions from go.mod" >&2; exit 1; }

out="${DRIFTLESS_KUBE_CACHE:-$HOME/.cache/driftless}/sops-${sops_version}-age-${age_version}"
mkdir -p "$out/bin"
hash="$(cd "$here" && cat build.sh go.mod go.sum | sha256sum | cut -c1-16)"
stamp_text="sops=${sops_version} age=${age_version} src=${hash} go=$(go env GOVERSION)"

exec 9>"$out/.lock"
flock 9
if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp_text" && -x "$out/bin/sops" && -x "$out/bin/age" \
      && -x "$out/bin/age-keygen" ]]; then
  echo "sops: up to date ($stamp_text)"
  echo "$out"
  exit 0
fi
rm -f "$out/.stamp"
export CGO_ENABLED=0
export GOFLAGS="-trimpath -buildvcs=false -mod=readonly"
start=$SECONDS
echo "sops: building sops ${sops_version}, age and age-keygen ${age_version} ..."
(cd "$here" && go build -ldflags="-s -w" -o "$out/bin/sops.tmp" github.com/getsops/sops/v3/cmd/sops \
  && go build -ldflags="-s -w" -o "$out/bin/age.tmp" filippo.io/age/cmd/age \
  && go build -ldflags="-s -w" -o "$out/bin/age-keygen.tmp" filippo.io/age/cmd/age-keygen)
for b in sops age age-keygen; do mv -f "$out/bin/$b.tmp" "$out/bin/$b"; done
echo "sops: built in $((SECONDS - start)) s"
echo "$stamp_text" > "$out/.stamp"
echo "$out"
