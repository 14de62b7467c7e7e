# Pod Security Standards, baseline profile: controls that prevent known privilege escalations.
# https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package kubernetes

import data.lib.kubernetes as k8s
import data.lib.util

# METADATA
# title: Privileged container
# description: >-
#   A privileged container has every capability and access to all host devices: it is root on the
#   node. Pod Security Standards baseline, "Privileged Containers".
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
# custom:
#   id: K8S-001
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove `securityContext.privileged` or set it to `false`; grant only the specific capabilities
#     the container needs.
findings contains {
	"id": "K8S-001",
	"msg": sprintf(`%s: container "%s" runs privileged`, [k8s.display, c.name]),
	"path": array.concat(c.path, ["securityContext", "privileged"]),
} if {
	some c in k8s.containers
	c.security_context.privileged == true
}

# METADATA
# title: Host namespaces
# description: >-
#   Sharing the host's network, PID or IPC namespace lets the pod see and reach the node's
#   processes and network interfaces. Pod Security Standards baseline, "Host Namespaces".
# custom:
#   id: K8S-002
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec, or set them to `false`.
findings contains {
	"id": "K8S-002",
	"msg": sprintf("%s: the pod shares the host's namespace (%s: true)", [k8s.display, field]),
	"path": array.concat(k8s.pod_spec_path, [field]),
} if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	k8s.pod_spec[field] == true
}

# METADATA
# title: hostPath volume
# description: >-
#   A hostPath volume mounts a directory of the node into the pod, which can expose the node's
#   files and the container runtime's socket. Pod Security Standards baseline, "HostPath Volumes".
# custom:
#   id: K8S-003
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Use an `emptyDir`, a `configMap`/`secret`, or a PersistentVolumeClaim instead of a `hostPath`
#     volume.
findings contains {
	"id": "K8S-003",
	"msg": sprintf(`%s: volume "%s" mounts the host path "%s"`, [k8s.display, object.get(volume, "name", ""), util.string_at(volume, ["hostPath", "path"])]),
	"path": array.concat(k8s.pod_spec_path, ["volumes", i, "hostPath"]),
} if {
	some i, volume in util.array_at(k8s.pod_spec, ["volumes"])
	is_object(volume)
	object.get(volume, "hostPath", null) != null
}

# METADATA
# title: hostPort
# description: >-
#   A hostPort binds the container to a port of the node, bypassing network policies and limiting
#   scheduling. Pod Security Standards baseline, "Host Ports".
# custom:
#   id: K8S-004
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove `hostPort` (or set it to 0) and expose the container through a Service.
findings contains {
	"id": "K8S-004",
	"msg": sprintf(`%s: container "%s" binds host port %v`, [k8s.display, c.name, port.hostPort]),
	"path": array.concat(c.path, ["ports", j, "hostPort"]),
} if {
	some c in k8s.containers
	some j, port in util.array_at(c.container, ["ports"])
	is_object(port)
	object.get(port, "hostPort", 0) != 0
}

# The capabilities the baseline profile allows a container to add.
baseline_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

# METADATA
# title: Dangerous capability added
# description: >-
#   Adding capabilities beyond the default set (such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`)
#   gives the container kernel privileges that allow escaping to the node. Pod Security Standards
#   baseline, "Capabilities".
# custom:
#   id: K8S-005
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove the capability from `securityContext.capabilities.add`; only AUDIT_WRITE, CHOWN,
#     DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID
#     and SYS_CHROOT are allowed.
findings contains {
	"id": "K8S-005",
	"msg": sprintf(`%s: container "%s" adds the capability %s`, [k8s.display, c.name, capability]),
	"path": array.concat(c.path, ["securityContext", "capabilities", "add", k]),
} if {
	some c in k8s.containers
	some k, capability in util.array_at(c.security_context, ["capabilities", "add"])
	not capability in baseline_capabilities
}

# AppArmor profiles that confine the container; anything else (Unconfined) is forbidden.
apparmor_violations contains {
	"detail": sprintf("%s sets the AppArmor profile %s", [sc.owner, sc.context.appArmorProfile.type]),
	"path": array.concat(sc.path, ["appArmorProfile", "type"]),
} if {
	some sc in k8s.security_contexts
	type := sc.context.appArmorProfile.type
	not type in {"RuntimeDefault", "Localhost"}
}

apparmor_violations contains {
	"detail": sprintf("the annotation %s is %s", [key, value]),
	"path": array.concat(k8s.pod_metadata_path, ["annotations", key]),
} if {
	some key, value in util.object_at(k8s.pod_metadata, ["annotations"])
	startswith(key, "container.apparmor.security.beta.kubernetes.io/")
	value != "runtime/default"
	not startswith(value, "localhost/")
}

