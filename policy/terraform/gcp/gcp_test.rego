package terraform.gcp_test

import data.lib.testing

ids(changes) := testing.ids("terraform.gcp", testing.plan(changes))

paths(changes, id) := testing.paths("terraform.gcp", testing.plan(changes), id)

at(i, rest) := testing.attribute_path(i, rest)

created(address, after) := testing.created(address, after)

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["terraform"]) {
		count(testing.ids("terraform.gcp", document)) == 0
	}
}

test_tf_gcp_001_flags_public_buckets if {
	paths([created("google_storage_bucket_iam_member.m", {"bucket": "b", "role": "roles/storage.objectViewer", "member": "allUsers"})], "TF-GCP-001") == {at(0, ["member"])}
	paths([created("google_storage_bucket_iam_binding.m", {"bucket": "b", "members": ["user:a@example.com", "allAuthenticatedUsers"]})], "TF-GCP-001") == {at(0, ["members", 1])}
	policy := json.marshal({"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]})
	paths([created("google_storage_bucket_iam_policy.p", {"bucket": "b", "policy_data": policy})], "TF-GCP-001") == {at(0, ["policy_data"])}
	paths([created("google_storage_bucket_access_control.a", {"bucket": "b", "entity": "allUsers", "role": "READER"})], "TF-GCP-001") == {at(0, ["entity"])}
	paths([created("google_storage_bucket_acl.a", {"bucket": "b", "role_entity": ["OWNER:user-a@example.com", "READER:allUsers"]})], "TF-GCP-001") == {at(0, ["role_entity", 1])}
}

test_tf_gcp_001_allows_named_members if {
	not "TF-GCP-001" in ids([created("google_storage_bucket_iam_member.m", {"bucket": "b", "member": "group:team@example.com"})])
}

test_tf_gcp_002_flags_fine_grained_access if {
	paths([created("google_storage_bucket.b", {"name": "b", "uniform_bucket_level_access": false})], "TF-GCP-002") == {at(0, ["uniform_bucket_level_access"])}
}

test_tf_gcp_002_allows_uniform_access if {
	not "TF-GCP-002" in ids([created("google_storage_bucket.b", {"name": "b", "uniform_bucket_level_access": true})])
}

firewall(after) := created("google_compute_firewall.fw", object.union({"name": "fw", "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"]}, after))

test_tf_gcp_101_flags_admin_ports if {
	paths([firewall({"allow": [{"protocol": "tcp", "ports": ["80", "22"]}]})], "TF-GCP-101") == {at(0, ["source_ranges", 0])}
	"TF-GCP-101" in ids([firewall({"allow": [{"protocol": "all"}]})])
	"TF-GCP-101" in ids([firewall({"allow": [{"protocol": "tcp", "ports": ["3000-4000"]}]})])
}

test_tf_gcp_101_allows_internal_sources_egress_and_disabled_rules if {
	not "TF-GCP-101" in ids([firewall({"source_ranges": ["10.0.0.0/8"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids([firewall({"direction": "EGRESS", "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids([firewall({"disabled": true, "allow": [{"protocol": "tcp", "ports": ["22"]}]})])
	not "TF-GCP-101" in ids([firewall({"allow": [{"protocol": "icmp"}]})])
}

test_tf_gcp_102_flags_other_ports if {
	changes := [firewall({"allow": [{"protocol": "tcp", "ports": ["443"]}]})]
	paths(changes, "TF-GCP-102") == {at(0, ["source_ranges", 0])}
	some r in testing.of_rule("terraform.gcp", testing.plan(changes), "TF-GCP-102")
	r.msg == "google_compute_firewall.fw: allows port 443 from 0.0.0.0/0"
}

test_tf_gcp_102_allows_internal_sources if {
	not "TF-GCP-102" in ids([firewall({"source_ranges": ["10.0.0.0/8"], "allow": [{"protocol": "tcp", "ports": ["443"]}]})])
}

sql(ip) := created("google_sql_database_instance.db", {"name": "db", "settings": [{"ip_configuration": [ip]}]})

test_tf_gcp_201_flags_world_authorized_network if {
	changes := [sql({"ipv4_enabled": true, "ssl_mode": "ENCRYPTED_ONLY", "authorized_networks": [{"name": "office", "value": "203.0.113.0/24"}, {"name": "all", "value": "0.0.0.0/0"}]})]
	paths(changes, "TF-GCP-201") == {at(0, ["settings", 0, "ip_configuration", 0, "authorized_networks", 1, "value"])}
}

test_tf_gcp_201_allows_specific_networks if {
	not "TF-GCP-201" in ids([sql({"ipv4_enabled": true, "require_ssl": true, "authorized_networks": [{"value": "203.0.113.0/24"}]})])
}

test_tf_gcp_202_flags_public_ip_without_tls if {
	paths([sql({"ipv4_enabled": true, "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"})], "TF-GCP-202") == {at(0, ["settings", 0, "ip_configuration", 0])}
}

test_tf_gcp_202_allows_private_ip_or_tls if {
	not "TF-GCP-202" in ids([sql({"ipv4_enabled": false, "private_network": "projects/p/global/networks/n"})])
	not "TF-GCP-202" in ids([sql({"ipv4_enabled": true, "ssl_mode": "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"})])
	not "TF-GCP-202" in ids([sql({"ipv4_enabled": true, "require_ssl": true})])
}
