package gitlab_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.gitlab.deny | data.gitlab.warn

ids := {r.id | some r in results}

warning_ids := {r.id | some r in data.gitlab.warn}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

pinned := "node:22.11-alpine@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"

# A pipeline that follows every rule; tests change one thing.
good := {
	"stages": ["build", "test"],
	"include": [{"template": "Security/SAST.gitlab-ci.yml"}, {"template": "Jobs/Secret-Detection.gitlab-ci.yml"}],
	"default": {"image": pinned},
	"build": {"stage": "build", "image": "node:22.11-alpine", "script": ["npm ci", "npm run build"]},
	".cached": {"cache": {"paths": ["node_modules"]}},
}

root := {"name": ".gitlab-ci.yml", "dir": "/repo"}

test_compliant_pipeline_has_no_findings if {
	count(results) == 0 with data.conftest.file as root with input as good
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["gitlab"]) {
		count(ids) == 0 with input as document
	}
	compose := {"services": {"web": {"image": "nginx:latest", "ports": ["80:80"]}}}
	count(ids) == 0 with input as compose
	count(ids) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": {"script": "a"}}}
}

test_included_fragments_are_recognised_by_name if {
	fragment := {".node": {"image": "node:latest"}}
	paths["GITLAB-002"] == {[".node", "image"]} with data.conftest.file as {"name": "ci/templates.gitlab-ci.yml"} with input as fragment
	count(ids) == 0 with data.conftest.file as {"name": "values.yml"} with input as fragment
}

test_gitlab_001_flags_missing_required_jobs if {
	document := object.remove(good, ["include"])
	paths["GITLAB-001"] == {["stages"]} with data.conftest.file as root with input as document
	count(by_id["GITLAB-001"]) == 2 with data.conftest.file as root with input as document
	"GITLAB-001" in warning_ids with data.conftest.file as root with input as document
	component := object.union(good, {"include": "https://example.com/sast.yml"})
	paths["GITLAB-001"] == {["include"]} with data.conftest.file as root with input as component
	configured := {"gitlab": {"required_jobs": [{"name": "dependency_scanning", "includes": ["Dependency-Scanning"]}]}}
	"GITLAB-001" in ids with data.conftest.file as root with data.policy_gate as configured with input as good
	bare := {"build": {"script": ["make"]}}
	paths["GITLAB-001"] == {[]} with input as bare
}

test_gitlab_001_allows_defined_jobs_components_and_included_files if {
	jobs := object.union(object.remove(good, ["include"]), {
		"sast": {"stage": "test", "script": ["semgrep ."]},
		"secret_detection": {"stage": "test", "script": ["gitleaks detect"]},
	})
	not "GITLAB-001" in ids with data.conftest.file as root with input as jobs
	components := object.union(good, {"include": [
		{"component": "$CI_SERVER_FQDN/components/sast/sast@2.0.2"},
		{"project": "org/ci", "file": ["/jobs.yml", "components/secret-detection/template.yml"]},
	]})
	not "GITLAB-001" in ids with data.conftest.file as root with input as components
	not "GITLAB-001" in ids with data.conftest.file as {"name": "build.gitlab-ci.yml", "dir": "/repo/ci"} with input as object.remove(good, ["include"])
	not "GITLAB-001" in ids with data.conftest.file as root with data.policy_gate as {"gitlab": {"required_jobs": []}} with input as object.remove(good, ["include"])
}

test_gitlab_002_flags_floating_images if {
	document := object.union(good, {
		"image": "ruby",
		"default": {"image": pinned, "services": ["postgres:latest", {"name": "redis", "alias": "cache"}]},
		"test": {"stage": "test", "image": {"name": "$CI_REGISTRY_IMAGE:latest", "entrypoint": [""]}, "script": ["rspec"]},
	})
	paths["GITLAB-002"] == {
		["image"],
		["default", "services", 0],
		["default", "services", 1, "name"],
		["test", "image", "name"],
	} with data.conftest.file as root with input as document
}

test_gitlab_002_allows_tags_digests_and_variables if {
	document := object.union(good, {"test": {"stage": "test", "image": "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", "services": [{"name": "postgres:17.2"}], "script": ["rspec"]}})
	not "GITLAB-002" in ids with data.conftest.file as root with input as document
}
