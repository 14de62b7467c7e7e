# METADATA
# title: Kubernetes objects
# description: >-
#   Recognises Kubernetes objects and finds the pod spec inside every workload kind, with the
#   path to it, so each rule is written once for Pods, Deployments, StatefulSets, DaemonSets,
#   ReplicaSets, ReplicationControllers, Jobs, CronJobs and PodTemplates.
package lib.kubernetes

import data.lib.util

is_kubernetes if {
	is_object(input)
	is_string(input.apiVersion)
	is_string(input.kind)
}

# Where the pod spec sits in each kind that runs pods.
pod_spec_paths := {
	"Pod": ["spec"],
	"PodTemplate": ["template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

# Kinds whose pods run to completion: probes do not apply to them.
batch_kinds := {"Job", "CronJob"}

pod_spec_path := pod_spec_paths[input.kind] if is_kubernetes

pod_spec := spec if {
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

is_workload if is_object(pod_spec)

# The pod's own metadata (the template's, for controllers), where pod annotations live.
pod_metadata_path := array.concat(array.slice(pod_spec_path, 0, count(pod_spec_path) - 1), ["metadata"])

pod_metadata := util.object_at(input, pod_metadata_path) if is_workload

pod_security_context := util.object_at(pod_spec, ["securityContext"])

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

# Windows pods are exempt from the Linux-only restricted controls (Pod Security Standards).
is_windows if pod_spec.os.name == "windows"

container_lists := ["containers", "initContainers", "ephemeralContainers"]

# Every container of the workload, from all three lists, with its path in the document.
# An array, not a set: rules iterate it many times per document, and each step through a set of
# objects in WASM hashes the element again. Every entry is distinct (list and index).
containers := [{
	"list": list,
	"index": i,
	"name": container_name(container, i),
	"container": container,
	"security_context": util.object_at(container, ["securityContext"]),
	"path": array.concat(pod_spec_path, [list, i]),
} |
	some list in container_lists
	some i, container in util.array_at(pod_spec, [list])
	is_object(container)
]

# The container's name, else `#<index>` (formatted only when there is no name).
container_name(container, i) := name if {
	name := container.name
} else := sprintf("#%v", [i])

# Containers that run for the pod's lifetime: regular containers and sidecars (init containers
# with restartPolicy Always). Probes and long-running expectations apply to these.
long_running(c) if c.list == "containers"

long_running(c) if {
	c.list == "initContainers"
	c.container.restartPolicy == "Always"
}

# Kubernetes forbids resources on ephemeral containers.
accepts_resources(c) if c.list in {"containers", "initContainers"}

# "Deployment/web", or just the kind when the object has no name.
display := concat("/", [input.kind, input.metadata.name]) if {
	is_kubernetes
	is_string(input.metadata.name)
} else := input.kind if is_kubernetes

# How exceptions identify the object.
resource := object.union({"kind": input.kind}, object.filter(util.object_at(input, ["metadata"]), ["namespace", "name"])) if is_kubernetes

# The pod's security context and each container's, with who owns it, for the controls that
# may be set at either level.
# An array, like containers.
security_contexts := array.concat(pod_security_contexts, [{
	"owner": container_owner(c.name),
	"context": c.security_context,
	"path": array.concat(c.path, ["securityContext"]),
} |
	some c in containers
])

pod_security_contexts := [{
	"owner": "the pod",
	"context": pod_security_context,
	"path": pod_security_context_path,
}] if is_workload

else := []

# `container "web"`: sprintf's %s of a string is the string itself, so only other values go to
# sprintf (a host call in WASM).
container_owner(name) := concat("", [`container "`, name, `"`]) if is_string(name)

else := sprintf(`container "%s"`, [name])

# The path to a container's securityContext field when it is set, else to the nearest object
# that exists (the securityContext, or the container), where the field should be added.
setting_path(c, field) := array.concat(c.path, ["securityContext", field]) if {
	object.get(c.security_context, field, null) != null
} else := array.concat(c.path, ["securityContext"]) if {
	is_object(c.container.securityContext)
} else := c.path
