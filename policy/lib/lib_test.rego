package lib_test

import data.lib.config
import data.lib.dates
import data.lib.images
import data.lib.kubernetes
import data.lib.network
import data.lib.terraform
import data.lib.testing
import data.lib.util

# 2026-01-01T12:00:00Z
new_year := 1767268800000000000

privileged := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web", "namespace": "prod", "labels": {"app.kubernetes.io/name": "web"}},
	"spec": {
		"automountServiceAccountToken": false,
		"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [{
			"name": "app",
			"image": "nginx:1.27@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108",
			"securityContext": {"privileged": true, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
			"resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
			"livenessProbe": {"exec": {"command": ["true"]}},
			"readinessProbe": {"exec": {"command": ["true"]}},
		}],
	},
}

# What the kubernetes package reports for `privileged`; tests set data.policy_gate and the
# clock with `with` (helpers must not use `with` themselves: see lib.testing).
failure_ids := {r.id | some r in data.kubernetes.deny}

warnings := data.kubernetes.warn

warning_ids := {r.id | some r in warnings}

exception(fields) := object.union({"rule": "K8S-001", "reason": "Needs /dev", "approved_by": "alice"}, fields)

# Enforcement

test_default_enforcement_comes_from_metadata if {
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {} with time.now_ns as new_year
	count(warnings) == 0 with input as privileged with data.policy_gate as {} with time.now_ns as new_year
}

test_enforcement_off_reports_nothing if {
	failure_ids == set() with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": false}} with time.now_ns as new_year
	failure_ids == set() with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": "off"}} with time.now_ns as new_year
	count(warnings) == 0 with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": "off"}} with time.now_ns as new_year
}

test_enforcement_warn_turns_a_failure_into_a_warning if {
	failure_ids == set() with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": "warn"}} with time.now_ns as new_year
	results_1 := warnings with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": "warn"}} with time.now_ns as new_year
	some r in results_1
	r.id == "K8S-001"
	not r.enforcement
}

test_enforcement_audit_warns_with_a_marker if {
	settings := {"enforcement": {"K8S-001": "audit"}}
	failure_ids == set() with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	results_2 := warnings with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	some r in results_2
	r.enforcement == "audit"
	startswith(r.msg, "[audit] Pod/web")
}

test_enforcement_deny_turns_a_warning_into_a_failure if {
	container := object.union(privileged.spec.containers[0], {"image": "nginx:1.27"})
	doc := object.union(privileged, {"spec": {"containers": [container]}})
	"K8S-202" in failure_ids with input as doc with data.policy_gate as {"enforcement": {"K8S-202": "deny"}}
}

test_deny_after_warns_before_the_date_and_fails_from_it if {
	before := {"enforcement": {"K8S-001": {"deny_after": "2026-01-02"}}}
	failure_ids == set() with input as privileged with data.policy_gate as before with time.now_ns as new_year
	results_3 := warnings with input as privileged with data.policy_gate as before with time.now_ns as new_year
	some r in results_3
	r.deny_after == "2026-01-02"
	endswith(r.msg, "(a warning until 2026-01-02, a failure from that day)")
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": {"deny_after": "2026-01-01"}}} with time.now_ns as new_year
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": {"deny_after": "2025-06-30T00:00:00Z"}}} with time.now_ns as new_year
}

test_invalid_enforcement_fails_closed if {
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": "block"}} with time.now_ns as new_year
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"enforcement": {"K8S-001": {"deny_after": "soon"}}} with time.now_ns as new_year
}

# Exceptions

test_exception_waives_the_matching_finding if {
	settings := {"exceptions": [exception({"kind": "Pod", "namespace": "prod", "name": "web", "expires": "2026-01-01"})]}
	failure_ids == set() with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	count(warnings) == 0 with input as privileged with data.policy_gate as settings with time.now_ns as new_year
}

test_exception_without_expiry_never_expires if {
	failure_ids == set() with input as privileged with data.policy_gate as {"exceptions": [exception({"name": "web"})]} with time.now_ns as new_year
}

test_exception_applies_per_finding if {
	# Another object, another rule, or another namespace: the finding stays.
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"exceptions": [exception({"name": "api", "expires": "2026-12-31"})]} with time.now_ns as new_year
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"exceptions": [exception({"rule": "K8S-002", "name": "web"})]} with time.now_ns as new_year
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"exceptions": [exception({"namespace": "dev", "name": "web"})]} with time.now_ns as new_year
}

