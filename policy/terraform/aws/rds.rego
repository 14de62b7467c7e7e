# RDS databases: public access and encryption at rest.
package terraform.aws

import data.lib.terraform as tf

# METADATA
# title: RDS instance publicly accessible
# description: >-
#   `publicly_accessible = true` gives the database a public DNS name and IP address.
# custom:
#   id: TF-AWS-201
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Set `publicly_accessible = false` and reach the database from inside the VPC (or through a VPN
#     or Session Manager port forwarding).
findings contains {
	"id": "TF-AWS-201",
	"msg": sprintf("%s: the database instance is publicly accessible", [r.address]),
	"path": array.concat(r.path, ["publicly_accessible"]),
} if {
	some r in tf.of_type({"aws_db_instance", "aws_rds_cluster_instance"})
	r.after.publicly_accessible == true
}

# Databases that take their encryption from elsewhere: read replicas (from their source),
# Aurora instances (from their cluster) and Aurora Serverless v1 clusters (always encrypted).
inherits_encryption(r) if object.get(r.after, "replicate_source_db", null) != null

inherits_encryption(r) if {
	r.type == "aws_db_instance"
	startswith(object.get(r.after, "engine", ""), "aurora")
}

inherits_encryption(r) if r.after.engine_mode == "serverless"

# METADATA
# title: RDS storage not encrypted
# description: >-
#   The database's storage, backups and snapshots are not encrypted at rest
#   (`storage_encrypted` is not `true`). Encryption cannot be turned on later without
#   recreating the database.
# custom:
#   id: TF-AWS-202
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Set `storage_encrypted = true` (and `kms_key_id` for a customer-managed key).
findings contains {
	"id": "TF-AWS-202",
	"msg": sprintf("%s: the database storage is not encrypted", [r.address]),
	"path": array.concat(r.path, ["storage_encrypted"]),
} if {
	some r in tf.of_type({"aws_db_instance", "aws_rds_cluster"})
	not tf.unknown(r, "storage_encrypted")
	object.get(r.after, "storage_encrypted", false) != true
	not inherits_encryption(r)
}
