# METADATA
# title: Network rules
# description: Port ranges and "anywhere" sources shared by the cloud firewall rules.
package lib.network

# Ports whose exposure to the internet is the worst case: remote administration (SSH, RDP).
admin_ports := [22, 3389]

world_cidrs := {"0.0.0.0/0", "::/0"}

# Whether the inclusive range from..to holds an admin port; the ports found.
admin_ports_in(from, to) := [p | some p in admin_ports; from <= p; p <= to]

# A port range written as "22", "8000-8080" or "*" (any), as [from, to].
parse_range("*") := [0, 65535]

parse_range(text) := [to_number(trim_space(parts[0])), to_number(trim_space(parts[1]))] if {
	parts := split(trim_space(text), "-")
	count(parts) == 2
} else := [to_number(trim_space(text)), to_number(trim_space(text))] if {
	not contains(text, "-")
	text != "*"
	regex.match(`^\s*[0-9]+\s*$`, text)
}

describe_ports(from, to) := sprintf("port %d", [from]) if from == to

else := "all ports" if {
	from <= 0
	to >= 65535
} else := sprintf("ports %d-%d", [from, to])
