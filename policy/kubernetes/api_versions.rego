# API versions that Kubernetes no longer serves.
# https://kubernetes.io/docs/reference/using-api/deprecation-guide/
package kubernetes

import data.lib.kubernetes as k8s

# The Kubernetes release that stopped serving each apiVersion, per kind; "*" is every kind.
removed_api_versions := {
	"extensions/v1beta1": {"*": "1.16", "Ingress": "1.22"},
	"apps/v1beta1": {"*": "1.16"},
	"apps/v1beta2": {"*": "1.16"},
	"batch/v2alpha1": {"*": "1.21"},
	"batch/v1beta1": {"*": "1.25"},
	"policy/v1beta1": {"*": "1.25"},
	"networking.k8s.io/v1beta1": {"*": "1.22"},
	"rbac.authorization.k8s.io/v1beta1": {"*": "1.22"},
	"rbac.authorization.k8s.io/v1alpha1": {"*": "1.22"},
	"apiextensions.k8s.io/v1beta1": {"*": "1.22"},
	"admissionregistration.k8s.io/v1beta1": {"*": "1.22"},
	"admissionregistration.k8s.io/v1alpha1": {"InitializerConfiguration": "1.14"},
	"apiregistration.k8s.io/v1beta1": {"*": "1.22"},
	"authentication.k8s.io/v1beta1": {"*": "1.22"},
	"authorization.k8s.io/v1beta1": {"*": "1.22"},
	"certificates.k8s.io/v1beta1": {"*": "1.22"},
	"coordination.k8s.io/v1beta1": {"*": "1.22"},
	"scheduling.k8s.io/v1beta1": {"*": "1.22"},
	"scheduling.k8s.io/v1alpha1": {"*": "1.22"},
	"storage.k8s.io/v1beta1": {"*": "1.22", "CSIStorageCapacity": "1.27"},
	"discovery.k8s.io/v1beta1": {"*": "1.25"},
	"events.k8s.io/v1beta1": {"*": "1.25"},
	"node.k8s.io/v1beta1": {"*": "1.25"},
	"autoscaling/v2beta1": {"*": "1.25"},
	"autoscaling/v2beta2": {"*": "1.26"},
	"flowcontrol.apiserver.k8s.io/v1beta1": {"*": "1.26"},
	"flowcontrol.apiserver.k8s.io/v1beta2": {"*": "1.29"},
	"flowcontrol.apiserver.k8s.io/v1beta3": {"*": "1.32"},
}

removed_in := release if {
	release := removed_api_versions[input.apiVersion][input.kind]
} else := release if {
	release := removed_api_versions[input.apiVersion]["*"]
}

# METADATA
# title: Removed API version
# description: >-
#   The object uses an apiVersion that current Kubernetes releases no longer serve: applying it
#   fails.
# related_resources:
#   - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
# custom:
#   id: K8S-601
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Migrate the manifest to the current apiVersion (see the deprecation guide; `kubectl convert`
#     can help) and adjust the fields that changed.
findings contains {
	"id": "K8S-601",
	"msg": sprintf("%s: %s %s is no longer served since Kubernetes %s", [k8s.display, input.apiVersion, input.kind, removed_in]),
	"path": ["apiVersion"],
} if {
	k8s.is_kubernetes
	removed_in
}
