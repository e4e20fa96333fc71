#!/usr/bin/env bash
# npm run e2e:build: build the real upstream peers (kube-apiserver, kubectl, etcd, ...) that the e2e
# tests run. Each e2e/peers/<peer>/BUILD line `<binary-name> <go package path> [-tags=a,b]` becomes
# $CACHE/bin/<binary-name>, built inside the peer's folder with the versions its go.mod pins (and the
# build tags of the optional third column; BUILD is part of the stamp, so are the tags).
# A binary whose stamp (hash of the peer's go.mod, go.sum, BUILD, *.go, the Go version and the
# build flags) is unchanged is not rebuilt; Go's own build cache makes rebuilds after a fresh clone fast.
# Binaries are built without debug information: `-s -w`, as Kubernetes' own build does unless DBG=1
# (kubernetes/kubernetes#108371) and Helm's Makefile, and no DWARF from the compiler either: the
# same code, less work for a cold build.
# Peers requiring k8s.io/kubernetes get the version stamps Kubernetes' own build sets
# (hack/lib/version.sh); without them /version and `kubectl version` say v0.0.0-master.
# Binaries of github.com/prometheus/prometheus get the version its VERSION file names (as promu sets it).
#   CACHE = ${VIRTRIGAUD_E2E_CACHE:-<repo>/.cache/e2e}
#   Usage: scripts/e2e-build.sh [peer ...]   (default: every peer)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${VIRTRIGAUD_E2E_CACHE:-$repo/.cache/e2e}"
# On a fresh machine Go may be installed but not on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { echo "e2e:build: Go is not installed (needed to build the e2e peers; https://go.dev/dl/)" >&2; exit 2; }

mkdir -p "$cache/bin" "$cache/stamps"
started=$SECONDS
go_version="$(go env GOVERSION)"
gcflags="all=-dwarf=false"
if [ $# -gt 0 ]; then peers=("$@"); else peers=(); for f in "$repo"/e2e/peers/*/BUILD; do peers+=("$(basename "$(dirname "$f")")"); done; fi

failed=0
for peer in "${peers[@]}"; do
  dir="$repo/e2e/peers/$peer"
  [ -f "$dir/BUILD" ] || { echo "e2e:build: $dir/BUILD does not exist" >&2; exit 2; }
  ldflags="-s -w"
  kube="$(cd "$dir" && go list -m -f '{{.Version}}' k8s.io/kubernetes 2>/dev/null || true)"
  if [[ "$kube" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $p.gitVersion=$kube -X $p.gitMajor=${BASH_REMATCH[1]} -X $p.gitMinor=${BASH_REMATCH[2]} -X $p.gitTreeState=clean"
    done
  fi
  if grep -q '^[^#]* github.com/prometheus/prometheus/cmd/' "$dir/BUILD"; then
    # `go list -m` names no folder for a module not downloaded yet (a fresh machine): download it first.
    prom="$(cd "$dir" && go mod download github.com/prometheus/prometheus && go list -m -f '{{.Dir}}' github.com/prometheus/prometheus)"
    [ -f "$prom/VERSION" ] || { echo "e2e:build: $peer: no VERSION file in github.com/prometheus/prometheus ('$prom')" >&2; exit 2; }
    ldflags+=" -X github.com/prometheus/common/version.Version=$(cat "$prom/VERSION")"
  fi
  stamp="$( { echo "$go_version $gcflags $ldflags"; cd "$dir" && for f in go.mod go.sum BUILD $(ls -- *.go 2>/dev/null | LC_ALL=C sort); do
    [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done; } | sha256sum | cut -d' ' -f1)"
  while read -r name pkg tags extra; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ -z "$pkg" ] || [ -n "$extra" ] || { [ -n "$tags" ] && [[ ! "$tags" =~ ^-tags=[A-Za-z0-9_.,]+$ ]]; }; then
      echo "e2e:build: $peer/BUILD: expected '<binary-name> <go package path> [-tags=a,b]', got '$name $pkg $tags $extra'" >&2; exit 2
    fi
    out="$cache/bin/$name"
    if [ -x "$out" ] && [ "$(cat "$cache/stamps/$name" 2>/dev/null)" = "$stamp" ]; then
      echo "cached  $name"
      continue
    fi
    t=$SECONDS
    rm -f "$cache/stamps/$name"
    if (cd "$dir" && go build -trimpath ${tags:+"$tags"} -gcflags="$gcflags" -ldflags="$ldflags" -o "$out.tmp" "$pkg"); then
      mv -f "$out.tmp" "$out"
      echo "$stamp" > "$cache/stamps/$name"
      echo "built   $name ($((SECONDS - t))s, $pkg in e2e/peers/$peer)"
    else
      rm -f "$out.tmp"
      echo "FAILED  $name ($pkg in e2e/peers/$peer)" >&2
      failed=1
    fi
  done < <(cat "$dir/BUILD"; echo)
done
echo "e2e:build: $cache/bin in $((SECONDS - started))s"
exit $failed
