package kubernetes_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.kubernetes.deny | data.kubernetes.warn

ids := {r.id | some r in results}

failure_ids := {r.id | some r in data.kubernetes.deny}

warning_ids := {r.id | some r in data.kubernetes.warn}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

# A Deployment that follows every rule; each test changes one thing.
good_container := {
	"name": "app",
	"image": "ghcr.io/acme/app:1.2.3@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108",
	"securityContext": {
		"allowPrivilegeEscalation": false,
		"capabilities": {"drop": ["ALL"]},
		"readOnlyRootFilesystem": true,
	},
	"resources": {
		"limits": {"cpu": "500m", "memory": "256Mi"},
		"requests": {"cpu": "100m", "memory": "128Mi"},
	},
	"livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
	"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
}

good_pod_spec := {
	"automountServiceAccountToken": false,
	"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
	"containers": [good_container],
}

labels := {"app.kubernetes.io/name": "web"}

deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "prod", "labels": labels},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": pod_spec}},
}

good := deployment(good_pod_spec)

with_pod(patch) := deployment(object.union(good_pod_spec, patch))

with_container(patch) := with_pod({"containers": [object.union(good_container, patch)]})

# Replaces (rather than merges) fields of the pod spec or of the container.
replacing_pod(patch) := deployment(object.union(object.remove(good_pod_spec, object.keys(patch)), patch))

replacing_container(patch) := with_pod({"containers": [object.union(object.remove(good_container, object.keys(patch)), patch)]})

container_path(rest) := array.concat(["spec", "template", "spec", "containers", 0], rest)

pod_path(rest) := array.concat(["spec", "template", "spec"], rest)

test_compliant_deployment_has_no_findings if {
	count(results) == 0 with input as good
}

# Every workload kind, with the pod spec where that kind keeps it.
workload_kinds := {"Pod", "PodTemplate", "ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}

workload_metadata := {"name": "p", "labels": labels}

workload("Pod", spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": workload_metadata, "spec": spec}

workload("PodTemplate", spec) := {"apiVersion": "v1", "kind": "PodTemplate", "metadata": workload_metadata, "template": {"spec": spec}}

workload("CronJob", spec) := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": workload_metadata, "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}

workload(kind, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": workload_metadata, "spec": {"template": {"spec": spec}}} if {
	kind in {"ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job"}
}

spec_paths := {
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

# The document with one top-level field replaced (object.union would merge objects).
replaced(document, key, value) := object.union(object.remove(document, [key]), {key: value})

# good with annotations on its pod template.
annotated(annotations) := object.union(good, {"spec": {"template": {"metadata": {"annotations": annotations}}}})

test_every_workload_kind_is_compliant_when_its_pod_is if {
	every kind in workload_kinds {
		count(results) == 0 with input as workload(kind, good_pod_spec)
	}
}

test_every_workload_kind_and_container_list_is_checked if {
	every kind in workload_kinds {
		every list in ["containers", "initContainers", "ephemeralContainers"] {
			spec := object.union(good_pod_spec, {list: [object.union(good_container, {"securityContext": {"privileged": true}})]})
			doc := workload(kind, spec)
			paths["K8S-001"] == {array.concat(spec_paths[kind], [list, 0, "securityContext", "privileged"])} with input as doc
		}
	}
}

test_other_kinds_and_other_documents_are_ignored if {
	count(ids) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx:latest"}}
	every document in object.remove(testing.foreign_documents, ["kubernetes"]) {
		count(ids) == 0 with input as document
	}
}

test_templated_values_are_not_judged if {
	doc := with_container({"image": "{{ .Values.image.repository }}:{{ .Values.image.tag }}"})
	count(ids) == 0 with input as doc
	count(ids) == 0 with input as with_container({"image": "${IMAGE}"})
}

test_k8s_001_flags_privileged_container if {
	paths["K8S-001"] == {container_path(["securityContext", "privileged"])} with input as with_container({"securityContext": {"privileged": true}})
	"K8S-001" in failure_ids with input as with_container({"securityContext": {"privileged": true}})
}

test_k8s_001_allows_privileged_false if {
	not "K8S-001" in ids with input as with_container({"securityContext": {"privileged": false}})
}

test_k8s_002_flags_host_namespaces if {
	doc := with_pod({"hostNetwork": true, "hostPID": true, "hostIPC": true})
	paths["K8S-002"] == {pod_path(["hostNetwork"]), pod_path(["hostPID"]), pod_path(["hostIPC"])} with input as doc
}

test_k8s_002_allows_host_namespaces_false if {
	not "K8S-002" in ids with input as with_pod({"hostNetwork": false, "hostPID": false})
}

test_k8s_003_flags_host_path_volume if {
	doc := with_pod({"volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]})
	paths["K8S-003"] == {pod_path(["volumes", 0, "hostPath"])} with input as doc
	results_1 := by_id["K8S-003"] with input as doc
	some r in results_1
	contains(r.msg, "/var/run/docker.sock")
	not "K8S-101" in ids with input as doc
}

test_k8s_003_allows_other_volumes if {
	not "K8S-003" in ids with input as with_pod({"volumes": [{"name": "tmp", "emptyDir": {}}]})
}

test_k8s_004_flags_host_port if {
	doc := with_container({"ports": [{"containerPort": 80}, {"containerPort": 443, "hostPort": 443}]})
	paths["K8S-004"] == {container_path(["ports", 1, "hostPort"])} with input as doc
}

test_k8s_004_allows_host_port_zero if {
	not "K8S-004" in ids with input as with_container({"ports": [{"containerPort": 80, "hostPort": 0}]})
}

test_k8s_005_flags_dangerous_capability if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}}})
	paths["K8S-005"] == {container_path(["securityContext", "capabilities", "add", 1])} with input as doc
	not "K8S-107" in ids with input as doc
}

