package kubernetes_test

import data.lib.testing

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

ids(document) := testing.ids("kubernetes", document)

paths(document, id) := testing.paths("kubernetes", document, id)

test_compliant_deployment_has_no_findings if {
	count(testing.reported("kubernetes", good)) == 0
}

# Every workload kind, with the pod spec where that kind keeps it.
workloads := {
	"Pod": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": labels}, "spec": good_pod_spec},
	"PodTemplate": {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "p", "labels": labels}, "template": {"spec": good_pod_spec}},
	"ReplicationController": {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "p", "labels": labels}, "spec": {"template": {"spec": good_pod_spec}}},
	"ReplicaSet": {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "p", "labels": labels}, "spec": {"template": {"spec": good_pod_spec}}},
	"Deployment": good,
	"StatefulSet": {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "p", "labels": labels}, "spec": {"template": {"spec": good_pod_spec}}},
	"DaemonSet": {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "p", "labels": labels}, "spec": {"template": {"spec": good_pod_spec}}},
	"Job": {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "p", "labels": labels}, "spec": {"template": {"spec": good_pod_spec}}},
	"CronJob": {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "p", "labels": labels}, "spec": {"jobTemplate": {"spec": {"template": {"spec": good_pod_spec}}}}},
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

# Replaces the pod spec of a workload document.
with_spec(document, path, spec) := json.patch(document, [{"op": "replace", "path": concat("/", array.concat([""], path)), "value": spec}])

test_every_workload_kind_is_compliant_when_its_pod_is if {
	every document in workloads {
		count(testing.reported("kubernetes", document)) == 0
	}
}

test_every_workload_kind_and_container_list_is_checked if {
	every kind, document in workloads {
		every list in ["containers", "initContainers", "ephemeralContainers"] {
			spec := object.union(good_pod_spec, {list: [object.union(good_container, {"securityContext": {"privileged": true}})]})
			doc := with_spec(document, spec_paths[kind], spec)
			paths(doc, "K8S-001") == {array.concat(spec_paths[kind], [list, 0, "securityContext", "privileged"])}
		}
	}
}

test_other_kinds_and_other_documents_are_ignored if {
	count(ids({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx:latest"}})) == 0
	every document in object.remove(testing.foreign_documents, ["kubernetes"]) {
		count(ids(document)) == 0
	}
}

test_templated_values_are_not_judged if {
	doc := with_container({"image": "{{ .Values.image.repository }}:{{ .Values.image.tag }}"})
	count(ids(doc)) == 0
	count(ids(with_container({"image": "${IMAGE}"}))) == 0
}

test_k8s_001_flags_privileged_container if {
	paths(with_container({"securityContext": {"privileged": true}}), "K8S-001") == {container_path(["securityContext", "privileged"])}
	testing.is_failure("kubernetes", with_container({"securityContext": {"privileged": true}}), "K8S-001")
}

test_k8s_001_allows_privileged_false if {
	not "K8S-001" in ids(with_container({"securityContext": {"privileged": false}}))
}

test_k8s_002_flags_host_namespaces if {
	doc := with_pod({"hostNetwork": true, "hostPID": true, "hostIPC": true})
	paths(doc, "K8S-002") == {pod_path(["hostNetwork"]), pod_path(["hostPID"]), pod_path(["hostIPC"])}
}

test_k8s_002_allows_host_namespaces_false if {
	not "K8S-002" in ids(with_pod({"hostNetwork": false, "hostPID": false}))
}

test_k8s_003_flags_host_path_volume if {
	doc := with_pod({"volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]})
	paths(doc, "K8S-003") == {pod_path(["volumes", 0, "hostPath"])}
	some r in testing.of_rule("kubernetes", doc, "K8S-003")
	contains(r.msg, "/var/run/docker.sock")
	not "K8S-101" in ids(doc)
}

test_k8s_003_allows_other_volumes if {
	not "K8S-003" in ids(with_pod({"volumes": [{"name": "tmp", "emptyDir": {}}]}))
}

test_k8s_004_flags_host_port if {
	doc := with_container({"ports": [{"containerPort": 80}, {"containerPort": 443, "hostPort": 443}]})
	paths(doc, "K8S-004") == {container_path(["ports", 1, "hostPort"])}
}

test_k8s_004_allows_host_port_zero if {
	not "K8S-004" in ids(with_container({"ports": [{"containerPort": 80, "hostPort": 0}]}))
}

test_k8s_005_flags_dangerous_capability if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}}})
	paths(doc, "K8S-005") == {container_path(["securityContext", "capabilities", "add", 1])}
	not "K8S-107" in ids(doc)
}

test_k8s_005_allows_baseline_capability if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}})
	not "K8S-005" in ids(doc)
}

