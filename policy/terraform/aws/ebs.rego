# EBS volumes: encryption at rest.
package terraform.aws

import data.lib.terraform as tf
import data.lib.util

# Account-wide EBS encryption by default, enabled in the same plan. (Always defined, so that
# OPA's WASM memoizes it: it does not memoize a rule's being undefined.)
default encrypted_by_default := false

encrypted_by_default if {
	some r in tf.of_type({"aws_ebs_encryption_by_default"})
	object.get(r.after, "enabled", true) != false
}

unencrypted_volumes contains {"r": r, "detail": "the volume is not encrypted", "path": array.concat(r.path, ["encrypted"])} if {
	some r in tf.of_type({"aws_ebs_volume"})
	not tf.unknown(r, "encrypted")
	object.get(r.after, "encrypted", false) != true
}

unencrypted_volumes contains {
	"r": r,
	"detail": sprintf("the %s is not encrypted", [replace(block, "_", " ")]),
	"path": array.concat(r.path, [block, j, "encrypted"]),
} if {
	some r in tf.of_type({"aws_instance"})
	some block in ["root_block_device", "ebs_block_device"]
	some j, device in util.array_at(r.after, [block])
	not r.unknown[block][j].encrypted == true
	object.get(device, "encrypted", false) != true
}

# METADATA
# title: EBS volume not encrypted
# description: >-
#   An EBS volume (or a block device declared on an instance) is not encrypted at rest, and
#   neither is EBS encryption by default enabled in the same plan.
# custom:
#   id: TF-AWS-301
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `encrypted = true` on the volume or block device, or enable
#     `aws_ebs_encryption_by_default` for the account and region.
findings contains {
	"id": "TF-AWS-301",
	"msg": sprintf("%s: %s", [v.r.address, v.detail]),
	"path": v.path,
} if {
	not encrypted_by_default
	some v in unencrypted_volumes
}