test_k8s_005_allows_baseline_capability if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}})
	not "K8S-005" in ids with input as doc
}

test_k8s_006_flags_unconfined_apparmor if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"appArmorProfile": {"type": "Unconfined"}})})
	paths["K8S-006"] == {pod_path(["securityContext", "appArmorProfile", "type"])} with input as doc
	annotated_doc := annotated({"container.apparmor.security.beta.kubernetes.io/app": "unconfined"})
	paths["K8S-006"] == {["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"]} with input as annotated_doc
}

test_k8s_006_allows_confining_apparmor if {
	doc := with_container({"securityContext": object.union(good_container.securityContext, {"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-nginx"}})})
	not "K8S-006" in ids with input as doc
	annotated_doc := annotated({"container.apparmor.security.beta.kubernetes.io/app": "localhost/k8s-nginx", "other": "unconfined"})
	not "K8S-006" in ids with input as annotated_doc
}

test_k8s_007_flags_custom_selinux if {
	doc := with_container({"securityContext": object.union(good_container.securityContext, {"seLinuxOptions": {"type": "spc_t", "user": "system_u", "role": "sysadm_r"}})})
	paths["K8S-007"] == {
		container_path(["securityContext", "seLinuxOptions", "type"]),
		container_path(["securityContext", "seLinuxOptions", "user"]),
		container_path(["securityContext", "seLinuxOptions", "role"]),
	} with input as doc
}

test_k8s_007_allows_container_selinux_types if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"seLinuxOptions": {"type": "container_init_t", "level": "s0:c123,c456"}})})
	not "K8S-007" in ids with input as doc
}

test_k8s_008_flags_unmasked_proc if {
	paths["K8S-008"] == {container_path(["securityContext", "procMount"])} with input as with_container({"securityContext": {"procMount": "Unmasked"}})
}

test_k8s_008_allows_default_proc_mount if {
	not "K8S-008" in ids with input as with_container({"securityContext": {"procMount": "Default"}})
}

test_k8s_009_flags_unconfined_seccomp if {
	doc := with_pod({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Unconfined"}}})
	paths["K8S-009"] == {pod_path(["securityContext", "seccompProfile", "type"])} with input as doc
	not "K8S-105" in ids with input as doc
}

test_k8s_009_allows_runtime_default if {
	not "K8S-009" in ids with input as good
	not "K8S-009" in ids with input as with_container({"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}})
}

test_k8s_010_flags_unsafe_sysctl if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}, {"name": "kernel.msgmax", "value": "65536"}]})})
	paths["K8S-010"] == {pod_path(["securityContext", "sysctls", 1, "name"])} with input as doc
}

test_k8s_010_allows_safe_sysctl if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"sysctls": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}]})})
	not "K8S-010" in ids with input as doc
}

