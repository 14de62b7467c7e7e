# Cloud SQL instances.
package terraform.gcp

import data.lib.network
import data.lib.terraform as tf
import data.lib.util

sql_instances := tf.of_type({"google_sql_database_instance"})

# METADATA
# title: Cloud SQL open to the internet
# description: >-
#   An authorized network of 0.0.0.0/0 lets any address on the internet connect to the instance's
#   public IP address.
# custom:
#   id: TF-GCP-201
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove the 0.0.0.0/0 authorized network; connect through private IP or the Cloud SQL Auth
#     Proxy.
findings contains {
	"id": "TF-GCP-201",
	"msg": sprintf("%s: the authorized network %s admits the whole internet", [r.address, net.value]),
	"path": array.concat(r.path, ["settings", i, "ip_configuration", j, "authorized_networks", k, "value"]),
} if {
	some r in sql_instances
	some i, settings in util.array_at(r.after, ["settings"])
	some j, ip in util.array_at(settings, ["ip_configuration"])
	some k, net in util.array_at(ip, ["authorized_networks"])
	net.value in network.world_cidrs
}

encrypted_ssl_modes := {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

# METADATA
# title: Cloud SQL public IP without enforced TLS
# description: >-
#   The instance has a public IP address and accepts unencrypted connections.
# custom:
#   id: TF-GCP-202
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Set `ssl_mode = "ENCRYPTED_ONLY"` (or `require_ssl = true` with older providers) in
#     `ip_configuration`, or disable the public IP (`ipv4_enabled = false`).
findings contains {
	"id": "TF-GCP-202",
	"msg": sprintf("%s: the instance has a public IP and accepts unencrypted connections", [r.address]),
	"path": array.concat(r.path, ["settings", i, "ip_configuration", j]),
} if {
	some r in sql_instances
	some i, settings in util.array_at(r.after, ["settings"])
	some j, ip in util.array_at(settings, ["ip_configuration"])
	object.get(ip, "ipv4_enabled", true) == true
	object.get(ip, "require_ssl", false) != true
	not object.get(ip, "ssl_mode", "") in encrypted_ssl_modes
}
