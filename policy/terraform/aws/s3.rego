# S3 buckets: public access, encryption and versioning.
package terraform.aws

import data.lib.terraform as tf
import data.lib.util

buckets := tf.of_type({"aws_s3_bucket"})

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_grantees := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

public_acl_settings contains {"r": r, "detail": sprintf("the canned ACL %s", [r.after.acl]), "path": array.concat(r.path, ["acl"])} if {
	some r in tf.of_type({"aws_s3_bucket", "aws_s3_bucket_acl"})
	r.after.acl in public_acls
}

public_acl_settings contains {"r": r, "detail": sprintf("a grant to %s", [grant.uri]), "path": array.concat(r.path, ["grant", i, "uri"])} if {
	some r in buckets
	some i, grant in util.array_at(r.after, ["grant"])
	grant.uri in public_grantees
}

public_acl_settings contains {
	"r": r,
	"detail": sprintf("a grant to %s", [grantee.uri]),
	"path": array.concat(r.path, ["access_control_policy", i, "grant", j, "grantee", k, "uri"]),
} if {
	some r in tf.of_type({"aws_s3_bucket_acl"})
	some i, policy in util.array_at(r.after, ["access_control_policy"])
	some j, grant in util.array_at(policy, ["grant"])
	some k, grantee in util.array_at(grant, ["grantee"])
	grantee.uri in public_grantees
}

# METADATA
# title: S3 bucket ACL is public
# description: >-
#   A public canned ACL (`public-read`, `public-read-write`, `authenticated-read`) or a grant to
#   the AllUsers or AuthenticatedUsers groups lets anyone (with any AWS account) read or write
#   the bucket.
# custom:
#   id: TF-AWS-001
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Use the `private` ACL (or disable ACLs with object ownership `BucketOwnerEnforced`) and grant
#     access through IAM or a bucket policy naming the principals; serve public content through
#     CloudFront with origin access control.
findings contains {
	"id": "TF-AWS-001",
	"msg": sprintf("%s: %s makes the bucket public", [s.r.address, s.detail]),
	"path": s.path,
} if some s in public_acl_settings

# The statements of an IAM policy document held as a JSON string.
policy_statements(text) := util.as_array(document.Statement) if {
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
}

public_principal("*")

public_principal(principal) if "*" in util.as_array(principal.AWS)

