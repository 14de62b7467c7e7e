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

installed_version() { # $1 binary, prints its version or nothing
  "$1" version 2>/dev/null | sed -n -E 's/^(Version|Conftest|OPA)?:? *v?([0-9]+\.[0-9]+\.[0-9]+).*/\2/p' | head -1
}

install() { # $1 name, $2 module, $3 version
  local name="$1" module="$2" version="$3"
  if [ -x "$bin/$name" ] && [ "$(installed_version "$bin/$name")" = "$version" ]; then
    return 0
  fi
  echo "install-tools: go install $module@v$version" >&2
  GOBIN="$bin" CGO_ENABLED=0 go install -ldflags "-X github.com/open-policy-agent/opa/v1/version.Version=$version" "$module@v$version"
  local got
  got="$(installed_version "$bin/$name")"
  if [ "$got" != "$version" ]; then
    echo "install-tools: $name reports version '$got', expected $version" >&2
    exit 1
  fi
}

install opa github.com/open-policy-agent/opa "$OPA_VERSION"
install conftest github.com/open-policy-agent/conftest "$CONFTEST_VERSION"
echo "install-tools: opa $OPA_VERSION, conftest $CONFTEST_VERSION in $bin" >&2