test_k8s_006_flags_unconfined_apparmor if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"appArmorProfile": {"type": "Unconfined"}})})
	paths(doc, "K8S-006") == {pod_path(["securityContext", "appArmorProfile", "type"])}
	annotated := json.patch(good, [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}])
	paths(annotated, "K8S-006") == {["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"]}
}

test_k8s_006_allows_confining_apparmor if {
	doc := with_container({"securityContext": object.union(good_container.securityContext, {"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-nginx"}})})
	not "K8S-006" in ids(doc)
	annotated := json.patch(good, [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"container.apparmor.security.beta.kubernetes.io/app": "localhost/k8s-nginx", "other": "unconfined"}}])
	not "K8S-006" in ids(annotated)
}

test_k8s_007_flags_custom_selinux if {
	doc := with_container({"securityContext": object.union(good_container.securityContext, {"seLinuxOptions": {"type": "spc_t", "user": "system_u", "role": "sysadm_r"}})})
	paths(doc, "K8S-007") == {
		container_path(["securityContext", "seLinuxOptions", "type"]),
		container_path(["securityContext", "seLinuxOptions", "user"]),
		container_path(["securityContext", "seLinuxOptions", "role"]),
	}
}

test_k8s_007_allows_container_selinux_types if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"seLinuxOptions": {"type": "container_init_t", "level": "s0:c123,c456"}})})
	not "K8S-007" in ids(doc)
}

test_k8s_008_flags_unmasked_proc if {
	paths(with_container({"securityContext": {"procMount": "Unmasked"}}), "K8S-008") == {container_path(["securityContext", "procMount"])}
}

test_k8s_008_allows_default_proc_mount if {
	not "K8S-008" in ids(with_container({"securityContext": {"procMount": "Default"}}))
}

test_k8s_009_flags_unconfined_seccomp if {
	doc := with_pod({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Unconfined"}}})
	paths(doc, "K8S-009") == {pod_path(["securityContext", "seccompProfile", "type"])}
	not "K8S-105" in ids(doc)
}

test_k8s_009_allows_runtime_default if {
	not "K8S-009" in ids(good)
	not "K8S-009" in ids(with_container({"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}))
}

test_k8s_010_flags_unsafe_sysctl if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}, {"name": "kernel.msgmax", "value": "65536"}]})})
	paths(doc, "K8S-010") == {pod_path(["securityContext", "sysctls", 1, "name"])}
}

test_k8s_010_allows_safe_sysctl if {
	doc := with_pod({"securityContext": object.union(good_pod_spec.securityContext, {"sysctls": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}]})})
	not "K8S-010" in ids(doc)
}

test_k8s_011_flags_host_process if {
	doc := with_container({"securityContext": {"windowsOptions": {"hostProcess": true}}})
	paths(doc, "K8S-011") == {container_path(["securityContext", "windowsOptions", "hostProcess"])}
}

