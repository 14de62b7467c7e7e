# METADATA
# title: Terraform on Azure
# description: >-
#   Terraform plans in JSON for the azurerm provider (versions 2 to 4, which renamed several
#   storage attributes): public storage, HTTPS-only access, network security groups and database
#   firewalls open to the internet. Exceptions name the resource `address`.
package terraform.azure

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
