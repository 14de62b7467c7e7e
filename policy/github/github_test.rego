package github_test

import data.lib.testing

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

with_steps(steps) := json.patch(good, [{"op": "replace", "path": "/jobs/build/steps", "value": steps}])

step_path(k, rest) := array.concat(["jobs", "build", "steps", k], rest)

ids(document) := testing.ids("github", document)

paths(document, id) := testing.paths("github", document, id)

test_compliant_workflow_has_no_findings if {
	count(testing.reported("github", good)) == 0
}

test_conftest_true_key_is_read_as_on if {
	# conftest's YAML 1.1 parser turns `on:` into the key "true".
	document := json.patch(object.union(object.remove(good, ["on"]), {"true": "pull_request_target"}), [{"op": "add", "path": "/jobs/build/steps/0/with", "value": {"ref": "${{ github.event.pull_request.head.sha }}"}}])
	"GHA-004" in ids(document)
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["github"]) {
		count(ids(document)) == 0
	}
	count(ids({"name": "composite", "runs": {"using": "composite", "steps": [{"uses": "someone/action@v1"}]}})) == 0
}

test_gha_001_flags_unpinned_third_party_actions if {
	document := with_steps([{"uses": "someone/action@v1"}, {"uses": "docker://alpine:3.20"}, {"uses": "org/repo/path@main"}])
	paths(document, "GHA-001") == {step_path(0, ["uses"]), step_path(1, ["uses"]), step_path(2, ["uses"])}
	reusable := json.patch(good, [{"op": "add", "path": "/jobs/deploy", "value": {"uses": "org/workflows/.github/workflows/deploy.yml@v2"}}])
	paths(reusable, "GHA-001") == {["jobs", "deploy", "uses"]}
}

test_gha_001_allows_pinned_local_and_trusted_actions if {
	document := with_steps([
		{"uses": concat("@", ["someone/action", sha])},
		{"uses": "./.github/actions/setup"},
		{"uses": "docker://alpine@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"},
		{"uses": "GitHub/codeql-action/init@v3"},
	])
	not "GHA-001" in ids(document)
	not "GHA-001" in ids(with_steps([{"uses": "my-org/action@v1"}])) with data.policy_gate as {"github": {"trusted_action_owners": ["My-Org"]}}
}

test_gha_002_flags_write_all if {
	paths(object.union(good, {"permissions": "write-all"}), "GHA-002") == {["permissions"]}
	job := json.patch(good, [{"op": "add", "path": "/jobs/build/permissions", "value": "write-all"}])
	paths(job, "GHA-002") == {["jobs", "build", "permissions"]}
}

test_gha_002_allows_scoped_permissions if {
	not "GHA-002" in ids(object.union(good, {"permissions": "read-all"}))
}

test_gha_003_flags_missing_permissions if {
	document := object.remove(good, ["permissions"])
	paths(document, "GHA-003") == {["jobs", "build"]}
	testing.is_warning("github", document, "GHA-003")
}

test_gha_003_allows_job_level_permissions if {
	document := json.patch(object.remove(good, ["permissions"]), [{"op": "add", "path": "/jobs/build/permissions", "value": {}}])
	not "GHA-003" in ids(document)
}

privileged(trigger, steps) := object.union(with_steps(steps), {"on": trigger})

test_gha_004_flags_privileged_checkout_of_pr_code if {
	checkout := {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}
	paths(privileged("pull_request_target", [checkout]), "GHA-004") == {step_path(0, ["with", "ref"])}
	paths(privileged(["push", "pull_request_target"], [{"run": "gh pr checkout ${{ github.event.number }}"}]), "GHA-004") == {step_path(0, ["run"])}
	fetch := {"run": "git fetch origin refs/pull/${{ github.event.number }}/head && git checkout FETCH_HEAD"}
	paths(privileged({"workflow_run": {"workflows": ["CI"]}}, [fetch]), "GHA-004") == {step_path(0, ["run"])}
	some r in testing.of_rule("github", privileged("pull_request_target", [checkout]), "GHA-004")
	r.msg == "a pull_request_target workflow checks out ${{ github.event.pull_request.head.sha }}"
}

test_gha_004_allows_base_checkout_and_unprivileged_triggers if {
	not "GHA-004" in ids(privileged("pull_request_target", [{"uses": "actions/checkout@v4"}]))
	checkout := {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}
	not "GHA-004" in ids(privileged("pull_request", [checkout]))
}

test_gha_005_flags_event_data_in_scripts if {
	document := with_steps([
		{"run": "echo \"${{ github.event.issue.title }}\""},
		{"run": "git push origin HEAD:${{ github.head_ref }}"},
		{"uses": "actions/github-script@v7", "with": {"script": "console.log('${{ github.event.comment.body }}')"}},
		{"run": "echo ${{ github.event.pull_request.head['ref'] }}"},
	])
	paths(document, "GHA-005") == {step_path(0, ["run"]), step_path(1, ["run"]), step_path(2, ["with", "script"]), step_path(3, ["run"])}
	some r in testing.of_rule("github", document, "GHA-005")
	r.msg == "${{ github.event.issue.title }} is interpolated into a script"
}

test_gha_005_allows_numbers_hashes_and_env_indirection if {
	document := with_steps([
		{"run": "echo ${{ github.event.pull_request.number }} ${{ github.event.pull_request.head.sha }} ${{ github.event.issue.user.id }}"},
		{"env": {"TITLE": "${{ github.event.issue.title }}"}, "run": "echo \"$TITLE\""},
		{"run": "echo ${{ github.sha }} ${{ github.event.pull_request.created_at }}"},
	])
	not "GHA-005" in ids(document)
}

codeql := {"github": {"required_jobs": [{"name": "codeql", "uses": "github/codeql-action/analyze", "workflows": [".github/workflows/ci.yml"]}]}}

test_gha_006_flags_missing_required_job if {
	file := {"name": "ci.yml", "dir": "/repo/.github/workflows"}
	paths(good, "GHA-006") == {["jobs"]} with data.policy_gate as codeql with data.conftest.file as file
	everywhere := {"github": {"required_jobs": [{"name": "scan"}]}}
	"GHA-006" in ids(good) with data.policy_gate as everywhere
}

test_gha_006_allows_required_job_by_name_or_action_and_other_workflows if {
	file := {"name": "ci.yml", "dir": "/repo/.github/workflows"}
	with_action := with_steps([{"uses": concat("@", ["github/codeql-action/analyze", sha])}])
	not "GHA-006" in ids(with_action) with data.policy_gate as codeql with data.conftest.file as file
	named := json.patch(good, [{"op": "add", "path": "/jobs/codeql", "value": {"runs-on": "ubuntu-latest", "steps": []}}])
	not "GHA-006" in ids(named) with data.policy_gate as codeql with data.conftest.file as file
	not "GHA-006" in ids(good) with data.policy_gate as codeql with data.conftest.file as {"name": "release.yml", "dir": "/repo/.github/workflows"}
	not "GHA-006" in ids(good)
}
