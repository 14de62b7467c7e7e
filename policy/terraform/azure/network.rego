# Network security groups and database firewalls open to the internet.
package terraform.azure

import data.lib.network
import data.lib.terraform as tf
import data.lib.util

# Source prefixes that mean "any address on the internet".
internet_sources := {"*", "0.0.0.0", "0.0.0.0/0", "::/0", "Internet", "Any"}

security_rules contains {"r": r, "rule": rule, "path": array.concat(r.path, ["security_rule", j])} if {
	some r in tf.of_type({"azurerm_network_security_group"})
	some j, rule in util.array_at(r.after, ["security_rule"])
	is_object(rule)
}

security_rules contains {"r": r, "rule": r.after, "path": r.path} if {
	some r in tf.of_type({"azurerm_network_security_rule"})
}

# The sources of a rule that are the whole internet, with their paths.
internet_source(entry) := [entry.rule.source_address_prefix, array.concat(entry.path, ["source_address_prefix"])] if {
	entry.rule.source_address_prefix in internet_sources
}

internet_source(entry) := [prefix, array.concat(entry.path, ["source_address_prefixes", k])] if {
	not entry.rule.source_address_prefix in internet_sources
	some k, prefix in util.array_at(entry.rule, ["source_address_prefixes"])
	prefix in internet_sources
}

# The destination port ranges of a rule.
port_ranges(rule) := [network.parse_range(rule.destination_port_range)] if {
	is_string(rule.destination_port_range)
	rule.destination_port_range != ""
} else := [network.parse_range(p) | some p in util.array_at(rule, ["destination_port_ranges"])]

open_inbound contains {"r": entry.r, "source": source[0], "ports": ports, "path": source[1]} if {
	some entry in security_rules
	lower(object.get(entry.rule, "direction", "")) == "inbound"
	lower(object.get(entry.rule, "access", "")) == "allow"
	lower(object.get(entry.rule, "protocol", "*")) in {"*", "tcp", "udp"}
	source := internet_source(entry)
	some ports in port_ranges(entry.rule)
}

# METADATA
# title: NSG allows SSH or RDP from the internet
# description: >-
#   A network security group rule allows inbound traffic from any address (`*`, `Internet`,
#   0.0.0.0/0) to port 22 (SSH) or 3389 (RDP), directly, through a range, or with `*`.
# custom:
#   id: TF-AZ-201
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Restrict the source to known addresses, or remove the rule and use Azure Bastion or
#     just-in-time VM access.
findings contains {
	"id": "TF-AZ-201",
	"msg": sprintf("%s: allows inbound %s from %s", [o.r.address, network.describe_ports(o.ports[0], o.ports[1]), o.source]),
	"path": o.path,
} if {
	some o in open_inbound
	count(network.admin_ports_in(o.ports[0], o.ports[1])) > 0
}

# METADATA
# title: NSG open to the internet
# description: >-
#   A network security group rule allows inbound traffic from any address on ports other than
#   SSH and RDP. Sometimes intended (a public web server); check that it is.
# custom:
#   id: TF-AZ-202
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Restrict the source to the addresses that need access, or put the service behind Application
#     Gateway or Front Door.
findings contains {
	"id": "TF-AZ-202",
	"msg": sprintf("%s: allows inbound %s from %s", [o.r.address, network.describe_ports(o.ports[0], o.ports[1]), o.source]),
	"path": o.path,
} if {
	some o in open_inbound
	count(network.admin_ports_in(o.ports[0], o.ports[1])) == 0
}

database_firewall_rules := {
	"azurerm_sql_firewall_rule", "azurerm_mssql_firewall_rule",
	"azurerm_postgresql_firewall_rule", "azurerm_postgresql_flexible_server_firewall_rule",
	"azurerm_mysql_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule",
	"azurerm_mariadb_firewall_rule",
}

# METADATA
# title: Database firewall open to the internet
# description: >-
#   A database server firewall rule from 0.0.0.0 to 255.255.255.255 admits every address on the
#   internet. (The 0.0.0.0–0.0.0.0 rule, which admits Azure services, is not reported.)
# custom:
#   id: TF-AZ-301
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Narrow the rule to the addresses that need access, or use private endpoints and disable public
#     network access.
findings contains {
	"id": "TF-AZ-301",
	"msg": sprintf("%s: the firewall rule admits every address (%s to %s)", [r.address, r.after.start_ip_address, r.after.end_ip_address]),
	"path": array.concat(r.path, ["end_ip_address"]),
} if {
	some r in tf.of_type(database_firewall_rules)
	r.after.start_ip_address == "0.0.0.0"
	r.after.end_ip_address == "255.255.255.255"
}
