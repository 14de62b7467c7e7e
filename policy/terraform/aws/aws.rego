# METADATA
# title: Terraform on AWS
# description: >-
#   Terraform plans in JSON (`terraform plan -out plan && terraform show -json plan > plan.json`),
#   for the AWS provider, versions 3 to 5: attributes set on the resource itself (`acl` on
#   `aws_s3_bucket`) and the separate resources that replaced them (`aws_s3_bucket_acl`). A
#   resource that is being deleted is not checked, and an attribute Terraform only knows after
#   the apply is given the benefit of the doubt. Exceptions name the resource `address`.
package terraform.aws

import data.lib.result
import data.lib.terraform as tf

deny contains r if {
	tf.is_plan
	some finding in findings
	some r in result.denials(finding, tf.resource_of(finding))
}

warn contains r if {
	tf.is_plan
	some finding in findings
	some r in result.warnings(finding, tf.resource_of(finding))
}