test_k8s_011_flags_host_process if {
	doc := with_container({"securityContext": {"windowsOptions": {"hostProcess": true}}})
	paths["K8S-011"] == {container_path(["securityContext", "windowsOptions", "hostProcess"])} with input as doc
}

test_k8s_011_allows_regular_windows_container if {
	not "K8S-011" in ids with input as with_container({"securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}})
}

test_k8s_012_flags_probe_and_hook_hosts if {
	doc := with_container({
		"livenessProbe": {"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80}},
		"lifecycle": {"preStop": {"tcpSocket": {"host": "10.0.0.1", "port": 22}}},
	})
	paths["K8S-012"] == {container_path(["livenessProbe", "httpGet", "host"]), container_path(["lifecycle", "preStop", "tcpSocket", "host"])} with input as doc
}

test_k8s_012_allows_probes_without_host if {
	not "K8S-012" in ids with input as with_container({"lifecycle": {"preStop": {"httpGet": {"path": "/drain", "port": 8080}}}})
}

test_k8s_101_flags_restricted_volume_types if {
	doc := with_pod({"volumes": [{"name": "nfs", "nfs": {"server": "10.0.0.2", "path": "/"}}, {"name": "cfg", "configMap": {"name": "c"}}]})
	paths["K8S-101"] == {pod_path(["volumes", 0, "nfs"])} with input as doc
}

test_k8s_101_allows_restricted_volume_types if {
	doc := with_pod({"volumes": [
		{"name": "a", "configMap": {"name": "c"}},
		{"name": "b", "secret": {"secretName": "s"}},
		{"name": "c", "emptyDir": {}},
		{"name": "d", "persistentVolumeClaim": {"claimName": "pvc"}},
		{"name": "e", "projected": {"sources": []}},
		{"name": "f", "downwardAPI": {"items": []}},
		{"name": "g", "csi": {"driver": "x"}},
		{"name": "h", "ephemeral": {"volumeClaimTemplate": {}}},
	]})
	not "K8S-101" in ids with input as doc
}

test_k8s_102_flags_privilege_escalation if {
	paths["K8S-102"] == {container_path(["securityContext", "allowPrivilegeEscalation"])} with input as with_container({"securityContext": {"allowPrivilegeEscalation": true}})
	missing := with_pod({"containers": [object.remove(good_container, ["securityContext"])]})
	paths["K8S-102"] == {container_path([])} with input as missing
}

test_k8s_102_allows_escalation_false_and_windows if {
	not "K8S-102" in ids with input as good
	windows := with_pod({"os": {"name": "windows"}, "containers": [object.remove(good_container, ["securityContext"])]})
	not "K8S-102" in ids with input as windows
	not "K8S-106" in ids with input as windows
	not "K8S-105" in ids with input as windows
}

test_k8s_103_flags_may_run_as_root if {
	no_pod_setting := replacing_pod({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}})
	paths["K8S-103"] == {container_path(["securityContext"])} with input as no_pod_setting
	pod_false := replacing_pod({"securityContext": {"runAsNonRoot": false, "seccompProfile": {"type": "RuntimeDefault"}}})
	pod_path(["securityContext", "runAsNonRoot"]) in paths["K8S-103"] with input as pod_false
	container_false := with_container({"securityContext": {"runAsNonRoot": false}})
	paths["K8S-103"] == {container_path(["securityContext", "runAsNonRoot"])} with input as container_false
}

test_k8s_103_allows_non_root_on_every_container if {
	doc := replacing_pod({
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [object.union(good_container, {"securityContext": {"runAsNonRoot": true}})],
	})
	not "K8S-103" in ids with input as doc
}

test_k8s_104_flags_uid_zero if {
	doc := with_container({"securityContext": {"runAsUser": 0}})
	paths["K8S-104"] == {container_path(["securityContext", "runAsUser"])} with input as doc
	pod := with_pod({"securityContext": {"runAsNonRoot": true, "runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}})
	paths["K8S-104"] == {pod_path(["securityContext", "runAsUser"])} with input as pod
}

test_k8s_104_allows_non_zero_uid if {
	not "K8S-104" in ids with input as with_container({"securityContext": {"runAsUser": 1000}})
}

test_k8s_105_flags_missing_seccomp if {
	doc := replacing_pod({"securityContext": {"runAsNonRoot": true}})
	paths["K8S-105"] == {container_path(["securityContext"])} with input as doc
}

test_k8s_105_allows_seccomp_on_every_container if {
	doc := replacing_pod({
		"securityContext": {"runAsNonRoot": true},
		"containers": [object.union(good_container, {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}})],
	})
	not "K8S-105" in ids with input as doc
}

test_k8s_106_flags_capabilities_not_dropped if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["NET_RAW"]}}})
	paths["K8S-106"] == {container_path(["securityContext", "capabilities", "drop"])} with input as doc
	no_capabilities := with_pod({"containers": [object.union(object.remove(good_container, ["securityContext"]), {"securityContext": {"allowPrivilegeEscalation": false}})]})
	paths["K8S-106"] == {container_path(["securityContext"])} with input as no_capabilities
}

