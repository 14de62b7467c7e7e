package terraform.azure_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.terraform.azure.deny | data.terraform.azure.warn

ids := {r.id | some r in results}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

at(i, rest) := testing.attribute_path(i, rest)

created(address, after) := testing.created(address, after)

account(after) := created("azurerm_storage_account.sa", object.union(
	{
		"name": "sa",
		"allow_nested_items_to_be_public": false,
		"https_traffic_only_enabled": true,
		"min_tls_version": "TLS1_2",
		"network_rules": [{"default_action": "Deny"}],
	},
	after,
))

test_compliant_storage_account_has_no_findings if {
	count(ids) == 0 with input as testing.plan([account({})])
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["terraform"]) {
		count(ids) == 0 with input as document
	}
}

test_tf_az_001_flags_public_blob_access if {
	paths["TF-AZ-001"] == {at(0, ["allow_nested_items_to_be_public"])} with input as testing.plan([account({"allow_nested_items_to_be_public": true})])
	paths["TF-AZ-001"] == {at(0, ["allow_blob_public_access"])} with input as testing.plan([account({"allow_blob_public_access": true})])
}

test_tf_az_001_allows_private_accounts if {
	not "TF-AZ-001" in ids with input as testing.plan([account({"allow_blob_public_access": false})])
}

test_tf_az_002_flags_public_container if {
	paths["TF-AZ-002"] == {at(0, ["container_access_type"])} with input as testing.plan([created("azurerm_storage_container.c", {"name": "c", "container_access_type": "blob"})])
}

test_tf_az_002_allows_private_container if {
	not "TF-AZ-002" in ids with input as testing.plan([created("azurerm_storage_container.c", {"name": "c", "container_access_type": "private"})])
}

test_tf_az_003_flags_default_allow if {
	paths["TF-AZ-003"] == {at(0, ["network_rules", 0, "default_action"])} with input as testing.plan([account({"network_rules": [{"default_action": "Allow"}]})])
	paths["TF-AZ-003"] == {at(0, ["default_action"])} with input as testing.plan([created("azurerm_storage_account_network_rules.n", {"default_action": "Allow"})])
}

test_tf_az_003_allows_default_deny if {
	not "TF-AZ-003" in ids with input as testing.plan([created("azurerm_storage_account_network_rules.n", {"default_action": "Deny"})])
}

test_tf_az_101_flags_http_allowed if {
	paths["TF-AZ-101"] == {at(0, ["https_traffic_only_enabled"])} with input as testing.plan([account({"https_traffic_only_enabled": false})])
	paths["TF-AZ-101"] == {at(0, ["enable_https_traffic_only"])} with input as testing.plan([account({"enable_https_traffic_only": false})])
}

test_tf_az_101_allows_https_only if {
	not "TF-AZ-101" in ids with input as testing.plan([account({"enable_https_traffic_only": true})])
}

test_tf_az_102_flags_web_app_without_https_only if {
	paths["TF-AZ-102"] == {at(0, ["https_only"])} with input as testing.plan([created("azurerm_linux_web_app.app", {"name": "app"})])
}

test_tf_az_102_allows_https_only_apps if {
	not "TF-AZ-102" in ids with input as testing.plan([created("azurerm_windows_function_app.f", {"https_only": true})])
}

test_tf_az_103_flags_old_tls if {
	paths["TF-AZ-103"] == {at(0, ["min_tls_version"])} with input as testing.plan([account({"min_tls_version": "TLS1_0"})])
}

test_tf_az_103_allows_tls_1_2 if {
	not "TF-AZ-103" in ids with input as testing.plan([account({})])
}

nsg_rule(rule) := created("azurerm_network_security_rule.r", object.union({"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_address_prefix": "*"}, rule))

test_tf_az_201_flags_admin_ports_from_internet if {
	paths["TF-AZ-201"] == {at(0, ["source_address_prefix"])} with input as testing.plan([nsg_rule({"destination_port_range": "22"})])
	"TF-AZ-201" in ids with input as testing.plan([nsg_rule({"source_address_prefix": "Internet", "destination_port_range": "*"})])
	prefixes := nsg_rule({"source_address_prefix": null, "source_address_prefixes": ["10.0.0.0/8", "0.0.0.0/0"], "destination_port_ranges": ["443", "3389"]})
	paths["TF-AZ-201"] == {at(0, ["source_address_prefixes", 1])} with input as testing.plan([prefixes])
	group := created("azurerm_network_security_group.g", {"security_rule": [{"direction": "Inbound", "access": "Allow", "protocol": "*", "source_address_prefix": "Any", "destination_port_range": "3000-3400"}]})
	paths["TF-AZ-201"] == {at(0, ["security_rule", 0, "source_address_prefix"])} with input as testing.plan([group])
}

test_tf_az_201_allows_internal_denied_and_outbound_rules if {
	not "TF-AZ-201" in ids with input as testing.plan([nsg_rule({"source_address_prefix": "VirtualNetwork", "destination_port_range": "22"})])
	not "TF-AZ-201" in ids with input as testing.plan([nsg_rule({"access": "Deny", "destination_port_range": "22"})])
	not "TF-AZ-201" in ids with input as testing.plan([nsg_rule({"direction": "Outbound", "destination_port_range": "22"})])
	not "TF-AZ-201" in ids with input as testing.plan([nsg_rule({"protocol": "Icmp", "destination_port_range": "*"})])
}

test_tf_az_202_flags_other_ports_from_internet if {
	paths["TF-AZ-202"] == {at(0, ["source_address_prefix"])} with input as testing.plan([nsg_rule({"destination_port_range": "443"})])
}

test_tf_az_202_allows_admin_ports_reported_once if {
	not "TF-AZ-202" in ids with input as testing.plan([nsg_rule({"destination_port_range": "22"})])
}

test_tf_az_301_flags_database_open_to_all if {
	rule := created("azurerm_mssql_firewall_rule.all", {"start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"})
	paths["TF-AZ-301"] == {at(0, ["end_ip_address"])} with input as testing.plan([rule])
}

test_tf_az_301_allows_azure_services_rule if {
	not "TF-AZ-301" in ids with input as testing.plan([created("azurerm_mssql_firewall_rule.azure", {"start_ip_address": "0.0.0.0", "end_ip_address": "0.0.0.0"})])
}
