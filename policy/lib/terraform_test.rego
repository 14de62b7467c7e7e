# The indexed form of `links` (`link_keys`, `target_keys`, `reference_targets`) against the
# pairwise one it replaces in the rules.
package lib.terraform_test

import data.lib.terraform as tf
import data.lib.testing

test_terraform_reference_targets if {
	tf.reference_targets("aws_s3_bucket.logs[0].id") == {"aws_s3_bucket", "aws_s3_bucket.logs", "aws_s3_bucket.logs[0]", "aws_s3_bucket.logs[0].id"}
	tf.reference_targets("var.name") == {"var", "var.name"}
	every ref in ["aws_s3_bucket.logs", "aws_s3_bucket.logs.id", "aws_s3_bucket.logs[0].id", "aws_s3_bucket.logs_archive.id", "aws_s3_bucket"] {
		every target in ["aws_s3_bucket.logs", "aws_s3_bucket.logs_archive", "aws_s3_bucket", "aws_s3_bucket.log"] {
			listed := target in tf.reference_targets(ref)
			refers(ref, target) == listed
		}
	}
}

refers(ref, target) if tf.refers_to(ref, target)

else := false

# A resource change in a module.
module_change(module, type, name, after) := object.union(testing.created(concat(".", [module, type, name]), after), {"module_address": module, "type": type, "name": name})

# Buckets and bucket configurations linked by name, by reference (also in a module), and not at all.
link_plan := object.union(
	testing.plan([
		testing.created("aws_s3_bucket.a", {"bucket": "a"}),
		testing.created("aws_s3_bucket.logs", {}),
		testing.created("aws_s3_bucket.logs_archive", {"bucket": 5}),
		testing.created("aws_s3_bucket_versioning.by_name", {"bucket": "a"}),
		testing.created("aws_s3_bucket_versioning.by_ref", {}),
		testing.created("aws_s3_bucket_versioning.by_index", {}),
		testing.created("aws_s3_bucket_versioning.number", {"bucket": 5}),
		module_change("module.m", "aws_s3_bucket", "logs", {}),
		module_change("module.m", "aws_s3_bucket_versioning", "this", {}),
	]),
	{"configuration": {"root_module": {
		"resources": [
			{"address": "aws_s3_bucket_versioning.by_ref", "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}}},
			{"address": "aws_s3_bucket_versioning.by_index", "expressions": {"bucket": {"references": ["aws_s3_bucket.logs_archive[0].id"]}}},
		],
		"module_calls": {"m": {"module": {"resources": [{"address": "aws_s3_bucket_versioning.this", "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id"]}}}]}}},
	}}},
)

linked_pairs := {[from.address, to.address] |
	some from in tf.resources
	some to in tf.resources
	tf.links(from, "bucket", to, "bucket")
}

keyed_pairs := {[from.address, to.address] |
	some from in tf.resources
	some to in tf.resources
	count(tf.link_keys(from, "bucket") & tf.target_keys(to, "bucket")) > 0
}

# `link_keys` and `target_keys` share a key exactly for the pairs `links` relates.
test_terraform_link_keys_agree_with_links if {
	expected := {
		["aws_s3_bucket.a", "aws_s3_bucket.a"],
		["aws_s3_bucket.a", "aws_s3_bucket_versioning.by_name"],
		["aws_s3_bucket_versioning.by_name", "aws_s3_bucket.a"],
		["aws_s3_bucket_versioning.by_name", "aws_s3_bucket_versioning.by_name"],
		["aws_s3_bucket_versioning.by_ref", "aws_s3_bucket.logs"],
		["aws_s3_bucket_versioning.by_index", "aws_s3_bucket.logs_archive"],
		["module.m.aws_s3_bucket_versioning.this", "module.m.aws_s3_bucket.logs"],
	}
	linked_pairs == expected with input as link_plan
	keyed_pairs == expected with input as link_plan
}
