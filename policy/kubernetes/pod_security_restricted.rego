# Pod Security Standards, restricted profile: current pod hardening best practices, on top of
# the baseline. Pods with spec.os.name "windows" are exempt from the Linux-only controls
# (privilege escalation, seccomp, capabilities), as the standard says.
# https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package kubernetes

import data.lib.kubernetes as k8s
import data.lib.util

restricted_volume_types := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
	"persistentVolumeClaim", "projected", "secret",
}

# METADATA
# title: Volume type not allowed
# description: >-
#   The restricted profile allows only volume types that do not reach outside the pod's own
#   storage: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and
#   secret. (hostPath is reported by K8S-003.) Pod Security Standards restricted, "Volume Types".
# custom:
#   id: K8S-101
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Replace the volume with a PersistentVolumeClaim (for network storage such as nfs, iscsi or
#     cephfs, through a PersistentVolume) or one of the allowed types.
findings contains {
	"id": "K8S-101",
	"msg": sprintf(`%s: volume "%s" has the type %s, which the restricted profile does not allow`, [k8s.display, object.get(volume, "name", ""), type]),
	"path": array.concat(k8s.pod_spec_path, ["volumes", i, type]),
} if {
	some i, volume in util.array_at(k8s.pod_spec, ["volumes"])
	is_object(volume)
	some type, _ in volume
	not type in restricted_volume_types
	not type in {"name", "hostPath"}
}

# METADATA
# title: Privilege escalation allowed
# description: >-
#   Unless `allowPrivilegeEscalation` is `false`, a process can gain more privileges than its
#   parent (through setuid binaries, for instance). Pod Security Standards restricted,
#   "Privilege Escalation".
# custom:
#   id: K8S-102
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `securityContext.allowPrivilegeEscalation` to `false` in every container.
findings contains {
	"id": "K8S-102",
	"msg": sprintf(`%s: container "%s" does not set allowPrivilegeEscalation to false`, [k8s.display, c.name]),
	"path": k8s.setting_path(c, "allowPrivilegeEscalation"),
} if {
	not k8s.is_windows
	some c in k8s.containers
	object.get(c.security_context, "allowPrivilegeEscalation", null) != false
}

has_key(x, key) if object.get(x, key, null) != null

run_as_root_settings contains {
	"detail": "the pod sets runAsNonRoot to false",
	"path": array.concat(k8s.pod_security_context_path, ["runAsNonRoot"]),
} if k8s.pod_security_context.runAsNonRoot == false

run_as_root_settings contains {
	"detail": sprintf(`container "%s" sets runAsNonRoot to false`, [c.name]),
	"path": array.concat(c.path, ["securityContext", "runAsNonRoot"]),
} if {
	some c in k8s.containers
	c.security_context.runAsNonRoot == false
}

run_as_root_settings contains {
	"detail": sprintf(`container "%s" may run as root: neither it nor the pod sets runAsNonRoot to true`, [c.name]),
	"path": k8s.setting_path(c, "runAsNonRoot"),
} if {
	not k8s.pod_security_context.runAsNonRoot == true
	some c in k8s.containers
	not has_key(c.security_context, "runAsNonRoot")
}

# METADATA
# title: May run as root
# description: >-
#   Containers must be required to run as a non-root user: `runAsNonRoot: true` on the pod (and
#   not `false` on any container), or on every container. Pod Security Standards restricted,
#   "Running as Non-root".
# custom:
#   id: K8S-103
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `securityContext.runAsNonRoot` to `true` on the pod, build the image with a non-root
#     `USER`, and remove any `runAsNonRoot` set to `false`.
findings contains {
	"id": "K8S-103",
	"msg": sprintf("%s: %s", [k8s.display, v.detail]),
	"path": v.path,
} if some v in run_as_root_settings

# METADATA
# title: Runs as UID 0
# description: >-
#   `runAsUser: 0` runs the container as root regardless of the image. Pod Security Standards
#   restricted, "Running as Non-root user".
# custom:
#   id: K8S-104
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `runAsUser` to a non-zero UID, or remove it and set the user in the image.
findings contains {
	"id": "K8S-104",
	"msg": sprintf("%s: %s sets runAsUser to 0 (root)", [k8s.display, sc.owner]),
	"path": array.concat(sc.path, ["runAsUser"]),
} if {
	some sc in k8s.security_contexts
	sc.context.runAsUser == 0
}

# METADATA
# title: Seccomp profile not set
# description: >-
#   The restricted profile requires a seccomp profile (`RuntimeDefault` or `Localhost`) on the pod
#   or on every container; without one, many runtimes run the container unconfined. (An explicit
#   `Unconfined`, on the pod or a container, is reported by K8S-009.) Pod Security Standards
#   restricted, "Seccomp".
# custom:
#   id: K8S-105
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Set `securityContext.seccompProfile: {type: RuntimeDefault}` on the pod.
findings contains {
	"id": "K8S-105",
	"msg": sprintf(`%s: container "%s" has no seccomp profile (neither it nor the pod sets seccompProfile.type)`, [k8s.display, c.name]),
	"path": k8s.setting_path(c, "seccompProfile"),
} if {
	not k8s.is_windows
	not has_key(util.object_at(k8s.pod_security_context, ["seccompProfile"]), "type")
	some c in k8s.containers
	not has_key(util.object_at(c.security_context, ["seccompProfile"]), "type")
}

# METADATA
# title: Capabilities not dropped
# description: >-
#   The restricted profile requires every container to drop all capabilities (`drop: [ALL]`) and
#   add back at most NET_BIND_SERVICE. Pod Security Standards restricted, "Capabilities".
# custom:
#   id: K8S-106
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Add `securityContext.capabilities.drop: [ALL]` to every container.
findings contains {
	"id": "K8S-106",
	"msg": sprintf(`%s: container "%s" does not drop ALL capabilities`, [k8s.display, c.name]),
	"path": drop_path(c),
} if {
	not k8s.is_windows
	some c in k8s.containers
	not "ALL" in util.array_at(c.security_context, ["capabilities", "drop"])
}

drop_path(c) := array.concat(c.path, ["securityContext", "capabilities", "drop"]) if {
	is_array(c.security_context.capabilities.drop)
} else := array.concat(c.path, ["securityContext", "capabilities"]) if {
	is_object(c.security_context.capabilities)
} else := k8s.setting_path(c, "capabilities")

# METADATA
# title: Capability added beyond NET_BIND_SERVICE
# description: >-
#   Under the restricted profile a container may add back only NET_BIND_SERVICE. (Capabilities
#   outside the baseline's default set are reported by K8S-005.) Pod Security Standards
#   restricted, "Capabilities".
# custom:
#   id: K8S-107
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Remove the capability from `securityContext.capabilities.add`; only NET_BIND_SERVICE may be
#     added.
findings contains {
	"id": "K8S-107",
	"msg": sprintf(`%s: container "%s" adds the capability %s`, [k8s.display, c.name, capability]),
	"path": array.concat(c.path, ["securityContext", "capabilities", "add", k]),
} if {
	not k8s.is_windows
	some c in k8s.containers
	some k, capability in util.array_at(c.security_context, ["capabilities", "add"])
	capability in baseline_capabilities
	capability != "NET_BIND_SERVICE"
}
