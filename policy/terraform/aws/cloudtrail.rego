# CloudTrail: the account's audit log.
package terraform.aws

import data.lib.terraform as tf

trails := tf.of_type({"aws_cloudtrail"})

# METADATA
# title: CloudTrail logging disabled
# description: >-
#   `enable_logging = false` stops the trail: API activity is no longer recorded.
# custom:
#   id: TF-AWS-501
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `enable_logging = true` (or remove it; it defaults to true).
findings contains {
	"id": "TF-AWS-501",
	"msg": sprintf("%s: the trail does not log", [r.address]),
	"path": array.concat(r.path, ["enable_logging"]),
} if {
	some r in trails
	r.after.enable_logging == false
}

# METADATA
# title: CloudTrail log file validation disabled
# description: >-
#   Without log file validation, changes to or deletion of the delivered log files cannot be
#   detected.
# custom:
#   id: TF-AWS-502
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Set `enable_log_file_validation = true`.
findings contains {
	"id": "TF-AWS-502",
	"msg": sprintf("%s: log file validation is not enabled", [r.address]),
	"path": array.concat(r.path, ["enable_log_file_validation"]),
} if {
	some r in trails
	not tf.unknown(r, "enable_log_file_validation")
	object.get(r.after, "enable_log_file_validation", false) != true
}

# METADATA
# title: CloudTrail logs not encrypted with KMS
# description: >-
#   Without `kms_key_id` the logs are only encrypted with S3-managed keys: anyone who can read the
#   bucket can read the account's activity.
# custom:
#   id: TF-AWS-503
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Set `kms_key_id` to a customer-managed KMS key whose policy allows CloudTrail to encrypt and
#     your auditors to decrypt.
findings contains {
	"id": "TF-AWS-503",
	"msg": sprintf("%s: the logs are not encrypted with a KMS key", [r.address]),
	"path": array.concat(r.path, ["kms_key_id"]),
} if {
	some r in trails
	not tf.unknown(r, "kms_key_id")
	object.get(r.after, "kms_key_id", null) in {null, ""}
}

# METADATA
# title: CloudTrail not multi-region
# description: >-
#   A single-region trail misses activity in the other regions, where attackers like to start
#   resources.
# custom:
#   id: TF-AWS-504
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Set `is_multi_region_trail = true`.
findings contains {
	"id": "TF-AWS-504",
	"msg": sprintf("%s: the trail only records its own region", [r.address]),
	"path": array.concat(r.path, ["is_multi_region_trail"]),
} if {
	some r in trails
	object.get(r.after, "is_multi_region_trail", false) != true
}
