package docker_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.docker.deny | data.docker.warn

ids := {r.id | some r in results}

warning_ids := {r.id | some r in data.docker.warn}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

# An instruction as conftest's dockerfile parser gives it.
step(cmd, value) := {"Cmd": cmd, "Flags": [], "JSON": false, "Stage": 0, "SubCmd": "", "Value": value}

in_stage(instruction, stage) := object.union(instruction, {"Stage": stage})

with_flags(instruction, flags) := object.union(instruction, {"Flags": flags})

pinned := "python:3.13-slim@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"

# A Dockerfile that follows every rule; each test adds or changes instructions.
good := [
	step("comment", ["syntax=docker/dockerfile:1"]),
	step("from", [pinned]),
	step("run", ["apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"]),
	step("user", ["10001"]),
	step("cmd", ["python", "app.py"]),
]

# good with an instruction inserted before the USER.
with_step(instruction) := array.concat(array.concat(array.slice(good, 0, 3), [instruction]), array.slice(good, 3, count(good)))

test_compliant_dockerfile_has_no_findings if {
	count(results) == 0 with input as good
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["docker"]) {
		count(ids) == 0 with input as document
	}
	count(ids) == 0 with input as [{"Cmd": "run", "Value": ["curl x | sh"]}]
	count(ids) == 0 with input as ["FROM ubuntu"]
}

test_docker_001_flags_root_final_stage if {
	no_user := [step("from", [pinned]), step("cmd", ["app"])]
	paths["DOCKER-001"] == {[0]} with input as no_user
	root := array.concat(good, [step("user", ["root:root"])])
	paths["DOCKER-001"] == {[5, "Value", 0]} with input as root
	builder_user := [
		step("from", ["golang:1.23@sha256:00"]),
		step("user", ["10001"]),
		in_stage(step("from", [pinned]), 1),
	]
	paths["DOCKER-001"] == {[2]} with input as builder_user
}

test_docker_001_allows_non_root_last_user if {
	switched := [step("from", [pinned]), step("user", ["root"]), step("run", ["chown app /data"]), step("user", ["app"])]
	not "DOCKER-001" in ids with input as switched
	not "DOCKER-001" in ids with input as [step("from", [pinned]), step("user", ["${APP_UID}"])]
}

test_docker_002_flags_latest_or_untagged_base if {
	paths["DOCKER-002"] == {[0, "Value", 0]} with input as [step("from", ["ubuntu"]), step("user", ["1"])]
	multi := [step("from", ["node:latest", "AS", "build"]), in_stage(step("from", ["nginx:1.27", "AS", "web"]), 1), in_stage(step("user", ["1"]), 1)]
	paths["DOCKER-002"] == {[0, "Value", 0]} with input as multi
}

test_docker_002_allows_tags_stages_scratch_and_arguments if {
	document := [
		step("arg", ["BASE=python:3.13"]),
		step("from", ["golang:1.23", "AS", "Build"]),
		in_stage(step("from", ["build"]), 1),
		in_stage(step("from", ["${BASE}"]), 2),
		in_stage(step("from", ["scratch"]), 3),
		in_stage(step("user", ["1"]), 3),
	]
	not "DOCKER-002" in ids with input as document
}

test_docker_003_flags_tag_without_digest if {
	document := [with_flags(step("from", ["python:3.13-slim"]), ["--platform=linux/amd64"]), step("user", ["1"])]
	paths["DOCKER-003"] == {[0, "Value", 0]} with input as document
	"DOCKER-003" in warning_ids with input as document
}

test_docker_003_allows_digest if {
	not "DOCKER-003" in ids with input as good
}

test_docker_004_flags_add_from_url if {
	document := with_step(step("add", ["https://example.com/tool.tgz", "/opt/"]))
	paths["DOCKER-004"] == {[3, "Value", 0]} with input as document
}

test_docker_004_allows_checksummed_add_and_local_files if {
	not "DOCKER-004" in ids with input as with_step(with_flags(step("add", ["https://example.com/tool.tgz", "/opt/"]), ["--checksum=sha256:24454f"]))
	not "DOCKER-004" in ids with input as with_step(step("add", ["app.tgz", "/opt/"]))
}

test_docker_005_flags_download_piped_to_shell if {
	every command in [
		"curl -fsSL https://get.example.com | sh",
		"wget -qO- https://x.io/install.sh | sudo -E bash -s -- --yes",
		"set -e; curl https://x | /bin/bash",
		`sh -c "$(curl -fsSL https://x/install.sh)"`,
		"bash <(curl -s https://x)",
	] {
		paths["DOCKER-005"] == {[3, "Value", 0]} with input as with_step(step("run", [command]))
	}
	"DOCKER-005" in ids with input as with_step(object.union(step("onbuild", ["curl https://x | sh"]), {"SubCmd": "RUN"}))
}

