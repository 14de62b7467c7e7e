# Storage accounts and containers.
package terraform.azure

import data.lib.terraform as tf
import data.lib.util

storage_accounts := tf.of_type({"azurerm_storage_account"})

# METADATA
# title: Storage account allows public blob access
# description: >-
#   `allow_nested_items_to_be_public` (provider 3 and 4; `allow_blob_public_access` in provider 2)
#   lets containers in the account be made readable by anyone. Provider 3 defaults it to `true`.
# custom:
#   id: TF-AZ-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `allow_nested_items_to_be_public = false` (provider 2, `allow_blob_public_access =
#     false`).
findings contains {
	"id": "TF-AZ-001",
	"msg": sprintf("%s: %s is true, so containers can be made public", [r.address, attribute]),
	"path": array.concat(r.path, [attribute]),
} if {
	some r in storage_accounts
	some attribute in ["allow_nested_items_to_be_public", "allow_blob_public_access"]
	r.after[attribute] == true
}

# METADATA
# title: Storage container is public
# description: >-
#   A container with access type `blob` or `container` can be read by anyone on the internet
#   (`container` also lets them list its blobs).
# custom:
#   id: TF-AZ-002
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Set `container_access_type = "private"` and share blobs with SAS tokens or Entra ID roles.
findings contains {
	"id": "TF-AZ-002",
	"msg": sprintf("%s: the container's access type is %s, so it is public", [r.address, r.after.container_access_type]),
	"path": array.concat(r.path, ["container_access_type"]),
} if {
	some r in tf.of_type({"azurerm_storage_container"})
	r.after.container_access_type in {"blob", "container"}
}

network_rules contains {"r": r, "rules": rules, "path": array.concat(r.path, ["network_rules", i])} if {
	some r in storage_accounts
	some i, rules in util.array_at(r.after, ["network_rules"])
}

network_rules contains {"r": r, "rules": r.after, "path": r.path} if {
	some r in tf.of_type({"azurerm_storage_account_network_rules"})
}

# METADATA
# title: Storage account network allows all
# description: >-
#   The storage account's network rules have `default_action = "Allow"`: every network can reach
#   it, and the IP and virtual network rules have no effect.
# custom:
#   id: TF-AZ-003
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Set `default_action = "Deny"` and allow the networks that need access with `ip_rules` and
#     `virtual_network_subnet_ids` (or use private endpoints).
findings contains {
	"id": "TF-AZ-003",
	"msg": sprintf("%s: the network rules allow every network by default", [n.r.address]),
	"path": array.concat(n.path, ["default_action"]),
} if {
	some n in network_rules
	n.rules.default_action == "Allow"
}

# METADATA
# title: Storage account accepts HTTP
# description: >-
#   With HTTPS-only disabled (`https_traffic_only_enabled` in provider 4,
#   `enable_https_traffic_only` before), data and shared keys can travel in clear text.
# custom:
#   id: TF-AZ-101
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `https_traffic_only_enabled = true` (provider 3 and earlier, `enable_https_traffic_only =
#     true`).
findings contains {
	"id": "TF-AZ-101",
	"msg": sprintf("%s: %s is false, so the account accepts unencrypted HTTP", [r.address, attribute]),
	"path": array.concat(r.path, [attribute]),
} if {
	some r in storage_accounts
	some attribute in ["https_traffic_only_enabled", "enable_https_traffic_only"]
	r.after[attribute] == false
}

web_apps := {
	"azurerm_app_service", "azurerm_function_app",
	"azurerm_linux_web_app", "azurerm_windows_web_app",
	"azurerm_linux_function_app", "azurerm_windows_function_app",
}

# METADATA
# title: Web app accepts HTTP
# description: >-
#   An App Service or Function App without `https_only = true` serves its site over plain HTTP
#   as well.
# custom:
#   id: TF-AZ-102
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Set `https_only = true`.
findings contains {
	"id": "TF-AZ-102",
	"msg": sprintf("%s: https_only is not true, so the app is also served over HTTP", [r.address]),
	"path": array.concat(r.path, ["https_only"]),
} if {
	some r in tf.of_type(web_apps)
	not tf.unknown(r, "https_only")
	object.get(r.after, "https_only", false) != true
}

# METADATA
# title: Storage account allows old TLS versions
# description: >-
#   `min_tls_version` below TLS1_2 accepts TLS 1.0 and 1.1, which have known weaknesses and are
#   being retired by Azure.
# custom:
#   id: TF-AZ-103
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Set `min_tls_version = "TLS1_2"`.
findings contains {
	"id": "TF-AZ-103",
	"msg": sprintf("%s: min_tls_version is %s", [r.address, r.after.min_tls_version]),
	"path": array.concat(r.path, ["min_tls_version"]),
} if {
	some r in storage_accounts
	r.after.min_tls_version in {"TLS1_0", "TLS1_1"}
}
