# METADATA
# title: Kubernetes
# description: >-
#   Kubernetes manifests (any document with `apiVersion` and `kind`). The workload rules apply to
#   every kind that runs pods (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController, Job, CronJob, PodTemplate) and to all three container lists
#   (`containers`, `initContainers`, `ephemeralContainers`). K8S-0xx are the Pod Security
#   Standards' baseline controls and K8S-1xx its restricted controls, as of Kubernetes 1.34.
#   Values that are still templates (`{{ .Values.image }}`, `${IMAGE}`) are not judged.
package kubernetes

import data.lib.kubernetes as k8s
import data.lib.result

deny contains r if {
	k8s.is_kubernetes
	some finding in findings
	some r in result.denials(finding, k8s.resource)
}

warn contains r if {
	k8s.is_kubernetes
	some finding in findings
	some r in result.warnings(finding, k8s.resource)
}
