package gitlab_test

import data.lib.testing

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

ids(document) := testing.ids("gitlab", document)

paths(document, id) := testing.paths("gitlab", document, id)

test_compliant_pipeline_has_no_findings if {
	count(testing.reported("gitlab", good)) == 0 with data.conftest.file as root
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["gitlab"]) {
		count(ids(document)) == 0
	}
	compose := {"services": {"web": {"image": "nginx:latest", "ports": ["80:80"]}}}
	count(ids(compose)) == 0
	count(ids({"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": {"script": "a"}}})) == 0
}

test_included_fragments_are_recognised_by_name if {
	fragment := {".node": {"image": "node:latest"}}
	paths(fragment, "GITLAB-002") == {[".node", "image"]} with data.conftest.file as {"name": "ci/templates.gitlab-ci.yml"}
	count(ids(fragment)) == 0 with data.conftest.file as {"name": "values.yml"}
}

test_gitlab_001_flags_missing_required_jobs if {
	document := object.remove(good, ["include"])
	paths(document, "GITLAB-001") == {["stages"]} with data.conftest.file as root
	count(testing.of_rule("gitlab", document, "GITLAB-001")) == 2 with data.conftest.file as root
	testing.is_warning("gitlab", document, "GITLAB-001") with data.conftest.file as root
	component := object.union(good, {"include": "https://example.com/sast.yml"})
	paths(component, "GITLAB-001") == {["include"]} with data.conftest.file as root
	configured := {"gitlab": {"required_jobs": [{"name": "dependency_scanning", "includes": ["Dependency-Scanning"]}]}}
	"GITLAB-001" in ids(good) with data.conftest.file as root with data.policy_gate as configured
	bare := {"build": {"script": ["make"]}}
	paths(bare, "GITLAB-001") == {[]}
}

test_gitlab_001_allows_defined_jobs_components_and_included_files if {
	jobs := object.union(object.remove(good, ["include"]), {
		"sast": {"stage": "test", "script": ["semgrep ."]},
		"secret_detection": {"stage": "test", "script": ["gitleaks detect"]},
	})
	not "GITLAB-001" in ids(jobs) with data.conftest.file as root
	components := object.union(good, {"include": [
		{"component": "$CI_SERVER_FQDN/components/sast/sast@2.0.2"},
		{"project": "org/ci", "file": ["/jobs.yml", "components/secret-detection/template.yml"]},
	]})
	not "GITLAB-001" in ids(components) with data.conftest.file as root
	not "GITLAB-001" in ids(object.remove(good, ["include"])) with data.conftest.file as {"name": "build.gitlab-ci.yml", "dir": "/repo/ci"}
	not "GITLAB-001" in ids(object.remove(good, ["include"])) with data.conftest.file as root with data.policy_gate as {"gitlab": {"required_jobs": []}}
}

test_gitlab_002_flags_floating_images if {
	document := object.union(good, {
		"image": "ruby",
		"default": {"image": pinned, "services": ["postgres:latest", {"name": "redis", "alias": "cache"}]},
		"test": {"stage": "test", "image": {"name": "$CI_REGISTRY_IMAGE:latest", "entrypoint": [""]}, "script": ["rspec"]},
	})
	paths(document, "GITLAB-002") == {
		["image"],
		["default", "services", 0],
		["default", "services", 1, "name"],
		["test", "image", "name"],
	} with data.conftest.file as root
}

test_gitlab_002_allows_tags_digests_and_variables if {
	document := object.union(good, {"test": {"stage": "test", "image": "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", "services": [{"name": "postgres:17.2"}], "script": ["rspec"]}})
	not "GITLAB-002" in ids(document) with data.conftest.file as root
}