test_k8s_106_allows_drop_all if {
	not "K8S-106" in ids with input as good
}

test_k8s_107_flags_added_capability if {
	doc := with_container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}})
	paths["K8S-107"] == {container_path(["securityContext", "capabilities", "add", 0])} with input as doc
}

test_k8s_107_allows_net_bind_service if {
	not "K8S-107" in ids with input as with_container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}})
}

test_k8s_201_flags_latest_and_untagged_images if {
	paths["K8S-201"] == {container_path(["image"])} with input as with_container({"image": "nginx:latest"})
	paths["K8S-201"] == {container_path(["image"])} with input as with_container({"image": "registry.example.com:5000/team/app"})
}

test_k8s_201_allows_tags_and_digests if {
	not "K8S-201" in ids with input as with_container({"image": "nginx:1.27.3"})
	not "K8S-201" in ids with input as with_container({"image": "nginx@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"})
}

test_k8s_202_flags_tag_without_digest if {
	doc := with_container({"image": "ghcr.io/acme/app:1.2.3"})
	paths["K8S-202"] == {container_path(["image"])} with input as doc
	"K8S-202" in warning_ids with input as doc
}

test_k8s_202_allows_digest if {
	not "K8S-202" in ids with input as good
}

test_k8s_203_flags_registry_not_allowed if {
	paths["K8S-203"] == {container_path(["image"])} with input as with_container({"image": "k8s.gcr.io/pause:3.9"})
	configured := with_container({"image": "ghcr.io/someone-else/app:1.0"}) with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}}
	"K8S-203" in ids with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}} with input as configured
}

test_k8s_203_allows_listed_registries if {
	not "K8S-203" in ids with input as with_container({"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1@sha256:00"})
	not "K8S-203" in ids with input as with_container({"image": "busybox:1.36"})
	not "K8S-203" in ids with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}} with input as good
}

test_k8s_301_flags_missing_label if {
	doc := replaced(good, "metadata", object.remove(good.metadata, ["labels"]))
	paths["K8S-301"] == {["metadata"]} with input as doc
	team := {"kubernetes": {"required_labels": ["team"]}}
	paths["K8S-301"] == {["metadata", "labels"]} with data.policy_gate as team with input as good
}

test_k8s_301_allows_present_labels_and_empty_list if {
	not "K8S-301" in ids with input as good
	doc := replaced(good, "metadata", object.remove(good.metadata, ["labels"]))
	not "K8S-301" in ids with data.policy_gate as {"kubernetes": {"required_labels": []}} with input as doc
}

test_k8s_302_flags_mounted_token if {
	paths["K8S-302"] == {pod_path(["automountServiceAccountToken"])} with input as with_pod({"automountServiceAccountToken": true})
	paths["K8S-302"] == {pod_path([])} with input as deployment(object.remove(good_pod_spec, ["automountServiceAccountToken"]))
}

test_k8s_302_allows_token_disabled if {
	not "K8S-302" in ids with input as good
}

test_k8s_401_flags_missing_limits if {
	doc := replacing_container({"resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1", "memory": "1Gi"}}})
	paths["K8S-401"] == {container_path(["resources", "limits"])} with input as doc
	results_2 := by_id["K8S-401"] with input as doc
	some r in results_2
	contains(r.msg, "no memory limit")
}

test_k8s_401_allows_limits_and_exempts_ephemeral_containers if {
	not "K8S-401" in ids with input as good
	ephemeral := object.remove(good_container, ["resources", "livenessProbe", "readinessProbe"])
	not "K8S-401" in ids with input as with_pod({"ephemeralContainers": [ephemeral]})
}