# METADATA
# title: S3 bucket policy allows anyone
# description: >-
#   A bucket policy statement that allows the principal `*` without a condition opens the bucket
#   to everyone on the internet.
# custom:
#   id: TF-AWS-002
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Name the principals that need access, or add a `Condition` (such as `aws:SourceVpce`,
#     `aws:PrincipalOrgID` or `aws:SourceArn` for CloudFront) that restricts the statement.
findings contains {
	"id": "TF-AWS-002",
	"msg": sprintf("%s: the bucket policy allows %s to anyone (Principal \"*\", no Condition)", [r.address, concat(", ", util.as_array(object.get(statement, "Action", "all actions")))]),
	"path": array.concat(r.path, ["policy"]),
} if {
	some r in tf.of_type({"aws_s3_bucket", "aws_s3_bucket_policy"})
	some statement in policy_statements(r.after.policy)
	statement.Effect == "Allow"
	public_principal(statement.Principal)
	not has_condition(statement)
}

has_condition(statement) if count(object.get(statement, "Condition", {})) > 0

public_access_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

# Defaults to false so that it is always defined: OPA's WASM memoizes a rule's value but not its
# being undefined, and TF-AWS-003 asks for it once for every bucket.
default has_account_public_access_block := false

has_account_public_access_block if {
	some r in tf.of_type({"aws_s3_account_public_access_block"})
	every flag in public_access_flags {
		r.after[flag] == true
	}
}

# The resources that configure a bucket through their `bucket` argument, as [type, key] for
# each of their `tf.link_keys`: built once per plan, so that finding what configures a bucket is a
# lookup (`tf.links` for every bucket and every such resource is quadratic).
bucket_configuration_types := {
	"aws_s3_bucket_public_access_block",
	"aws_s3_bucket_server_side_encryption_configuration",
	"aws_s3_bucket_versioning",
}

bucket_configurations contains [r.type, key] if {
	some r in tf.of_type(bucket_configuration_types)
	some key in tf.link_keys(r, "bucket")
}

# Whether a resource of one of the types (among bucket_configuration_types) configures the
# bucket: `tf.links(r, "bucket", bucket, "bucket")` for one of them.
configured_by(bucket, types) if {
	some type in types
	some key in tf.target_keys(bucket, "bucket")
	bucket_configurations[[type, key]]
}

# METADATA
# title: S3 bucket without a public access block
# description: >-
#   Without an `aws_s3_bucket_public_access_block` (or an account-wide
#   `aws_s3_account_public_access_block` in the same plan), a later ACL or policy change can make
#   the bucket public.
# custom:
#   id: TF-AWS-003
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Add an `aws_s3_bucket_public_access_block` for the bucket with all four settings `true`, or
#     block public access for the whole account.
findings contains {
	"id": "TF-AWS-003",
	"msg": sprintf("%s: the bucket has no public access block", [r.address]),
	"path": r.path,
} if {
	some r in buckets
	not has_account_public_access_block
	not configured_by(r, {"aws_s3_bucket_public_access_block"})
}

# METADATA
# title: S3 public access block disabled
# description: >-
#   A public access block with one of its four settings off lets public ACLs or policies take
#   effect.
# custom:
#   id: TF-AWS-004
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `block_public_acls`, `block_public_policy`, `ignore_public_acls` and
#     `restrict_public_buckets` to `true`.
findings contains {
	"id": "TF-AWS-004",
	"msg": sprintf("%s: %s is not enabled", [r.address, flag]),
	"path": array.concat(r.path, [flag]),
} if {
	some r in tf.of_type({"aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"})
	some flag in public_access_flags
	not tf.unknown(r, flag)
	object.get(r.after, flag, false) != true
}

# METADATA
# title: S3 bucket encryption not configured
# description: >-
#   The bucket has no server-side encryption configuration, neither inline
#   (`server_side_encryption_configuration`) nor as an
#   `aws_s3_bucket_server_side_encryption_configuration`. (AWS applies SSE-S3 to new buckets since
#   2023, but the configuration makes the choice explicit and allows KMS keys.)
# custom:
#   id: TF-AWS-005
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Add an `aws_s3_bucket_server_side_encryption_configuration` (or, with provider 3, a
#     `server_side_encryption_configuration` block) with `sse_algorithm` `aws:kms` or `AES256`.
findings contains {
	"id": "TF-AWS-005",
	"msg": sprintf("%s: the bucket has no server-side encryption configuration", [r.address]),
	"path": r.path,
} if {
	some r in buckets
	not tf.unknown(r, "server_side_encryption_configuration")
	count(util.array_at(r.after, ["server_side_encryption_configuration"])) == 0
	not configured_by(r, {"aws_s3_bucket_server_side_encryption_configuration"})
}

versioning_gaps contains {"r": r, "detail": "versioning is not enabled", "path": r.path} if {
	some r in buckets
	not tf.unknown(r, "versioning")
	not r.after.versioning[0].enabled == true
	not configured_by(r, {"aws_s3_bucket_versioning"})
}

versioning_gaps contains {
	"r": r,
	"detail": sprintf("versioning is %s", [status]),
	"path": array.concat(r.path, ["versioning_configuration", 0, "status"]),
} if {
	some r in tf.of_type({"aws_s3_bucket_versioning"})
	status := r.after.versioning_configuration[0].status
	status != "Enabled"
}

# METADATA
# title: S3 bucket versioning disabled
# description: >-
#   Without versioning, an overwritten or deleted object cannot be recovered, whether by mistake
#   or by ransomware.
# custom:
#   id: TF-AWS-006
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add an `aws_s3_bucket_versioning` with `status = "Enabled"` (provider 3, `versioning { enabled
#     = true }`), and a lifecycle rule to expire old versions.
findings contains {
	"id": "TF-AWS-006",
	"msg": sprintf("%s: %s", [g.r.address, g.detail]),
	"path": g.path,
} if some g in versioning_gaps