test_k8s_011_allows_regular_windows_container if {
	not "K8S-011" in ids(with_container({"securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}}))
}

test_k8s_012_flags_probe_and_hook_hosts if {
	doc := with_container({
		"livenessProbe": {"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80}},
		"lifecycle": {"preStop": {"tcpSocket": {"host": "10.0.0.1", "port": 22}}},
	})
	paths(doc, "K8S-012") == {container_path(["livenessProbe", "httpGet", "host"]), container_path(["lifecycle", "preStop", "tcpSocket", "host"])}
}

test_k8s_012_allows_probes_without_host if {
	not "K8S-012" in ids(with_container({"lifecycle": {"preStop": {"httpGet": {"path": "/drain", "port": 8080}}}}))
}

test_k8s_101_flags_restricted_volume_types if {
	doc := with_pod({"volumes": [{"name": "nfs", "nfs": {"server": "10.0.0.2", "path": "/"}}, {"name": "cfg", "configMap": {"name": "c"}}]})
	paths(doc, "K8S-101") == {pod_path(["volumes", 0, "nfs"])}
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
	not "K8S-101" in ids(doc)
}

test_k8s_102_flags_privilege_escalation if {
	paths(with_container({"securityContext": {"allowPrivilegeEscalation": true}}), "K8S-102") == {container_path(["securityContext", "allowPrivilegeEscalation"])}
	missing := with_pod({"containers": [object.remove(good_container, ["securityContext"])]})
	paths(missing, "K8S-102") == {container_path([])}
}

test_k8s_102_allows_escalation_false_and_windows if {
	not "K8S-102" in ids(good)
	windows := with_pod({"os": {"name": "windows"}, "containers": [object.remove(good_container, ["securityContext"])]})
	not "K8S-102" in ids(windows)
	not "K8S-106" in ids(windows)
	not "K8S-105" in ids(windows)
}

test_k8s_103_flags_may_run_as_root if {
	no_pod_setting := replacing_pod({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}})
	paths(no_pod_setting, "K8S-103") == {container_path(["securityContext"])}
	pod_false := replacing_pod({"securityContext": {"runAsNonRoot": false, "seccompProfile": {"type": "RuntimeDefault"}}})
	pod_path(["securityContext", "runAsNonRoot"]) in paths(pod_false, "K8S-103")
	container_false := with_container({"securityContext": {"runAsNonRoot": false}})
	paths(container_false, "K8S-103") == {container_path(["securityContext", "runAsNonRoot"])}
}

test_k8s_103_allows_non_root_on_every_container if {
	doc := replacing_pod({
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [object.union(good_container, {"securityContext": {"runAsNonRoot": true}})],
	})
	not "K8S-103" in ids(doc)
}

test_k8s_104_flags_uid_zero if {
	doc := with_container({"securityContext": {"runAsUser": 0}})
	paths(doc, "K8S-104") == {container_path(["securityContext", "runAsUser"])}
	pod := with_pod({"securityContext": {"runAsNonRoot": true, "runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}})
	paths(pod, "K8S-104") == {pod_path(["securityContext", "runAsUser"])}
}

test_k8s_104_allows_non_zero_uid if {
	not "K8S-104" in ids(with_container({"securityContext": {"runAsUser": 1000}}))
}

test_k8s_105_flags_missing_seccomp if {
	doc := replacing_pod({"securityContext": {"runAsNonRoot": true}})
	paths(doc, "K8S-105") == {container_path(["securityContext"])}
}

test_k8s_105_allows_seccomp_on_every_container if {
	doc := replacing_pod({
		"securityContext": {"runAsNonRoot": true},
		"containers": [object.union(good_container, {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}})],
	})
	not "K8S-105" in ids(doc)
}

test_k8s_106_flags_capabilities_not_dropped if {
	doc := with_container({"securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["NET_RAW"]}}})
	paths(doc, "K8S-106") == {container_path(["securityContext", "capabilities", "drop"])}
	no_capabilities := with_pod({"containers": [object.union(object.remove(good_container, ["securityContext"]), {"securityContext": {"allowPrivilegeEscalation": false}})]})
	paths(no_capabilities, "K8S-106") == {container_path(["securityContext"])}
}

test_k8s_106_allows_drop_all if {
	not "K8S-106" in ids(good)
}

test_k8s_107_flags_added_capability if {
	doc := with_container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}})
	paths(doc, "K8S-107") == {container_path(["securityContext", "capabilities", "add", 0])}
}

test_k8s_107_allows_net_bind_service if {
	not "K8S-107" in ids(with_container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}}))
}

test_k8s_201_flags_latest_and_untagged_images if {
	paths(with_container({"image": "nginx:latest"}), "K8S-201") == {container_path(["image"])}
	paths(with_container({"image": "registry.example.com:5000/team/app"}), "K8S-201") == {container_path(["image"])}
}

test_k8s_201_allows_tags_and_digests if {
	not "K8S-201" in ids(with_container({"image": "nginx:1.27.3"}))
	not "K8S-201" in ids(with_container({"image": "nginx@sha256:4a1c4b21597c1b4415bdbecb28a3296c6b5e23ca4f9feeb599860a1dac6a0108"}))
}

test_k8s_202_flags_tag_without_digest if {
	doc := with_container({"image": "ghcr.io/acme/app:1.2.3"})
	paths(doc, "K8S-202") == {container_path(["image"])}
	testing.is_warning("kubernetes", doc, "K8S-202")
}

test_k8s_202_allows_digest if {
	not "K8S-202" in ids(good)
}

test_k8s_203_flags_registry_not_allowed if {
	paths(with_container({"image": "k8s.gcr.io/pause:3.9"}), "K8S-203") == {container_path(["image"])}
	configured := with_container({"image": "ghcr.io/someone-else/app:1.0"}) with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}}
	"K8S-203" in ids(configured) with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}}
}

test_k8s_203_allows_listed_registries if {
	not "K8S-203" in ids(with_container({"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1@sha256:00"}))
	not "K8S-203" in ids(with_container({"image": "busybox:1.36"}))
	not "K8S-203" in ids(good) with data.policy_gate as {"kubernetes": {"allowed_registries": ["ghcr.io/acme"]}}
}

test_k8s_301_flags_missing_label if {
	doc := json.patch(good, [{"op": "remove", "path": "/metadata/labels"}])
	paths(doc, "K8S-301") == {["metadata"]}
	team := {"kubernetes": {"required_labels": ["team"]}}
	paths(good, "K8S-301") == {["metadata", "labels"]} with data.policy_gate as team
}