test_docker_005_allows_verified_downloads if {
	command := "curl -fsSLo tool.tgz https://x/tool.tgz && echo \"$SHA  tool.tgz\" | sha256sum -c - && tar xzf tool.tgz"
	not "DOCKER-005" in ids with input as with_step(step("run", [command]))
	not "DOCKER-005" in ids with input as with_step(step("run", ["curl -s https://x | tee out.txt"]))
}

test_docker_006_flags_secrets_in_env_and_arg if {
	env := with_step(step("env", ["LOG_LEVEL", "info", "=", "DB_PASSWORD", "hunter2", "="]))
	paths["DOCKER-006"] == {[3, "Value", 3]} with input as env
	arg := with_step(step("arg", ["VERSION=1", "NPM_TOKEN"]))
	paths["DOCKER-006"] == {[3, "Value", 1]} with input as arg
	every name in ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "api-key", "PrivateKey", "client_secret", "REGISTRY_CREDENTIALS"] {
		"DOCKER-006" in ids with input as with_step(step("env", [name, "x", "="]))
	}
}

test_docker_006_allows_references_and_public_keys if {
	every name in ["GPG_KEY", "GPG_KEYS", "PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "PYTHON_SHA256", "TOKENIZER_PATH", "AWS_ACCESS_KEY_ID"] {
		not "DOCKER-006" in ids with input as with_step(step("env", [name, "x", ""]))
	}
}

test_docker_007_flags_sudo if {
	paths["DOCKER-007"] == {[3, "Value", 0]} with input as with_step(step("run", ["make && sudo make install"]))
	"DOCKER-007" in ids with input as with_step(step("run", ["sudo apt-get install -y curl"]))
}

test_docker_007_allows_installing_a_package_named_sudo if {
	not "DOCKER-007" in ids with input as with_step(step("run", ["apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*"]))
}

test_docker_008_flags_update_alone if {
	document := with_step(step("run", ["apt-get -qq update"]))
	paths["DOCKER-008"] == {[3, "Value", 0]} with input as document
	"DOCKER-008" in warning_ids with input as document
}

test_docker_008_allows_update_with_install if {
	not "DOCKER-008" in ids with input as good
}

test_docker_009_flags_recommended_packages if {
	document := with_step(step("run", ["apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"]))
	paths["DOCKER-009"] == {[3, "Value", 0]} with input as document
}

test_docker_009_allows_builder_stages_and_global_setting if {
	builder := [
		step("from", ["golang:1.23@sha256:00", "AS", "build"]),
		step("run", ["apt-get update && apt-get install -y gcc"]),
		in_stage(step("from", [pinned]), 1),
		in_stage(step("user", ["1"]), 1),
	]
	not "DOCKER-009" in ids with input as builder
	not "DOCKER-010" in ids with input as builder
	global := with_step(step("run", ["echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/no-recommends"]))
	later := array.concat(array.slice(global, 0, 4), [step("run", ["apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"]), step("user", ["1"])])
	not "DOCKER-009" in ids with input as later
}

test_docker_010_flags_lists_left_behind if {
	document := with_step(step("run", ["apt-get update && apt-get install -y --no-install-recommends git"]))
	paths["DOCKER-010"] == {[3, "Value", 0]} with input as document
}

test_docker_010_allows_dist_clean_and_cache_mounts if {
	not "DOCKER-010" in ids with input as with_step(step("run", ["apt-get update; apt-get install -y --no-install-recommends git; apt-get dist-clean"]))
	mounted := with_flags(step("run", ["apt-get update && apt-get install -y --no-install-recommends git"]), ["--mount=type=cache,target=/var/lib/apt,sharing=locked"])
	not "DOCKER-010" in ids with input as with_step(mounted)
}

test_exceptions_name_the_file if {
	document := [step("from", [pinned]), step("cmd", ["app"])]
	settings := {"exceptions": [{"rule": "DOCKER-001", "file": "tools/**/Dockerfile", "reason": "Debug image", "approved_by": "sec"}]}
	failures := data.docker.deny with input as document with data.policy_gate as settings with data.conftest.file as {"name": "Dockerfile", "dir": "/repo/tools/debug"}
	count(failures) == 0
	others := data.docker.deny with input as document with data.policy_gate as settings with data.conftest.file as {"name": "Dockerfile", "dir": "/repo/app"}
	count(others) == 1
}
