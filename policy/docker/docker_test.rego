package docker_test

import data.lib.testing

# An instruction as conftest's dockerfile parser gives it.
i(cmd, value) := {"Cmd": cmd, "Flags": [], "JSON": false, "Stage": 0, "SubCmd": "", "Value": value}

in_stage(instruction, stage) := object.union(instruction, {"Stage": stage})

with_flags(instruction, flags) := object.union(instruction, {"Flags": flags})

pinned := "python:3.13-slim@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"

# A Dockerfile that follows every rule; each test adds or changes instructions.
good := [
	i("comment", ["syntax=docker/dockerfile:1"]),
	i("from", [pinned]),
	i("run", ["apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"]),
	i("user", ["10001"]),
	i("cmd", ["python", "app.py"]),
]

ids(document) := testing.ids("docker", document)

paths(document, id) := testing.paths("docker", document, id)

# good with an instruction inserted before the USER.
with_step(instruction) := array.concat(array.concat(array.slice(good, 0, 3), [instruction]), array.slice(good, 3, count(good)))

test_compliant_dockerfile_has_no_findings if {
	count(testing.reported("docker", good)) == 0
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["docker"]) {
		count(ids(document)) == 0
	}
	count(ids([{"Cmd": "run", "Value": ["curl x | sh"]}])) == 0
	count(ids(["FROM ubuntu"])) == 0
}

test_docker_001_flags_root_final_stage if {
	no_user := [i("from", [pinned]), i("cmd", ["app"])]
	paths(no_user, "DOCKER-001") == {[0]}
	root := array.concat(good, [i("user", ["root:root"])])
	paths(root, "DOCKER-001") == {[5, "Value", 0]}
	builder_user := [
		i("from", ["golang:1.23@sha256:00"]),
		i("user", ["10001"]),
		in_stage(i("from", [pinned]), 1),
	]
	paths(builder_user, "DOCKER-001") == {[2]}
}

test_docker_001_allows_non_root_last_user if {
	switched := [i("from", [pinned]), i("user", ["root"]), i("run", ["chown app /data"]), i("user", ["app"])]
	not "DOCKER-001" in ids(switched)
	not "DOCKER-001" in ids([i("from", [pinned]), i("user", ["${APP_UID}"])])
}

test_docker_002_flags_latest_or_untagged_base if {
	paths([i("from", ["ubuntu"]), i("user", ["1"])], "DOCKER-002") == {[0, "Value", 0]}
	multi := [i("from", ["node:latest", "AS", "build"]), in_stage(i("from", ["nginx:1.27", "AS", "web"]), 1), in_stage(i("user", ["1"]), 1)]
	paths(multi, "DOCKER-002") == {[0, "Value", 0]}
}

test_docker_002_allows_tags_stages_scratch_and_arguments if {
	document := [
		i("arg", ["BASE=python:3.13"]),
		i("from", ["golang:1.23", "AS", "Build"]),
		in_stage(i("from", ["build"]), 1),
		in_stage(i("from", ["${BASE}"]), 2),
		in_stage(i("from", ["scratch"]), 3),
		in_stage(i("user", ["1"]), 3),
	]
	not "DOCKER-002" in ids(document)
}

test_docker_003_flags_tag_without_digest if {
	document := [with_flags(i("from", ["python:3.13-slim"]), ["--platform=linux/amd64"]), i("user", ["1"])]
	paths(document, "DOCKER-003") == {[0, "Value", 0]}
	testing.is_warning("docker", document, "DOCKER-003")
}

test_docker_003_allows_digest if {
	not "DOCKER-003" in ids(good)
}

test_docker_004_flags_add_from_url if {
	document := with_step(i("add", ["https://example.com/tool.tgz", "/opt/"]))
	paths(document, "DOCKER-004") == {[3, "Value", 0]}
}

test_docker_004_allows_checksummed_add_and_local_files if {
	not "DOCKER-004" in ids(with_step(with_flags(i("add", ["https://example.com/tool.tgz", "/opt/"]), ["--checksum=sha256:24454f"])))
	not "DOCKER-004" in ids(with_step(i("add", ["app.tgz", "/opt/"])))
}

test_docker_005_flags_download_piped_to_shell if {
	every command in [
		"curl -fsSL https://get.example.com | sh",
		"wget -qO- https://x.io/install.sh | sudo -E bash -s -- --yes",
		"set -e; curl https://x | /bin/bash",
		`sh -c "$(curl -fsSL https://x/install.sh)"`,
		"bash <(curl -s https://x)",
	] {
		paths(with_step(i("run", [command])), "DOCKER-005") == {[3, "Value", 0]}
	}
	"DOCKER-005" in ids(with_step(object.union(i("onbuild", ["curl https://x | sh"]), {"SubCmd": "RUN"})))
}

