# METADATA
# title: Terraform on Google Cloud
# description: >-
#   Terraform plans in JSON for the Google provider: public Cloud Storage buckets, firewall rules
#   open to the internet, and Cloud SQL instances reachable from anywhere. Exceptions name the
#   resource `address`.
package terraform.gcp

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
