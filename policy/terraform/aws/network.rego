# Security groups open to the internet.
package terraform.aws

import data.lib.network
import data.lib.terraform as tf
import data.lib.util

# Ingress rules in all three forms, normalised: inline blocks of aws_security_group,
# aws_security_group_rule (type ingress) and aws_vpc_security_group_ingress_rule.
ingress_rules contains {"r": r, "rule": rule, "path": array.concat(r.path, ["ingress", j])} if {
	some r in tf.of_type({"aws_security_group"})
	some j, rule in util.array_at(r.after, ["ingress"])
	is_object(rule)
}

ingress_rules contains {"r": r, "rule": r.after, "path": r.path} if {
	some r in tf.of_type({"aws_security_group_rule"})
	r.after.type == "ingress"
}

ingress_rules contains {"r": r, "rule": rule, "path": r.path} if {
	some r in tf.of_type({"aws_vpc_security_group_ingress_rule"})
	rule := {
		"protocol": object.get(r.after, "ip_protocol", ""),
		"from_port": object.get(r.after, "from_port", null),
		"to_port": object.get(r.after, "to_port", null),
		"cidr_ipv4": object.get(r.after, "cidr_ipv4", null),
		"cidr_ipv6": object.get(r.after, "cidr_ipv6", null),
	}
}

# The ports an ingress rule opens, as [from, to]; undefined for ICMP and other protocols
# without ports.
port_range(rule) := [0, 65535] if {
	sprintf("%v", [rule.protocol]) in {"-1", "all"}
} else := [rule.from_port, rule.to_port] if {
	lower(sprintf("%v", [rule.protocol])) in {"tcp", "udp", "6", "17"}
	is_number(rule.from_port)
	is_number(rule.to_port)
}

# Each source that is the whole internet, with the ports it reaches.
open_ingress contains {"r": entry.r, "cidr": cidr, "ports": port_range(entry.rule), "path": array.concat(entry.path, [field, k])} if {
	some entry in ingress_rules
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some k, cidr in util.array_at(entry.rule, [field])
	cidr in network.world_cidrs
}

open_ingress contains {"r": entry.r, "cidr": entry.rule[field], "ports": port_range(entry.rule), "path": array.concat(entry.path, [field])} if {
	some entry in ingress_rules
	some field in ["cidr_ipv4", "cidr_ipv6"]
	entry.rule[field] in network.world_cidrs
}

# METADATA
# title: SSH or RDP open to the internet
# description: >-
#   A security group ingress rule allows 0.0.0.0/0 or ::/0 to reach port 22 (SSH) or 3389 (RDP),
#   directly or through a port range or all traffic: the most scanned and brute-forced ports.
# custom:
#   id: TF-AWS-101
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Restrict the source to known addresses, or remove the rule and reach instances through AWS
#     Systems Manager Session Manager or a bastion.
findings contains {
	"id": "TF-AWS-101",
	"msg": sprintf("%s: ingress from %s reaches %s (%s)", [o.r.address, o.cidr, network.describe_ports(o.ports[0], o.ports[1]), admin_description(admin)]),
	"path": o.path,
} if {
	some o in open_ingress
	admin := network.admin_ports_in(o.ports[0], o.ports[1])
	count(admin) > 0
}

admin_description(ports) := concat(" and ", [name | some p in ports; name := {22: "SSH", 3389: "RDP"}[p]])

# METADATA
# title: Security group open to the internet
# description: >-
#   A security group ingress rule allows 0.0.0.0/0 or ::/0 on ports other than SSH and RDP.
#   Sometimes intended (a public load balancer on 443); check that it is.
# custom:
#   id: TF-AWS-102
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Restrict the source to the addresses that need access, or put the service behind a load
#     balancer and allow only the load balancer's security group.
findings contains {
	"id": "TF-AWS-102",
	"msg": sprintf("%s: ingress from %s reaches %s", [o.r.address, o.cidr, network.describe_ports(o.ports[0], o.ports[1])]),
	"path": o.path,
} if {
	some o in open_ingress
	count(network.admin_ports_in(o.ports[0], o.ports[1])) == 0
}