test_docker_005_allows_verified_downloads if {
	command := "curl -fsSLo tool.tgz https://x/tool.tgz && echo \"$SHA  tool.tgz\" | sha256sum -c - && tar xzf tool.tgz"
	not "DOCKER-005" in ids(with_step(i("run", [command])))
	not "DOCKER-005" in ids(with_step(i("run", ["curl -s https://x | tee out.txt"])))
}

test_docker_006_flags_secrets_in_env_and_arg if {
	env := with_step(i("env", ["LOG_LEVEL", "info", "=", "DB_PASSWORD", "hunter2", "="]))
	paths(env, "DOCKER-006") == {[3, "Value", 3]}
	arg := with_step(i("arg", ["VERSION=1", "NPM_TOKEN"]))
	paths(arg, "DOCKER-006") == {[3, "Value", 1]}
	every name in ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "api-key", "PrivateKey", "client_secret", "REGISTRY_CREDENTIALS"] {
		"DOCKER-006" in ids(with_step(i("env", [name, "x", "="])))
	}
}

test_docker_006_allows_references_and_public_keys if {
	every name in ["GPG_KEY", "GPG_KEYS", "PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "PYTHON_SHA256", "TOKENIZER_PATH", "AWS_ACCESS_KEY_ID"] {
		not "DOCKER-006" in ids(with_step(i("env", [name, "x", ""])))
	}
}

test_docker_007_flags_sudo if {
	paths(with_step(i("run", ["make && sudo make install"])), "DOCKER-007") == {[3, "Value", 0]}
	"DOCKER-007" in ids(with_step(i("run", ["sudo apt-get install -y curl"])))
}

test_docker_007_allows_installing_a_package_named_sudo if {
	not "DOCKER-007" in ids(with_step(i("run", ["apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*"])))
}

test_docker_008_flags_update_alone if {
	document := with_step(i("run", ["apt-get -qq update"]))
	paths(document, "DOCKER-008") == {[3, "Value", 0]}
	testing.is_warning("docker", document, "DOCKER-008")
}

test_docker_008_allows_update_with_install if {
	not "DOCKER-008" in ids(good)
}

test_docker_009_flags_recommended_packages if {
	document := with_step(i("run", ["apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"]))
	paths(document, "DOCKER-009") == {[3, "Value", 0]}
}

test_docker_009_allows_builder_stages_and_global_setting if {
	builder := [
		i("from", ["golang:1.23@sha256:00", "AS", "build"]),
		i("run", ["apt-get update && apt-get install -y gcc"]),
		in_stage(i("from", [pinned]), 1),
		in_stage(i("user", ["1"]), 1),
	]
	not "DOCKER-009" in ids(builder)
	not "DOCKER-010" in ids(builder)
	global := with_step(i("run", ["echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/no-recommends"]))
	later := array.concat(array.slice(global, 0, 4), [i("run", ["apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"]), i("user", ["1"])])
	not "DOCKER-009" in ids(later)
}

test_docker_010_flags_lists_left_behind if {
	document := with_step(i("run", ["apt-get update && apt-get install -y --no-install-recommends git"]))
	paths(document, "DOCKER-010") == {[3, "Value", 0]}
}

test_docker_010_allows_dist_clean_and_cache_mounts if {
	not "DOCKER-010" in ids(with_step(i("run", ["apt-get update; apt-get install -y --no-install-recommends git; apt-get dist-clean"])))
	mounted := with_flags(i("run", ["apt-get update && apt-get install -y --no-install-recommends git"]), ["--mount=type=cache,target=/var/lib/apt,sharing=locked"])
	not "DOCKER-010" in ids(with_step(mounted))
}

test_exceptions_name_the_file if {
	document := [i("from", [pinned]), i("cmd", ["app"])]
	settings := {"exceptions": [{"rule": "DOCKER-001", "file": "tools/**/Dockerfile", "reason": "Debug image", "approved_by": "sec"}]}
	failures := data.docker.deny with input as document with data.policy_gate as settings with data.conftest.file as {"name": "Dockerfile", "dir": "/repo/tools/debug"}
	count(failures) == 0
	others := data.docker.deny with input as document with data.policy_gate as settings with data.conftest.file as {"name": "Dockerfile", "dir": "/repo/app"}
	count(others) == 1
}