test_exception_must_name_a_resource if {
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as {"exceptions": [exception({})]} with time.now_ns as new_year
}

test_exception_file_globs_match_the_path_and_its_end if {
	file := {"name": "web.yaml", "dir": "/home/runner/work/repo/deploy"}
	every pattern in ["deploy/web.yaml", "./deploy/*.yaml", "**/web.yaml", "web.yaml", "/home/runner/work/repo/deploy/web.yaml"] {
		failure_ids == set() with data.conftest.file as file with input as privileged with data.policy_gate as {"exceptions": [exception({"file": pattern})]} with time.now_ns as new_year
	}
	failure_ids == {"K8S-001"} with data.conftest.file as file with input as privileged with data.policy_gate as {"exceptions": [exception({"file": "other/web.yaml"})]} with time.now_ns as new_year
	failure_ids == {"K8S-001"} with data.conftest.file as file with input as privileged with data.policy_gate as {"exceptions": [exception({"file": "repo/*.yaml"})]} with time.now_ns as new_year
}

test_exception_file_matches_a_relative_name_without_dir if {
	failure_ids == set() with data.conftest.file as {"name": "deploy/web.yaml"} with input as privileged with data.policy_gate as {"exceptions": [exception({"file": "deploy/*.yaml"})]} with time.now_ns as new_year
}

test_gate_001_flags_expired_exception if {
	settings := {"exceptions": [exception({"name": "web", "expires": "2025-12-31"})]}
	failure_ids == {"K8S-001"} with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	results_4 := warnings with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	some r in results_4
	r.id == "GATE-001"
	r.path == ["spec", "containers", 0, "securityContext", "privileged"]
	r.msg == `The exception for K8S-001 expired on 2025-12-31 (reason: Needs /dev; approved by: alice), so this finding is reported again: Pod/web: container "app" runs privileged`
	r.exception.approved_by == "alice"
	r.severity == "medium"
}

test_gate_001_flags_invalid_expiry_and_can_be_enforced if {
	settings := {"exceptions": [exception({"name": "web", "expires": "end of year"})]}
	results_5 := warnings with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	some r in results_5
	contains(r.msg, "has an invalid expires date (end of year)")
	strict := object.union(settings, {"enforcement": {"GATE-001": "deny"}})
	failure_ids == {"K8S-001", "GATE-001"} with input as privileged with data.policy_gate as strict with time.now_ns as new_year
}

test_gate_001_allows_exception_in_force if {
	settings := {"exceptions": [
		exception({"name": "web", "expires": "2025-12-31"}),
		exception({"name": "web", "expires": "2026-03-31"}),
	]}
	failure_ids == set() with input as privileged with data.policy_gate as settings with time.now_ns as new_year
	not "GATE-001" in warning_ids with input as privileged with data.policy_gate as settings with time.now_ns as new_year
}

test_settings_of_the_wrong_type_fall_back_to_defaults if {
	config.exceptions == [] with data.policy_gate as {"exceptions": "none"}
	config.enforcement == {} with data.policy_gate as {"enforcement": ["K8S-001"]}
	config.settings == {} with data.policy_gate as "on"
	config.setting(["kubernetes", "required_labels"]) == ["app.kubernetes.io/name"]
}

# Dates

test_dates_parse_days_and_timestamps if {
	dates.day("2026-03-01") == 20260301
	dates.day("2026-03-01T23:59:59.000Z") == 20260301
	not dates.day("2026-13-01")
	not dates.day("03/01/2026")
	not dates.day(20260301)
	dates.today == 20260101 with time.now_ns as new_year
	dates.text("2026-03-01T00:00:00.000Z") == "2026-03-01"
	dates.text("soon") == "soon"
}

# Images

