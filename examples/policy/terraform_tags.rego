# Terraform plans: every taggable resource names its owner. Written in the old Rego syntax
# (OPA 0.x: no `if`, no `contains`), as most policies written before 2025 are; policy-gate
# detects each file's Rego version, so old and new files live side by side.
package main

# A resource supports tags when its planned values have `tags_all` (the AWS provider's tags
# merged with the provider's default_tags).
taggable(change) {
	is_object(change.change.after.tags_all)
}

deny_owner_tag[result] {
	change := input.resource_changes[i]
	taggable(change)
	not change.change.after.tags.owner
	result := {
		"msg": sprintf("%s has no owner tag", [change.address]),
		"id": "ORG-TF-001",
		"path": ["resource_changes", i, "change", "after"],
	}
}
