# Workload hygiene: labels, service account tokens, resources and probes.
package kubernetes

import data.lib.config
import data.lib.kubernetes as k8s
import data.lib.util

# METADATA
# title: Required label missing
# description: >-
#   Workloads must carry the labels listed in `policy_gate.kubernetes.required_labels` (by
#   default `app.kubernetes.io/name`, the label the Kubernetes documentation recommends), so that
#   tools and people can tell what they belong to.
# custom:
#   id: K8S-301
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add the label under `metadata.labels`, or change `policy_gate.kubernetes.required_labels`.
findings contains {
	"id": "K8S-301",
	"msg": sprintf("%s: the label %s is missing", [k8s.display, label]),
	"path": labels_path,
} if {
	k8s.is_workload
	some label in config.setting(["kubernetes", "required_labels"])
	not has_key(util.object_at(input, ["metadata", "labels"]), label)
}

labels_path := ["metadata", "labels"] if is_object(input.metadata.labels)

else := ["metadata"]

# METADATA
# title: Service account token mounted
# description: >-
#   Unless `automountServiceAccountToken` is `false`, every container gets a token for the
#   Kubernetes API; most applications never use it, and an attacker in the container can.
# custom:
#   id: K8S-302
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Set `automountServiceAccountToken` to `false` in the pod spec (or on its ServiceAccount, and
#     then here too), and mount a projected token only where the API is needed.
findings contains {
	"id": "K8S-302",
	"msg": sprintf("%s: the pod mounts a service account token (automountServiceAccountToken is not false)", [k8s.display]),
	"path": automount_path,
} if {
	k8s.is_workload
	object.get(k8s.pod_spec, "automountServiceAccountToken", null) != false
}

automount_path := array.concat(k8s.pod_spec_path, ["automountServiceAccountToken"]) if {
	has_key(k8s.pod_spec, "automountServiceAccountToken")
} else := k8s.pod_spec_path

# The path to a container's resources field when it is set, else to the nearest object.
resources_path(c, field) := array.concat(c.path, ["resources", field]) if {
	is_object(c.container.resources[field])
} else := array.concat(c.path, ["resources"]) if {
	is_object(c.container.resources)
} else := c.path

# METADATA
# title: Resource limits missing
# description: >-
#   Without CPU and memory limits one container can starve every other pod on its node.
#   Ephemeral containers are exempt (Kubernetes does not allow resources on them).
# custom:
#   id: K8S-401
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Set `resources.limits.cpu` and `resources.limits.memory` on every container.
findings contains {
	"id": "K8S-401",
	"msg": sprintf(`%s: container "%s" has no %s limit`, [k8s.display, c.name, concat(" or ", missing)]),
	"path": resources_path(c, "limits"),
} if {
	some c in k8s.containers
	k8s.accepts_resources(c)
	limits := util.object_at(c.container, ["resources", "limits"])
	missing := [r | some r in ["cpu", "memory"]; not has_key(limits, r)]
	count(missing) > 0
}

# METADATA
# title: Resource requests missing
# description: >-
#   Without CPU and memory requests the scheduler cannot place the pod sensibly and the pod is the
#   first to be evicted. A limit without a request counts as a request (Kubernetes copies it).
# custom:
#   id: K8S-402
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Set `resources.requests.cpu` and `resources.requests.memory` on every container.
findings contains {
	"id": "K8S-402",
	"msg": sprintf(`%s: container "%s" has no %s request`, [k8s.display, c.name, concat(" or ", missing)]),
	"path": resources_path(c, "requests"),
} if {
	some c in k8s.containers
	k8s.accepts_resources(c)
	requests := util.object_at(c.container, ["resources", "requests"])
	limits := util.object_at(c.container, ["resources", "limits"])
	missing := [r | some r in ["cpu", "memory"]; not has_key(requests, r); not has_key(limits, r)]
	count(missing) > 0
}

# Long-running containers of workloads that are expected to keep running.
probed_containers := [c |
	not input.kind in k8s.batch_kinds
	some c in k8s.containers
	k8s.long_running(c)
]

# METADATA
# title: Liveness probe missing
# description: >-
#   Without a liveness probe a container that hangs keeps running and receiving traffic until
#   someone notices. Jobs and CronJobs, init containers and ephemeral containers are exempt.
# custom:
#   id: K8S-403
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add a `livenessProbe` that fails when the process can no longer make progress.
findings contains {
	"id": "K8S-403",
	"msg": sprintf(`%s: container "%s" has no liveness probe`, [k8s.display, c.name]),
	"path": c.path,
} if {
	some c in probed_containers
	not has_key(c.container, "livenessProbe")
}

# METADATA
# title: Readiness probe missing
# description: >-
#   Without a readiness probe a container receives traffic as soon as it starts, before it can
#   serve it, and during rollouts. Jobs and CronJobs, init containers and ephemeral containers are
#   exempt.
# custom:
#   id: K8S-404
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add a `readinessProbe` that succeeds only when the container can serve requests.
findings contains {
	"id": "K8S-404",
	"msg": sprintf(`%s: container "%s" has no readiness probe`, [k8s.display, c.name]),
	"path": c.path,
} if {
	some c in probed_containers
	not has_key(c.container, "readinessProbe")
}
