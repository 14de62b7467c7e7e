# Cloud Storage buckets.
package terraform.gcp

import data.lib.terraform as tf
import data.lib.util

public_members := {"allUsers", "allAuthenticatedUsers"}

public_grants contains {"r": r, "member": r.after.member, "path": array.concat(r.path, ["member"])} if {
	some r in tf.of_type({"google_storage_bucket_iam_member"})
	r.after.member in public_members
}

public_grants contains {"r": r, "member": member, "path": array.concat(r.path, ["members", k])} if {
	some r in tf.of_type({"google_storage_bucket_iam_binding"})
	some k, member in util.array_at(r.after, ["members"])
	member in public_members
}

public_grants contains {"r": r, "member": member, "path": array.concat(r.path, ["policy_data"])} if {
	some r in tf.of_type({"google_storage_bucket_iam_policy"})
	is_string(r.after.policy_data)
	json.is_valid(r.after.policy_data)
	some binding in util.array_at(json.unmarshal(r.after.policy_data), ["bindings"])
	some member in util.array_at(binding, ["members"])
	member in public_members
}

public_grants contains {"r": r, "member": r.after.entity, "path": array.concat(r.path, ["entity"])} if {
	some r in tf.of_type({"google_storage_bucket_access_control", "google_storage_default_object_access_control", "google_storage_object_access_control"})
	r.after.entity in public_members
}

public_grants contains {"r": r, "member": entity, "path": array.concat(r.path, [field, k])} if {
	some r in tf.of_type({"google_storage_bucket_acl", "google_storage_object_acl", "google_storage_default_object_acl"})
	some field in ["role_entity"]
	some k, entity in util.array_at(r.after, [field])
	some member in public_members
	endswith(entity, concat("", [":", member]))
}

# METADATA
# title: Cloud Storage bucket is public
# description: >-
#   An IAM binding or ACL grants a role on the bucket or its objects to `allUsers` (anyone on the
#   internet) or `allAuthenticatedUsers` (anyone with a Google account).
# custom:
#   id: TF-GCP-001
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove the public member and grant roles to specific users, groups or service accounts; set
#     `public_access_prevention = "enforced"` on the bucket.
findings contains {
	"id": "TF-GCP-001",
	"msg": sprintf("%s: grants access to %s", [g.r.address, g.member]),
	"path": g.path,
} if some g in public_grants

# METADATA
# title: Uniform bucket-level access disabled
# description: >-
#   Without uniform bucket-level access, object ACLs can grant access that the bucket's IAM policy
#   does not show.
# custom:
#   id: TF-GCP-002
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Set `uniform_bucket_level_access = true` on the `google_storage_bucket`.
findings contains {
	"id": "TF-GCP-002",
	"msg": sprintf("%s: uniform bucket-level access is not enabled", [r.address]),
	"path": array.concat(r.path, ["uniform_bucket_level_access"]),
} if {
	some r in tf.of_type({"google_storage_bucket"})
	not tf.unknown(r, "uniform_bucket_level_access")
	object.get(r.after, "uniform_bucket_level_access", false) != true
}