# METADATA
# title: AppArmor disabled
# description: >-
#   Overriding the default AppArmor profile with `Unconfined` removes a layer of confinement.
#   Pod Security Standards baseline, "AppArmor".
# custom:
#   id: K8S-006
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove the override, or use `appArmorProfile.type` `RuntimeDefault` or `Localhost` (annotation
#     values `runtime/default` or `localhost/<profile>`).
findings contains {
	"id": "K8S-006",
	"msg": sprintf("%s: %s", [k8s.display, v.detail]),
	"path": v.path,
} if some v in apparmor_violations

selinux_types := {"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

selinux_violations contains {
	"detail": sprintf("%s sets the SELinux type %s", [sc.owner, type]),
	"path": array.concat(sc.path, ["seLinuxOptions", "type"]),
} if {
	some sc in k8s.security_contexts
	type := sc.context.seLinuxOptions.type
	type != ""
	not type in selinux_types
}

selinux_violations contains {
	"detail": sprintf("%s sets the SELinux %s %s", [sc.owner, field, sc.context.seLinuxOptions[field]]),
	"path": array.concat(sc.path, ["seLinuxOptions", field]),
} if {
	some sc in k8s.security_contexts
	some field in ["user", "role"]
	object.get(util.object_at(sc.context, ["seLinuxOptions"]), field, "") != ""
}

# METADATA
# title: Custom SELinux options
# description: >-
#   Setting a custom SELinux user or role, or a type other than the container types, can lift the
#   container's SELinux confinement. Pod Security Standards baseline, "SELinux".
# custom:
#   id: K8S-007
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove `seLinuxOptions.user` and `.role`; use a `type` of container_t, container_init_t,
#     container_kvm_t or container_engine_t, or leave it unset.
findings contains {
	"id": "K8S-007",
	"msg": sprintf("%s: %s", [k8s.display, v.detail]),
	"path": v.path,
} if some v in selinux_violations

# METADATA
# title: Unmasked /proc
# description: >-
#   `procMount: Unmasked` exposes the host's /proc paths that the runtime masks by default. Pod
#   Security Standards baseline, "/proc Mount Type".
# custom:
#   id: K8S-008
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove `securityContext.procMount` or set it to `Default`.
findings contains {
	"id": "K8S-008",
	"msg": sprintf(`%s: container "%s" sets procMount %s`, [k8s.display, c.name, c.security_context.procMount]),
	"path": array.concat(c.path, ["securityContext", "procMount"]),
} if {
	some c in k8s.containers
	object.get(c.security_context, "procMount", "Default") != "Default"
}

# METADATA
# title: Seccomp disabled
# description: >-
#   A seccomp profile of `Unconfined` lets the container make every system call, including the
#   rarely needed ones most kernel exploits use. Pod Security Standards baseline, "Seccomp".
# custom:
#   id: K8S-009
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a profile) instead of
#     `Unconfined`.
findings contains {
	"id": "K8S-009",
	"msg": sprintf("%s: %s sets the seccomp profile Unconfined", [k8s.display, sc.owner]),
	"path": array.concat(sc.path, ["seccompProfile", "type"]),
} if {
	some sc in k8s.security_contexts
	sc.context.seccompProfile.type == "Unconfined"
}

# The sysctls the baseline profile considers namespaced and safe.
safe_sysctls := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
}

# METADATA
# title: Unsafe sysctl
# description: >-
#   Sysctls outside the safe, namespaced set can change the whole node's kernel behaviour. Pod
#   Security Standards baseline, "Sysctls".
# custom:
#   id: K8S-010
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Remove the sysctl from `securityContext.sysctls`, or set it on the node instead.
findings contains {
	"id": "K8S-010",
	"msg": sprintf("%s: the pod sets the unsafe sysctl %s", [k8s.display, sysctl.name]),
	"path": array.concat(k8s.pod_security_context_path, ["sysctls", i, "name"]),
} if {
	some i, sysctl in util.array_at(k8s.pod_security_context, ["sysctls"])
	is_object(sysctl)
	not sysctl.name in safe_sysctls
}

# METADATA
# title: Windows HostProcess
# description: >-
#   A Windows HostProcess container runs directly on the node with the node's privileges. Pod
#   Security Standards baseline, "HostProcess".
# custom:
#   id: K8S-011
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove `windowsOptions.hostProcess` or set it to `false`.
findings contains {
	"id": "K8S-011",
	"msg": sprintf("%s: %s runs as a Windows HostProcess", [k8s.display, sc.owner]),
	"path": array.concat(sc.path, ["windowsOptions", "hostProcess"]),
} if {
	some sc in k8s.security_contexts
	sc.context.windowsOptions.hostProcess == true
}

probe_handlers contains {
	"detail": sprintf(`container "%s" %s %s sets host %s`, [c.name, probe, handler, c.container[probe][handler].host]),
	"path": array.concat(c.path, [probe, handler, "host"]),
} if {
	some c in k8s.containers
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	some handler in ["httpGet", "tcpSocket"]
	util.string_at(c.container, [probe, handler, "host"]) != ""
}

probe_handlers contains {
	"detail": sprintf(`container "%s" lifecycle %s %s sets host %s`, [c.name, hook, handler, c.container.lifecycle[hook][handler].host]),
	"path": array.concat(c.path, ["lifecycle", hook, handler, "host"]),
} if {
	some c in k8s.containers
	some hook in ["postStart", "preStop"]
	some handler in ["httpGet", "tcpSocket"]
	util.string_at(c.container, ["lifecycle", hook, handler, "host"]) != ""
}

# METADATA
# title: Probe or lifecycle hook targets another host
# description: >-
#   A probe or lifecycle hook with a `host` makes the kubelet connect to an arbitrary address from
#   the node, which can reach services the pod itself cannot. Pod Security Standards baseline,
#   "Host Probes / Lifecycle Hooks" (Kubernetes 1.34).
# custom:
#   id: K8S-012
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Remove the `host` field so the probe or hook targets the pod's own IP.
findings contains {
	"id": "K8S-012",
	"msg": sprintf("%s: %s", [k8s.display, v.detail]),
	"path": v.path,
} if some v in probe_handlers
