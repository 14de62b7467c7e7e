package github_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.github.deny | data.github.warn

ids := {r.id | some r in results}

warning_ids := {r.id | some r in data.github.warn}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

sha := "11bd71901bbe5b1630ceea73d27597364c9af683"

# A workflow that follows every rule; tests change one thing.
good := {
	"name": "CI",
	"on": {"pull_request": {"branches": ["main"]}},
	"permissions": {"contents": "read"},
	"jobs": {"build": {
		"runs-on": "ubuntu-latest",
		"steps": [
			{"uses": "actions/checkout@v4"},
			{"uses": concat("@", ["docker/setup-buildx-action", sha])},
			{"run": "make test PR=${{ github.event.pull_request.number }}"},
		],
	}},
}

# Arrays are replaced, objects merged, by object.union.
with_steps(steps) := object.union(good, {"jobs": {"build": {"steps": steps}}})

step_path(k, rest) := array.concat(["jobs", "build", "steps", k], rest)

test_compliant_workflow_has_no_findings if {
	count(results) == 0 with input as good
}

test_conftest_true_key_is_read_as_on if {
	# conftest's YAML 1.1 parser turns `on:` into the key "true".
	document := object.union(object.remove(with_steps([{"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}]), ["on"]), {"true": "pull_request_target"})
	"GHA-004" in ids with input as document
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["github"]) {
		count(ids) == 0 with input as document
	}
	count(ids) == 0 with input as {"name": "composite", "runs": {"using": "composite", "steps": [{"uses": "someone/action@v1"}]}}
}

test_gha_001_flags_unpinned_third_party_actions if {
	document := with_steps([{"uses": "someone/action@v1"}, {"uses": "docker://alpine:3.20"}, {"uses": "org/repo/path@main"}])
	paths["GHA-001"] == {step_path(0, ["uses"]), step_path(1, ["uses"]), step_path(2, ["uses"])} with input as document
	reusable := object.union(good, {"jobs": {"deploy": {"uses": "org/workflows/.github/workflows/deploy.yml@v2"}}})
	paths["GHA-001"] == {["jobs", "deploy", "uses"]} with input as reusable
}

test_gha_001_allows_pinned_local_and_trusted_actions if {
	document := with_steps([
		{"uses": concat("@", ["someone/action", sha])},
		{"uses": "./.github/actions/setup"},
		{"uses": "docker://alpine@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"},
		{"uses": "GitHub/codeql-action/init@v3"},
	])
	not "GHA-001" in ids with input as document
	not "GHA-001" in ids with data.policy_gate as {"github": {"trusted_action_owners": ["My-Org"]}} with input as with_steps([{"uses": "my-org/action@v1"}])
}

test_gha_002_flags_write_all if {
	paths["GHA-002"] == {["permissions"]} with input as object.union(good, {"permissions": "write-all"})
	job := object.union(good, {"jobs": {"build": {"permissions": "write-all"}}})
	paths["GHA-002"] == {["jobs", "build", "permissions"]} with input as job
}

test_gha_002_allows_scoped_permissions if {
	not "GHA-002" in ids with input as object.union(good, {"permissions": "read-all"})
}

test_gha_003_flags_missing_permissions if {
	document := object.remove(good, ["permissions"])
	paths["GHA-003"] == {["jobs", "build"]} with input as document
	"GHA-003" in warning_ids with input as document
}

test_gha_003_allows_job_level_permissions if {
	document := object.union(object.remove(good, ["permissions"]), {"jobs": {"build": {"permissions": {}}}})
	not "GHA-003" in ids with input as document
}

privileged(trigger, steps) := object.union(with_steps(steps), {"on": trigger})

test_gha_004_flags_privileged_checkout_of_pr_code if {
	checkout := {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}
	paths["GHA-004"] == {step_path(0, ["with", "ref"])} with input as privileged("pull_request_target", [checkout])
	paths["GHA-004"] == {step_path(0, ["run"])} with input as privileged(["push", "pull_request_target"], [{"run": "gh pr checkout ${{ github.event.number }}"}])
	fetch := {"run": "git fetch origin refs/pull/${{ github.event.number }}/head && git checkout FETCH_HEAD"}
	paths["GHA-004"] == {step_path(0, ["run"])} with input as privileged({"workflow_run": {"workflows": ["CI"]}}, [fetch])
	results_1 := by_id["GHA-004"] with input as privileged("pull_request_target", [checkout])
	some r in results_1
	r.msg == "a pull_request_target workflow checks out ${{ github.event.pull_request.head.sha }}"
}

test_gha_004_allows_base_checkout_and_unprivileged_triggers if {
	not "GHA-004" in ids with input as privileged("pull_request_target", [{"uses": "actions/checkout@v4"}])
	checkout := {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}
	not "GHA-004" in ids with input as privileged("pull_request", [checkout])
}

test_gha_005_flags_event_data_in_scripts if {
	document := with_steps([
		{"run": "echo \"${{ github.event.issue.title }}\""},
		{"run": "git push origin HEAD:${{ github.head_ref }}"},
		{"uses": "actions/github-script@v7", "with": {"script": "console.log('${{ github.event.comment.body }}')"}},
		{"run": "echo ${{ github.event.pull_request.head['ref'] }}"},
	])
	paths["GHA-005"] == {step_path(0, ["run"]), step_path(1, ["run"]), step_path(2, ["with", "script"]), step_path(3, ["run"])} with input as document
	results_2 := by_id["GHA-005"] with input as document
	some r in results_2
	r.msg == "${{ github.event.issue.title }} is interpolated into a script"
}

test_gha_005_allows_numbers_hashes_and_env_indirection if {
	document := with_steps([
		{"run": "echo ${{ github.event.pull_request.number }} ${{ github.event.pull_request.head.sha }} ${{ github.event.issue.user.id }}"},
		{"env": {"TITLE": "${{ github.event.issue.title }}"}, "run": "echo \"$TITLE\""},
		{"run": "echo ${{ github.sha }} ${{ github.event.pull_request.created_at }}"},
	])
	not "GHA-005" in ids with input as document
}

codeql := {"github": {"required_jobs": [{"name": "codeql", "uses": "github/codeql-action/analyze", "workflows": [".github/workflows/ci.yml"]}]}}

test_gha_006_flags_missing_required_job if {
	file := {"name": "ci.yml", "dir": "/repo/.github/workflows"}
	paths["GHA-006"] == {["jobs"]} with data.policy_gate as codeql with data.conftest.file as file with input as good
	everywhere := {"github": {"required_jobs": [{"name": "scan"}]}}
	"GHA-006" in ids with data.policy_gate as everywhere with input as good
}

test_gha_006_allows_required_job_by_name_or_action_and_other_workflows if {
	file := {"name": "ci.yml", "dir": "/repo/.github/workflows"}
	with_action := with_steps([{"uses": concat("@", ["github/codeql-action/analyze", sha])}])
	not "GHA-006" in ids with data.policy_gate as codeql with data.conftest.file as file with input as with_action
	named := object.union(good, {"jobs": {"codeql": {"runs-on": "ubuntu-latest", "steps": []}}})
	not "GHA-006" in ids with data.policy_gate as codeql with data.conftest.file as file with input as named
	not "GHA-006" in ids with data.policy_gate as codeql with data.conftest.file as {"name": "release.yml", "dir": "/repo/.github/workflows"} with input as good
	not "GHA-006" in ids with input as good
}

test_a_document_without_trigger_is_not_a_workflow if {
	count(ids) == 0 with input as object.remove(object.union(good, {"permissions": "write-all"}), ["on"])
}
