#!/usr/bin/env bash
# npm run demo: policy-gate on the bundled example repository (examples/), with the built-in
# library and the repository's own rules (examples/policy) and configuration (examples/data), as
# the pull request check would run it. Prints the gate's report and its exit status.
#
# The examples break rules on purpose, so the gate itself exits 1. This script's exit status says
# whether the demo worked: 0 when the gate behaved as expected on the examples (the files meant to
# fail fail, the compliant ones pass, exceptions apply, nothing errors), 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# OPA compiles examples/policy (the built-in library ships precompiled in dist/builtin).
bash scripts/install-tools.sh
export PATH="$root/.tools/bin:$PATH"

out="$(mktemp)"
err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT

# Run from examples/ as from the root of the repository it stands for.
command=(node ../dist/cli/index.js test k8s terraform docker .github/workflows .gitlab-ci.yml
  -p policy -d data --builtin true)
echo "\$ cd examples && policy-gate test ${command[*]:3}"
echo
status=0
(cd examples && "${command[@]}") >"$out" 2>"$err" || status=$?
cat "$out"
cat "$err" >&2
echo
echo "exit status: $status"
echo

# What the examples are written to produce (see examples/README.md).
problems=()
expect() { # $1 description, $2 extended regular expression that must match a line of the report
  grep -Eq -- "$2" "$out" || problems+=("$1")
}
refuse() { # $1 description, $2 extended regular expression that must match no line
  if grep -Eq -- "$2" "$out"; then problems+=("$1"); fi
}
[ "$status" -eq 1 ] || problems+=("the gate exits 1 (failures), not $status")
if grep -q 'policy-gate: ' "$err"; then problems+=("the gate reports no errors on stderr"); fi
for file in k8s/worker.yaml terraform/plan.json docker/worker.Dockerfile \
  .github/workflows/ci.yml .gitlab-ci.yml; do
  expect "$file fails" "^FAIL - $file - "
done
for file in k8s/web.yaml k8s/scheduler.yaml docker/Dockerfile; do
  refuse "$file passes" "^(FAIL|WARN) - $file - "
done
# The exceptions in examples/data/exceptions.yaml are in force until 2028-06-30.
refuse "node-exporter's exceptions apply" "^FAIL - k8s/node-exporter.yaml - "
expect "the expired exception is reported (GATE-001)" "^WARN - terraform/plan.json - .*The exception for TF-AWS-102"
expect "the old-syntax (Rego v0) rule runs" "^FAIL - terraform/plan.json - main - aws_security_group.bastion has no owner tag"
expect "the custom exception rule counts" " 1 exception"

if [ "${#problems[@]}" -gt 0 ]; then
  echo "demo: the gate did NOT behave as expected on examples/:" >&2
  printf '  - expected: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "demo: as expected. The example repository breaks rules on purpose (the gate's exit status 1"
echo "fails the check); web.yaml, scheduler.yaml and Dockerfile pass, node-exporter.yaml is waived"
echo "by exceptions. See examples/README.md, then try the README's commands on your own files."
