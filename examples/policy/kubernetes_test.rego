package main

import rego.v1

deployment(namespace, replicas) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": namespace},
	"spec": {"replicas": replicas, "template": {"spec": {"containers": [{
		"name": "api",
		"securityContext": {"readOnlyRootFilesystem": true},
	}]}}},
}

test_single_replica_in_production_is_denied if {
	some result in deny_replicas with input as deployment("production", 1)
	result.id == "ORG-K8S-001"
	result.path == ["spec", "replicas"]
}

test_two_replicas_in_production_pass if {
	count(deny_replicas) == 0 with input as deployment("production", 2)
}

test_other_namespaces_are_not_checked if {
	count(deny_replicas) == 0 with input as deployment("staging", 1)
}

test_documented_single_replica_is_an_exception if {
	doc := json.patch(deployment("production", 1), [{
		"op": "add",
		"path": "/metadata/annotations",
		"value": {"example.com/single-replica-reason": "leader election pending"},
	}])
	exception == {["replicas"]} with input as doc
}

test_writable_root_filesystem_warns_with_the_container_path if {
	doc := json.patch(deployment("production", 2), [{
		"op": "replace",
		"path": "/spec/template/spec/containers/0/securityContext",
		"value": {},
	}])
	some result in warn_read_only_root with input as doc
	result.path == ["spec", "template", "spec", "containers", 0]
}
