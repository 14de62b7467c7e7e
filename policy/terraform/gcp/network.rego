# VPC firewall rules open to the internet.
package terraform.gcp

import data.lib.network
import data.lib.terraform as tf
import data.lib.util

# The port ranges an allow block opens: its ports, or every port when it lists none.
allowed_ranges(allow) := [network.parse_range(p) | some p in allow.ports] if {
	count(util.array_at(allow, ["ports"])) > 0
} else := [[0, 65535]]

open_firewall contains {"r": r, "cidr": cidr, "ports": ports, "path": array.concat(r.path, ["source_ranges", k])} if {
	some r in tf.of_type({"google_compute_firewall"})
	object.get(r.after, "direction", "INGRESS") in {"INGRESS", null}
	object.get(r.after, "disabled", false) != true
	some k, cidr in util.array_at(r.after, ["source_ranges"])
	cidr in network.world_cidrs
	some allow in util.array_at(r.after, ["allow"])
	lower(allow.protocol) in {"tcp", "udp", "all", "6", "17"}
	some ports in allowed_ranges(allow)
}

# METADATA
# title: Firewall allows SSH or RDP from the internet
# description: >-
#   A VPC firewall rule allows 0.0.0.0/0 or ::/0 to reach port 22 (SSH) or 3389 (RDP), directly,
#   through a range, or by allowing every port.
# custom:
#   id: TF-GCP-101
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Restrict `source_ranges` to known addresses, or use Identity-Aware Proxy TCP forwarding
#     (source 35.235.240.0/20) instead of opening the port.
findings contains {
	"id": "TF-GCP-101",
	"msg": sprintf("%s: allows %s from %s", [o.r.address, network.describe_ports(o.ports[0], o.ports[1]), o.cidr]),
	"path": o.path,
} if {
	some o in open_firewall
	count(network.admin_ports_in(o.ports[0], o.ports[1])) > 0
}

# METADATA
# title: Firewall open to the internet
# description: >-
#   A VPC firewall rule allows 0.0.0.0/0 or ::/0 on ports other than SSH and RDP. Sometimes
#   intended (a public web server); check that it is.
# custom:
#   id: TF-GCP-102
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Restrict `source_ranges` to the addresses that need access, or put the service behind a load
#     balancer.
findings contains {
	"id": "TF-GCP-102",
	"msg": sprintf("%s: allows %s from %s", [o.r.address, network.describe_ports(o.ports[0], o.ports[1]), o.cidr]),
	"path": o.path,
} if {
	some o in open_firewall
	count(network.admin_ports_in(o.ports[0], o.ports[1])) == 0
}
