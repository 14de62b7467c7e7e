# Services that expose workloads outside the cluster.
package kubernetes

import data.lib.kubernetes as k8s

# METADATA
# title: LoadBalancer Service
# description: >-
#   A Service of type LoadBalancer usually gets a public IP address from the cloud provider.
#   Check that the exposure is intended and restricted.
# custom:
#   id: K8S-501
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Use a ClusterIP Service behind an Ingress or Gateway, or restrict the load balancer
#     (`loadBalancerSourceRanges`, an internal load balancer annotation).
findings contains {
	"id": "K8S-501",
	"msg": sprintf("%s: the Service is of type LoadBalancer, which is usually reachable from the internet", [k8s.display]),
	"path": ["spec", "type"],
} if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
}

# METADATA
# title: NodePort Service
# description: >-
#   A Service of type NodePort opens the same port on every node, outside the control of
#   Ingress and load balancer policies.
# custom:
#   id: K8S-502
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Use a ClusterIP Service behind an Ingress or Gateway.
findings contains {
	"id": "K8S-502",
	"msg": sprintf("%s: the Service is of type NodePort, which opens a port on every node", [k8s.display]),
	"path": ["spec", "type"],
} if {
	input.kind == "Service"
	input.spec.type == "NodePort"
}
