# Kubernetes rules of the storefront organisation, on top of the built-in library (Rego v1).
package main

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}

# Production Deployments run at least two replicas, so that draining a node does not take the
# service down. A result object with `path` puts the annotation on the offending line.
deny_replicas contains result if {
	input.kind == "Deployment"
	input.metadata.namespace == "production"
	replicas := object.get(input.spec, "replicas", 1)
	replicas < 2
	result := {
		"msg": sprintf("Deployment/%s runs %d replica in production; run at least 2", [input.metadata.name, replicas]),
		"id": "ORG-K8S-001",
		"path": ["spec", "replicas"],
	}
}

# Containers keep their root filesystem read-only, so that an attacker cannot drop tools into
# the image at run time. The Pod Security Standards do not ask for it; this organisation does.
warn_read_only_root contains result if {
	input.kind in workload_kinds
	some i, container in pod_spec.containers
	not container.securityContext.readOnlyRootFilesystem == true
	result := {
		"msg": sprintf("%s/%s: container %q does not set readOnlyRootFilesystem", [input.kind, input.metadata.name, container.name]),
		"id": "ORG-K8S-002",
		"path": array.concat(pod_spec_path, ["containers", i]),
	}
}

# Where the pod spec is: a CronJob nests it one level deeper than the other workloads.
pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

else := ["spec", "template", "spec"]

pod_spec := object.get(input, pod_spec_path, {})

# conftest's exceptions: a Deployment that documents why it runs a single replica is exempt from
# deny_replicas (the rule is named without its deny_ prefix). It counts as an exception.
exception contains rules if {
	input.metadata.annotations["example.com/single-replica-reason"]
	rules := ["replicas"]
}