test_k8s_402_flags_missing_requests if {
	doc := with_pod({"containers": [object.remove(good_container, ["resources"])]})
	paths["K8S-402"] == {container_path([])} with input as doc
}

test_k8s_402_allows_limits_standing_in_for_requests if {
	not "K8S-402" in ids with input as replacing_container({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}})
}

test_k8s_403_flags_missing_liveness_probe if {
	doc := with_pod({"containers": [object.remove(good_container, ["livenessProbe"])]})
	paths["K8S-403"] == {container_path([])} with input as doc
	sidecar := object.union(object.remove(good_container, ["livenessProbe"]), {"restartPolicy": "Always"})
	paths["K8S-403"] == {pod_path(["initContainers", 0])} with input as with_pod({"initContainers": [sidecar]})
}

test_k8s_403_allows_probe_and_exempts_jobs_and_init_containers if {
	not "K8S-403" in ids with input as good
	job := workload("Job", object.union(good_pod_spec, {"containers": [object.remove(good_container, ["livenessProbe"])]}))
	not "K8S-403" in ids with input as job
	not "K8S-403" in ids with input as with_pod({"initContainers": [object.remove(good_container, ["livenessProbe"])]})
}

test_k8s_404_flags_missing_readiness_probe if {
	doc := with_pod({"containers": [object.remove(good_container, ["readinessProbe"])]})
	paths["K8S-404"] == {container_path([])} with input as doc
}

test_k8s_404_allows_readiness_probe if {
	not "K8S-404" in ids with input as good
}

service(type) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"type": type, "ports": [{"port": 80}]}}

test_k8s_501_flags_load_balancer if {
	paths["K8S-501"] == {["spec", "type"]} with input as service("LoadBalancer")
	"K8S-501" in warning_ids with input as service("LoadBalancer")
}

test_k8s_501_allows_cluster_ip if {
	count(ids) == 0 with input as service("ClusterIP")
}

test_k8s_502_flags_node_port if {
	paths["K8S-502"] == {["spec", "type"]} with input as service("NodePort")
}

test_k8s_502_allows_cluster_ip if {
	not "K8S-502" in ids with input as service("ClusterIP")
}

test_k8s_601_flags_removed_api_versions if {
	ingress := {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "i"}}
	paths["K8S-601"] == {["apiVersion"]} with input as ingress
	results_3 := by_id["K8S-601"] with input as ingress
	some r in results_3
	contains(r.msg, "since Kubernetes 1.22")
	cronjob := replaced(workload("CronJob", good_pod_spec), "apiVersion", "batch/v1beta1")
	"K8S-601" in ids with input as cronjob
}

test_k8s_601_allows_served_api_versions if {
	not "K8S-601" in ids with input as good
	not "K8S-601" in ids with input as {"apiVersion": "admissionregistration.k8s.io/v1alpha1", "kind": "ValidatingAdmissionPolicy", "metadata": {"name": "v"}}
}

test_results_carry_catalog_metadata if {
	results_4 := by_id["K8S-001"] with input as with_container({"securityContext": {"privileged": true}})
	some r in results_4
	r.title == "Privileged container"
	r.severity == "critical"
	startswith(r.remediation, "Remove")
	r.msg == `Deployment/web: container "app" runs privileged`
}

test_paths_point_at_the_nearest_existing_object if {
	no_drop_doc := replacing_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"add": ["NET_BIND_SERVICE"]}}})
	paths["K8S-106"] == {container_path(["securityContext", "capabilities"])} with input as no_drop_doc
	requests_only := replacing_container({"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}})
	paths["K8S-401"] == {container_path(["resources"])} with input as requests_only
}

test_messages_name_a_container_without_a_string_name if {
	unnamed := with_pod({"containers": [object.union(object.remove(good_container, ["name"]), {"securityContext": {"runAsUser": 0}})]})
	{r.msg | some r in by_id["K8S-104"]} == {"Deployment/web: container \"#0\" sets runAsUser to 0 (root)"} with input as unnamed
	numbered := with_pod({"containers": [object.union(good_container, {"name": 7, "securityContext": {"runAsUser": 0}})]})
	{r.msg | some r in by_id["K8S-104"]} == {"Deployment/web: container \"%!s(int64=7)\" sets runAsUser to 0 (root)"} with input as numbered
}