test_k8s_301_allows_present_labels_and_empty_list if {
	not "K8S-301" in ids(good)
	doc := json.patch(good, [{"op": "remove", "path": "/metadata/labels"}])
	not "K8S-301" in ids(doc) with data.policy_gate as {"kubernetes": {"required_labels": []}}
}

test_k8s_302_flags_mounted_token if {
	paths(with_pod({"automountServiceAccountToken": true}), "K8S-302") == {pod_path(["automountServiceAccountToken"])}
	paths(deployment(object.remove(good_pod_spec, ["automountServiceAccountToken"])), "K8S-302") == {pod_path([])}
}

test_k8s_302_allows_token_disabled if {
	not "K8S-302" in ids(good)
}

test_k8s_401_flags_missing_limits if {
	doc := replacing_container({"resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1", "memory": "1Gi"}}})
	paths(doc, "K8S-401") == {container_path(["resources", "limits"])}
	some r in testing.of_rule("kubernetes", doc, "K8S-401")
	contains(r.msg, "no memory limit")
}

test_k8s_401_allows_limits_and_exempts_ephemeral_containers if {
	not "K8S-401" in ids(good)
	ephemeral := object.remove(good_container, ["resources", "livenessProbe", "readinessProbe"])
	not "K8S-401" in ids(with_pod({"ephemeralContainers": [ephemeral]}))
}

test_k8s_402_flags_missing_requests if {
	doc := with_pod({"containers": [object.remove(good_container, ["resources"])]})
	paths(doc, "K8S-402") == {container_path([])}
}

test_k8s_402_allows_limits_standing_in_for_requests if {
	not "K8S-402" in ids(replacing_container({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}))
}

test_k8s_403_flags_missing_liveness_probe if {
	doc := with_pod({"containers": [object.remove(good_container, ["livenessProbe"])]})
	paths(doc, "K8S-403") == {container_path([])}
	sidecar := object.union(object.remove(good_container, ["livenessProbe"]), {"restartPolicy": "Always"})
	paths(with_pod({"initContainers": [sidecar]}), "K8S-403") == {pod_path(["initContainers", 0])}
}

test_k8s_403_allows_probe_and_exempts_jobs_and_init_containers if {
	not "K8S-403" in ids(good)
	job := with_spec(workloads.Job, spec_paths.Job, object.union(good_pod_spec, {"containers": [object.remove(good_container, ["livenessProbe"])]}))
	not "K8S-403" in ids(job)
	not "K8S-403" in ids(with_pod({"initContainers": [object.remove(good_container, ["livenessProbe"])]}))
}

test_k8s_404_flags_missing_readiness_probe if {
	doc := with_pod({"containers": [object.remove(good_container, ["readinessProbe"])]})
	paths(doc, "K8S-404") == {container_path([])}
}

test_k8s_404_allows_readiness_probe if {
	not "K8S-404" in ids(good)
}

service(type) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"type": type, "ports": [{"port": 80}]}}

test_k8s_501_flags_load_balancer if {
	paths(service("LoadBalancer"), "K8S-501") == {["spec", "type"]}
	testing.is_warning("kubernetes", service("LoadBalancer"), "K8S-501")
}

test_k8s_501_allows_cluster_ip if {
	count(ids(service("ClusterIP"))) == 0
}

test_k8s_502_flags_node_port if {
	paths(service("NodePort"), "K8S-502") == {["spec", "type"]}
}

test_k8s_502_allows_cluster_ip if {
	not "K8S-502" in ids(service("ClusterIP"))
}

test_k8s_601_flags_removed_api_versions if {
	ingress := {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "i"}}
	paths(ingress, "K8S-601") == {["apiVersion"]}
	some r in testing.of_rule("kubernetes", ingress, "K8S-601")
	contains(r.msg, "since Kubernetes 1.22")
	cronjob := json.patch(workloads.CronJob, [{"op": "replace", "path": "/apiVersion", "value": "batch/v1beta1"}])
	"K8S-601" in ids(cronjob)
}

test_k8s_601_allows_served_api_versions if {
	not "K8S-601" in ids(good)
	not "K8S-601" in ids({"apiVersion": "admissionregistration.k8s.io/v1alpha1", "kind": "ValidatingAdmissionPolicy", "metadata": {"name": "v"}})
}

test_results_carry_catalog_metadata if {
	some r in testing.of_rule("kubernetes", with_container({"securityContext": {"privileged": true}}), "K8S-001")
	r.title == "Privileged container"
	r.severity == "critical"
	startswith(r.remediation, "Remove")
	r.msg == `Deployment/web: container "app" runs privileged`
}