test_images_parse_references if {
	images.parse("nginx") == {"registry": "docker.io", "repository": "nginx", "tag": "", "digest": ""}
	images.parse("docker.io/library/nginx:1.27") == {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": ""}
	images.parse("localhost:5000/team/app:v2@sha256:ab") == {"registry": "localhost:5000", "repository": "team/app", "tag": "v2", "digest": "sha256:ab"}
	images.parse("quay.io/prometheus/node-exporter") == {"registry": "quay.io", "repository": "prometheus/node-exporter", "tag": "", "digest": ""}
	images.parse("localhost/app") == {"registry": "localhost", "repository": "app", "tag": "", "digest": ""}
}

test_images_latest_and_digests if {
	images.uses_latest("nginx")
	images.uses_latest("nginx:latest")
	not images.uses_latest("nginx:latest@sha256:ab")
	not images.uses_latest("nginx:1")
	images.pinned_by_digest("nginx@sha256:ab")
	not images.pinned_by_digest("nginx:1")
}

test_images_allowed_registries if {
	images.allowed("eu.gcr.io/p/app:1", ["*.gcr.io"])
	not images.allowed("a.b.gcr.io/p/app:1", ["*.gcr.io"])
	images.allowed("ghcr.io/acme/app:1", ["ghcr.io/acme"])
	images.allowed("ghcr.io/acme:1", ["ghcr.io/acme/"])
	not images.allowed("ghcr.io/acme-evil/app:1", ["ghcr.io/acme"])
	not images.allowed("nginx", [42])
	images.allowed("nginx", ["docker.io"])
	images.allowed("reg.example.com:5000/app:1", ["reg.example.com:5000"])
}

# A registry spelled like a pattern is still judged by glob.match, never by the equality shortcut.
test_images_allowed_registries_with_glob_syntax if {
	images.allowed("a*b.example.com/app:1", ["a*b.example.com"])
	not images.allowed(`a\[b.example.com/app:1`, [`a\[b.example.com`])
	images.allowed("a[b.example.com/app:1", [`a\[b.example.com`])
}

test_templated_values if {
	every value in ["{{ .Values.image }}", "${IMAGE}", "$IMAGE", "$(IMAGE)", "<your-image>", "registry/<name>:v1"] {
		util.is_templated(value)
	}
	not util.is_templated("nginx:1.27")
	not images.judgeable("")
	not images.judgeable(null)
}

test_util_helpers if {
	util.as_array("a") == ["a"]
	util.as_array(["a"]) == ["a"]
	util.basename("a/b/c.yml") == "c.yml"
	util.string_at({"a": 1}, ["a"]) == ""
	util.array_at("x", ["a"]) == []
}

# Network

test_network_port_ranges if {
	network.parse_range("22") == [22, 22]
	network.parse_range("1000 - 2000") == [1000, 2000]
	network.parse_range("*") == [0, 65535]
	not network.parse_range("ssh")
	network.admin_ports_in(0, 65535) == [22, 3389]
	network.admin_ports_in(80, 443) == []
	network.describe_ports(22, 22) == "port 22"
	network.describe_ports(0, 65535) == "all ports"
	network.describe_ports(8000, 8080) == "ports 8000-8080"
}

test_packages_ignore_foreign_documents if {
	every name, document in testing.foreign_documents {
		every other in object.keys(testing.foreign_documents) - {name} {
			count(reported_ids[other]) == 0 with input as document
		}
	}
}

# The IDs each domain reports for the document in `input`.
reported_ids := {
	"kubernetes": {r.id | some r in (data.kubernetes.deny | data.kubernetes.warn)},
	"terraform": {r.id | some r in (((data.terraform.aws.deny | data.terraform.aws.warn) | (data.terraform.gcp.deny | data.terraform.gcp.warn)) | (data.terraform.azure.deny | data.terraform.azure.warn))},
	"docker": {r.id | some r in (data.docker.deny | data.docker.warn)},
	"github": {r.id | some r in (data.github.deny | data.github.warn)},
	"gitlab": {r.id | some r in (data.gitlab.deny | data.gitlab.warn)},
}

test_terraform_references if {
	terraform.refers_to("aws_s3_bucket.logs", "aws_s3_bucket.logs")
	terraform.refers_to("aws_s3_bucket.logs.id", "aws_s3_bucket.logs")
	terraform.refers_to("aws_s3_bucket.logs[0].id", "aws_s3_bucket.logs")
	not terraform.refers_to("aws_s3_bucket.logs_archive.id", "aws_s3_bucket.logs")
}

test_kubernetes_display_without_a_name if {
	kubernetes.display == "Pod" with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-"}}
}
