package terraform.gcp_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.terraform.gcp.deny | data.terraform.gcp.warn

ids := {r.id | some r in results}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

at(i, rest) := testing.attribute_path(i, rest)

created(address, after) := testing.created(address, after)

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["terraform"]) {
		count(ids) == 0 with input as document
	}
}

test_tf_gcp_001_flags_public_buckets if {
	paths["TF-GCP-001"] == {at(0, ["member"])} with input as testing.plan([created("google_storage_bucket_iam_member.m", {"bucket": "b", "role": "roles/storage.objectViewer", "member": "allUsers"})])
	paths["TF-GCP-001"] == {at(0, ["members", 1])} with input as testing.plan([created("google_storage_bucket_iam_binding.m", {"bucket": "b", "members": ["user:a@example.com", "allAuthenticatedUsers"]})])
	policy := json.marshal({"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]})
	paths["TF-GCP-001"] == {at(0, ["policy_data"])} with input as testing.plan([created("google_storage_bucket_iam_policy.p", {"bucket": "b", "policy_data": policy})])
	paths["TF-GCP-001"] == {at(0, ["entity"])} with input as testing.plan([created("google_storage_bucket_access_control.a", {"bucket": "b", "entity": "allUsers", "role": "READER"})])
	paths["TF-GCP-001"] == {at(0, ["role_entity", 1])} with input as testing.plan([created("google_storage_bucket_acl.a", {"bucket": "b", "role_entity": ["OWNER:user-a@example.com", "READER:allUsers"]})])
}

test_tf_gcp_001_allows_named_members if {
	not "TF-GCP-001" in ids with input as testing.plan([created("google_storage_bucket_iam_member.m", {"bucket": "b", "member": "group:team@example.com"})])
}

test_tf_gcp_002_flags_fine_grained_access if {
	paths["TF-GCP-002"] == {at(0, ["uniform_bucket_level_access"])} with input as testing.plan([created("google_storage_bucket.b", {"name": "b", "uniform_bucket_level_access": false})])
}

test_tf_gcp_002_allows_uniform_access if {
	not "TF-GCP-002" in ids with input as testing.plan([created("google_storage_bucket.b", {"name": "b", "uniform_bucket_level_access": true})])
}

firewall(after) := created("google_compute_firewall.fw", object.union({"name": "fw", "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"]}, after))

test_tf_gcp_101_flags_admin_ports if {
	paths["TF-GCP-101"] == {at(0, ["source_ranges", 0])} with input as testing.plan([firewall({"allow": [{"protocol": "tcp", "ports": ["80", "22"]}]})])
	"TF-GCP-101" in ids with input as testing.plan([firewall({"allow": [{"protocol": "all"}]})])
	"TF-GCP-101" in ids with input as testing.plan([firewall({"allow": [{"protocol": "tcp", "ports": ["3000-4000"]}]})])
}

test_tf_gcp_101_allows_internal_sources_egress_and_disabled_rules if {
	not "TF-GCP-101" in ids with input as testing.plan([firewall({"source_ranges": ["10.0.0.0/8"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids with input as testing.plan([firewall({"direction": "EGRESS", "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids with input as testing.plan([firewall({"disabled": true, "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids with input as testing.plan([firewall({"allow": [{"protocol": "icmp"}]})])
}

test_tf_gcp_102_flags_other_ports if {
	changes := [firewall({"allow": [{"protocol": "tcp", "ports": ["443"]}]})]
	paths["TF-GCP-102"] == {at(0, ["source_ranges", 0])} with input as testing.plan(changes)
	results_1 := by_id["TF-GCP-102"] with input as testing.plan(changes)
	some r in results_1
	r.msg == "google_compute_firewall.fw: allows port 443 from 0.0.0.0/0"
}

test_tf_gcp_102_allows_internal_sources if {
	not "TF-GCP-102" in ids with input as testing.plan([firewall({"source_ranges": ["10.0.0.0/8"], "allow": [{"protocol": "tcp", "ports": ["443"]}]})])
}

sql(ip) := created("google_sql_database_instance.db", {"name": "db", "settings": [{"ip_configuration": [ip]}]})

test_tf_gcp_201_flags_world_authorized_network if {
	changes := [sql({"ipv4_enabled": true, "ssl_mode": "ENCRYPTED_ONLY", "authorized_networks": [{"name": "office", "value": "203.0.113.0/24"}, {"name": "all", "value": "0.0.0.0/0"}]})]
	paths["TF-GCP-201"] == {at(0, ["settings", 0, "ip_configuration", 0, "authorized_networks", 1, "value"])} with input as testing.plan(changes)
}

test_tf_gcp_201_allows_specific_networks if {
	not "TF-GCP-201" in ids with input as testing.plan([sql({"ipv4_enabled": true, "require_ssl": true, "authorized_networks": [{"value": "203.0.113.0/24"}]})])
}

test_tf_gcp_202_flags_public_ip_without_tls if {
	paths["TF-GCP-202"] == {at(0, ["settings", 0, "ip_configuration", 0])} with input as testing.plan([sql({"ipv4_enabled": true, "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"})])
}

test_tf_gcp_202_allows_private_ip_or_tls if {
	not "TF-GCP-202" in ids with input as testing.plan([sql({"ipv4_enabled": false, "private_network": "projects/p/global/networks/n"})])
	not "TF-GCP-202" in ids with input as testing.plan([sql({"ipv4_enabled": true, "ssl_mode": "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"})])
	not "TF-GCP-202" in ids with input as testing.plan([sql({"ipv4_enabled": true, "require_ssl": true})])
}
