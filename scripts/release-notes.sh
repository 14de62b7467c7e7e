#!/usr/bin/env bash
# Prints the release notes of one version: the body of its `## [X.Y.Z]` section in CHANGELOG.md.
# Fails when the section is missing or empty, so that a release is never published without notes.
#   bash scripts/release-notes.sh 1.0.0 [CHANGELOG.md]
set -euo pipefail
version="${1:?usage: release-notes.sh VERSION [CHANGELOG]}"
changelog="${2:-$(dirname "${BASH_SOURCE[0]}")/../CHANGELOG.md}"
notes="$(awk -v heading="## [$version]" '
  index($0, heading) == 1 { found = 1; next }
  found && /^## / { exit }
  found { print }
' "$changelog" | sed -e '/./,$!d')"
if [ -z "${notes//[[:space:]]/}" ]; then
  echo "release-notes: $changelog has no notes under '## [$version]'; add them before tagging v$version." >&2
  exit 1
fi
printf '%s\n' "$notes"
