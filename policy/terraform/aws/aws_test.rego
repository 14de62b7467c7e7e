package terraform.aws_test

import data.lib.testing

# What the package reports for the document in `input` (tests set it with `with input as`).
# These are rules, not functions: `opa build -t wasm` rejects a function that depends on a rule
# evaluated under `with data.…`, and the library, tests included, must build to WASM.
results := data.terraform.aws.deny | data.terraform.aws.warn

ids := {r.id | some r in results}

warning_ids := {r.id | some r in data.terraform.aws.warn}

by_id := {id: {r | some r in results; r.id == id} | some id in ids}

paths := {id: {r.path | some r in by_id[id]} | some id in ids}

at(i, rest) := testing.attribute_path(i, rest)

created(address, after) := testing.created(address, after)

# A bucket that passes every S3 rule, configured with the provider 4+ resources.
good_bucket := [
	created("aws_s3_bucket.b", {"bucket": "data", "acl": null, "grant": []}),
	created("aws_s3_bucket_public_access_block.b", {"bucket": "data", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
	created("aws_s3_bucket_server_side_encryption_configuration.b", {"bucket": "data", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}),
	created("aws_s3_bucket_versioning.b", {"bucket": "data", "versioning_configuration": [{"status": "Enabled"}]}),
]

test_compliant_bucket_has_no_findings if {
	count(ids) == 0 with input as testing.plan(good_bucket)
}

test_other_documents_are_ignored if {
	every document in object.remove(testing.foreign_documents, ["terraform"]) {
		count(ids) == 0 with input as document
	}
	count(ids) == 0 with input as {"resource": {"aws_s3_bucket": {"b": {"acl": "public-read"}}}}
}

test_deleted_resources_are_not_checked if {
	deleted := testing.change("aws_s3_bucket.old", ["delete"], null, {})
	count(ids) == 0 with input as testing.plan([deleted])
	replaced := testing.change("aws_ebs_volume.v", ["delete", "create"], {"encrypted": false}, {})
	"TF-AWS-301" in ids with input as testing.plan([replaced])
}

test_tf_aws_001_flags_public_acl if {
	paths["TF-AWS-001"] == {at(0, ["acl"])} with input as testing.plan([created("aws_s3_bucket.b", {"bucket": "b", "acl": "public-read"})])
	paths["TF-AWS-001"] == {at(0, ["acl"])} with input as testing.plan([created("aws_s3_bucket_acl.b", {"bucket": "b", "acl": "public-read-write"})])
	grant := {"bucket": "b", "grant": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ"]}]}
	paths["TF-AWS-001"] == {at(0, ["grant", 0, "uri"])} with input as testing.plan([created("aws_s3_bucket.b", grant)])
	acp := {"bucket": "b", "access_control_policy": [{"grant": [{"grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}], "permission": "READ"}]}]}
	paths["TF-AWS-001"] == {at(0, ["access_control_policy", 0, "grant", 0, "grantee", 0, "uri"])} with input as testing.plan([created("aws_s3_bucket_acl.b", acp)])
}

test_tf_aws_001_allows_private_acl if {
	not "TF-AWS-001" in ids with input as testing.plan([created("aws_s3_bucket_acl.b", {"bucket": "b", "acl": "private"})])
}

policy(statement) := json.marshal({"Version": "2012-10-17", "Statement": statement})

test_tf_aws_002_flags_public_bucket_policy if {
	public := policy([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}])
	paths["TF-AWS-002"] == {at(0, ["policy"])} with input as testing.plan([created("aws_s3_bucket_policy.b", {"bucket": "b", "policy": public})])
	aws_star := policy({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Resource": "*"})
	"TF-AWS-002" in ids with input as testing.plan([created("aws_s3_bucket.b", {"bucket": "b", "policy": aws_star})])
}

test_tf_aws_002_allows_conditions_named_principals_and_denies if {
	conditioned := policy([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}])
	named := policy([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "*"}])
	deny := policy([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}])
	every p in [conditioned, named, deny, "not json", null] {
		not "TF-AWS-002" in ids with input as testing.plan([created("aws_s3_bucket_policy.b", {"bucket": "b", "policy": p})])
	}
}

test_tf_aws_003_flags_bucket_without_public_access_block if {
	changes := [good_bucket[0], good_bucket[2], good_bucket[3]]
	paths["TF-AWS-003"] == {["resource_changes", 0, "change", "after"]} with input as testing.plan(changes)
	"TF-AWS-003" in warning_ids with input as testing.plan(changes)
}

test_tf_aws_003_allows_linked_or_account_wide_block if {
	not "TF-AWS-003" in ids with input as testing.plan(good_bucket)
	account := created("aws_s3_account_public_access_block.a", {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})
	not "TF-AWS-003" in ids with input as testing.plan([good_bucket[0], account])
}

# A plan whose module "logs" configures a public access block with the given bucket references.
module_plan(changes, references) := object.union(testing.plan(changes), {"configuration": {"root_module": {"module_calls": {"logs": {"module": {"resources": [
	{"address": "aws_s3_bucket.this", "type": "aws_s3_bucket", "name": "this"},
	{"address": "aws_s3_bucket_public_access_block.this", "type": "aws_s3_bucket_public_access_block", "name": "this", "expressions": {"bucket": {"references": references}}},
]}}}}}})

# With a computed bucket name, the link is found in the plan's configuration.
test_tf_aws_003_allows_block_linked_by_reference_in_a_module if {
	bucket := object.union(testing.change("module.logs.aws_s3_bucket.this", ["create"], {"bucket_prefix": "logs-"}, {"bucket": true}), {"module_address": "module.logs", "type": "aws_s3_bucket", "name": "this"})
	block := object.union(testing.change("module.logs.aws_s3_bucket_public_access_block.this", ["create"], {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}, {"bucket": true}), {"module_address": "module.logs", "type": "aws_s3_bucket_public_access_block", "name": "this"})
	not "TF-AWS-003" in ids with input as module_plan([bucket, block], ["aws_s3_bucket.this.id", "aws_s3_bucket.this"])
	"TF-AWS-003" in ids with input as module_plan([bucket, block], ["aws_s3_bucket.other.id"])
}

test_tf_aws_004_flags_disabled_block_settings if {
	block := created("aws_s3_bucket_public_access_block.b", {"bucket": "data", "block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true})
	paths["TF-AWS-004"] == {at(1, ["block_public_policy"]), at(1, ["restrict_public_buckets"])} with input as testing.plan([good_bucket[0], block])
}

test_tf_aws_004_allows_enabled_or_unknown_settings if {
	unknown := testing.change("aws_s3_bucket_public_access_block.b", ["create"], {"bucket": "data", "block_public_acls": true, "ignore_public_acls": true, "restrict_public_buckets": true}, {"block_public_policy": true})
	not "TF-AWS-004" in ids with input as testing.plan([good_bucket[0], unknown])
}

test_tf_aws_005_flags_unencrypted_bucket if {
	paths["TF-AWS-005"] == {["resource_changes", 0, "change", "after"]} with input as testing.plan([good_bucket[0], good_bucket[1], good_bucket[3]])
}

test_tf_aws_005_allows_inline_or_unknown_encryption if {
	inline := created("aws_s3_bucket.b", {"bucket": "b", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}]})
	not "TF-AWS-005" in ids with input as testing.plan([inline])
	computed := testing.change("aws_s3_bucket.b", ["create"], {"bucket": "b"}, {"server_side_encryption_configuration": true})
	not "TF-AWS-005" in ids with input as testing.plan([computed])
}

test_tf_aws_006_flags_versioning_off if {
	paths["TF-AWS-006"] == {["resource_changes", 0, "change", "after"]} with input as testing.plan([good_bucket[0], good_bucket[1], good_bucket[2]])
	suspended := created("aws_s3_bucket_versioning.b", {"bucket": "data", "versioning_configuration": [{"status": "Suspended"}]})
	paths["TF-AWS-006"] == {at(1, ["versioning_configuration", 0, "status"])} with input as testing.plan([good_bucket[0], suspended])
}

test_tf_aws_006_allows_inline_versioning if {
	not "TF-AWS-006" in ids with input as testing.plan([created("aws_s3_bucket.b", {"bucket": "b", "versioning": [{"enabled": true}]})])
}

sg(ingress) := created("aws_security_group.web", {"name": "web", "ingress": ingress})

rule(from, to, protocol, cidrs, ipv6) := {"from_port": from, "to_port": to, "protocol": protocol, "cidr_blocks": cidrs, "ipv6_cidr_blocks": ipv6}

test_tf_aws_101_flags_admin_ports_open_to_the_world if {
	paths["TF-AWS-101"] == {at(0, ["ingress", 0, "cidr_blocks", 0])} with input as testing.plan([sg([rule(22, 22, "tcp", ["0.0.0.0/0"], [])])])
	paths["TF-AWS-101"] == {at(0, ["ingress", 0, "ipv6_cidr_blocks", 0])} with input as testing.plan([sg([rule(0, 0, "-1", [], ["::/0"])])])
	standalone := created("aws_security_group_rule.rdp", {"type": "ingress", "from_port": 3000, "to_port": 4000, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]})
	paths["TF-AWS-101"] == {at(0, ["cidr_blocks", 1])} with input as testing.plan([standalone])
	vpc_rule := created("aws_vpc_security_group_ingress_rule.ssh", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"})
	paths["TF-AWS-101"] == {at(0, ["cidr_ipv4"])} with input as testing.plan([vpc_rule])
	results_1 := by_id["TF-AWS-101"] with input as testing.plan([sg([rule(0, 0, "-1", ["0.0.0.0/0"], [])])])
	some r in results_1
	r.msg == "aws_security_group.web: ingress from 0.0.0.0/0 reaches all ports (SSH and RDP)"
}

test_tf_aws_101_allows_private_sources_and_icmp if {
	not "TF-AWS-101" in ids with input as testing.plan([sg([rule(22, 22, "tcp", ["10.0.0.0/8"], [])])])
	not "TF-AWS-101" in ids with input as testing.plan([sg([rule(-1, -1, "icmp", ["0.0.0.0/0"], [])])])
	not "TF-AWS-101" in ids with input as testing.plan([created("aws_security_group_rule.out", {"type": "egress", "from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]})])
}

test_tf_aws_102_flags_other_ports_open_to_the_world if {
	changes := [sg([rule(443, 443, "tcp", ["0.0.0.0/0"], [])])]
	paths["TF-AWS-102"] == {at(0, ["ingress", 0, "cidr_blocks", 0])} with input as testing.plan(changes)
	"TF-AWS-102" in warning_ids with input as testing.plan(changes)
}

test_tf_aws_102_allows_admin_ports_reported_once if {
	not "TF-AWS-102" in ids with input as testing.plan([sg([rule(22, 22, "tcp", ["0.0.0.0/0"], [])])])
}

test_tf_aws_201_flags_public_database if {
	paths["TF-AWS-201"] == {at(0, ["publicly_accessible"])} with input as testing.plan([created("aws_db_instance.db", {"publicly_accessible": true, "storage_encrypted": true})])
}

test_tf_aws_201_allows_private_database if {
	not "TF-AWS-201" in ids with input as testing.plan([created("aws_rds_cluster_instance.db", {"publicly_accessible": false})])
}

test_tf_aws_202_flags_unencrypted_storage if {
	paths["TF-AWS-202"] == {at(0, ["storage_encrypted"])} with input as testing.plan([created("aws_db_instance.db", {"engine": "postgres", "storage_encrypted": false})])
	"TF-AWS-202" in ids with input as testing.plan([created("aws_rds_cluster.db", {"engine": "aurora-postgresql", "engine_mode": "provisioned"})])
}

test_tf_aws_202_allows_encrypted_and_inherited_encryption if {
	every after in [
		{"engine": "postgres", "storage_encrypted": true},
		{"engine": "postgres", "replicate_source_db": "primary"},
		{"engine": "aurora-mysql"},
	] {
		not "TF-AWS-202" in ids with input as testing.plan([created("aws_db_instance.db", after)])
	}
	not "TF-AWS-202" in ids with input as testing.plan([created("aws_rds_cluster.db", {"engine_mode": "serverless"})])
	not "TF-AWS-202" in ids with input as testing.plan([testing.change("aws_db_instance.db", ["create"], {"engine": "postgres"}, {"storage_encrypted": true})])
}

test_tf_aws_301_flags_unencrypted_volumes if {
	paths["TF-AWS-301"] == {at(0, ["encrypted"])} with input as testing.plan([created("aws_ebs_volume.v", {"size": 10, "encrypted": false})])
	instance := created("aws_instance.i", {"root_block_device": [{"encrypted": true}], "ebs_block_device": [{"device_name": "/dev/sdf", "encrypted": false}]})
	paths["TF-AWS-301"] == {at(0, ["ebs_block_device", 0, "encrypted"])} with input as testing.plan([instance])
}

test_tf_aws_301_allows_encrypted_volumes_and_encryption_by_default if {
	not "TF-AWS-301" in ids with input as testing.plan([created("aws_ebs_volume.v", {"encrypted": true})])
	by_default := created("aws_ebs_encryption_by_default.on", {"enabled": true})
	not "TF-AWS-301" in ids with input as testing.plan([created("aws_ebs_volume.v", {"encrypted": false}), by_default])
	computed := testing.change("aws_instance.i", ["create"], {"root_block_device": [{}]}, {"root_block_device": [{"encrypted": true}]})
	not "TF-AWS-301" in ids with input as testing.plan([computed])
}

test_tf_aws_401_flags_every_action if {
	admin := policy([{"Effect": "Allow", "Action": ["*"], "Resource": "*"}])
	paths["TF-AWS-401"] == {at(0, ["policy"])} with input as testing.plan([created("aws_iam_policy.admin", {"policy": admin})])
	role := created("aws_iam_role.r", {"inline_policy": [{"name": "all", "policy": policy({"Effect": "Allow", "Action": "*:*", "Resource": "*"})}]})
	paths["TF-AWS-401"] == {at(0, ["inline_policy", 0, "policy"])} with input as testing.plan([role])
	not "TF-AWS-402" in ids with input as testing.plan([role])
}

test_tf_aws_401_allows_scoped_actions if {
	not "TF-AWS-401" in ids with input as testing.plan([created("aws_iam_role_policy.p", {"policy": policy([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}])})])
	not "TF-AWS-401" in ids with input as testing.plan([created("aws_iam_user_policy.p", {"policy": policy([{"Effect": "Deny", "Action": "*", "Resource": "*"}])})])
}

test_tf_aws_402_flags_every_resource if {
	changes := [created("aws_iam_group_policy.p", {"policy": policy([{"Effect": "Allow", "Action": ["ec2:DescribeInstances", "s3:GetObject"], "Resource": "*"}])})]
	paths["TF-AWS-402"] == {at(0, ["policy"])} with input as testing.plan(changes)
	results_2 := by_id["TF-AWS-402"] with input as testing.plan(changes)
	some r in results_2
	contains(r.msg, "allows s3:GetObject on every resource")
}

test_tf_aws_402_allows_listing_on_every_resource if {
	not "TF-AWS-402" in ids with input as testing.plan([created("aws_iam_policy.p", {"policy": policy([{"Effect": "Allow", "Action": ["ec2:Describe*", "s3:ListAllMyBuckets"], "Resource": "*"}])})])
}

trail(after) := created("aws_cloudtrail.main", object.union({"enable_logging": true, "enable_log_file_validation": true, "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/1", "is_multi_region_trail": true}, after))

test_tf_aws_501_flags_logging_disabled if {
	paths["TF-AWS-501"] == {at(0, ["enable_logging"])} with input as testing.plan([trail({"enable_logging": false})])
}

test_tf_aws_501_allows_compliant_trail if {
	count(ids) == 0 with input as testing.plan([trail({})])
}

test_tf_aws_502_flags_validation_disabled if {
	paths["TF-AWS-502"] == {at(0, ["enable_log_file_validation"])} with input as testing.plan([trail({"enable_log_file_validation": false})])
}

test_tf_aws_502_allows_validation if {
	not "TF-AWS-502" in ids with input as testing.plan([trail({})])
}

test_tf_aws_503_flags_missing_kms_key if {
	paths["TF-AWS-503"] == {at(0, ["kms_key_id"])} with input as testing.plan([trail({"kms_key_id": null})])
}

test_tf_aws_503_allows_computed_key if {
	not "TF-AWS-503" in ids with input as testing.plan([testing.change("aws_cloudtrail.main", ["create"], {"enable_log_file_validation": true, "is_multi_region_trail": true}, {"kms_key_id": true})])
}

test_tf_aws_504_flags_single_region_trail if {
	paths["TF-AWS-504"] == {at(0, ["is_multi_region_trail"])} with input as testing.plan([trail({"is_multi_region_trail": false})])
}

test_tf_aws_504_allows_multi_region_trail if {
	not "TF-AWS-504" in ids with input as testing.plan([trail({})])
}

test_exceptions_name_terraform_addresses if {
	changes := [created("aws_ebs_volume.scratch", {"encrypted": false}), created("aws_ebs_volume.data", {"encrypted": false})]
	settings := {"exceptions": [{"rule": "TF-AWS-301", "address": "aws_ebs_volume.scratch", "reason": "Throwaway", "approved_by": "sec"}]}
	results := data.terraform.aws.deny with input as testing.plan(changes) with data.policy_gate as settings
	[r.path | some r in results] == [at(1, ["encrypted"])]
}
