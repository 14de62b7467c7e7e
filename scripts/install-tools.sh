#!/usr/bin/env bash
# Installs the pinned tools the tests use (OPA, conftest) into .tools/bin with `go install`,
# skipping any that is already there at the pinned version. Safe to run repeatedly.
set -euo pipefail

OPA_VERSION="${OPA_VERSION:-1.22.3}"
CONFTEST_VERSION="${CONFTEST_VERSION:-0.69.0}"

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

install opa github.com/open-policy-agent/opa "$OPA_VERSION" github.com/open-policy-agent/opa/v1/version.Version
install conftest github.com/open-policy-agent/conftest "$CONFTEST_VERSION" github.com/open-policy-agent/conftest/internal/version.Version
echo "install-tools: opa $OPA_VERSION, conftest $CONFTEST_VERSION in $bin" >&2
