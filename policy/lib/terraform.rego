# METADATA
# title: Terraform plans
# description: >-
#   Reads a plan in the JSON form `terraform show -json` prints: the resources that will exist
#   after the apply (`resource_changes[].change.after`), with the path to each, and the references
#   between resources from the plan's `configuration` (needed where an attribute is only known
#   after apply, such as the bucket of an `aws_s3_bucket_versioning`).
package lib.terraform

import data.lib.util

is_plan if {
	is_object(input)
	is_string(input.format_version)
	is_array(input.resource_changes)
}

# Managed resources that exist after the apply (created, updated, replaced or kept; a deleted
# resource has no `after`), with their planned attributes (`after`), the attributes Terraform
# only knows after the apply (`unknown`), and the path to `after` in the document.
resources contains {
	"index": i,
	"type": change.type,
	"name": object.get(change, "name", ""),
	"address": change.address,
	"module": object.get(change, "module_address", ""),
	"after": change.change.after,
	"unknown": util.object_at(change, ["change", "after_unknown"]),
	"path": ["resource_changes", i, "change", "after"],
} if {
	is_plan
	some i, change in input.resource_changes
	object.get(change, "mode", "managed") == "managed"
	is_object(change.change.after)
}

of_type(types) := {r | some r in resources; r.type in types}

# How exceptions identify the resource: its address in the plan.
resource_of(finding) := {"address": input.resource_changes[finding.path[1]].address}

# Whether Terraform only knows the attribute after the apply.
unknown(r, attribute) if r.unknown[attribute] == true

# The resource's entry in the plan's configuration, found through its module path.
configuration(r) := entry if {
	modules := [m[1] | some m in regex.find_all_string_submatch_n(`module\.([^.\[]+)`, r.module, -1)]
	steps := [step | some name in modules; some step in ["module_calls", name, "module"]]
	path := array.concat(array.concat(["configuration", "root_module"], steps), ["resources"])
	some entry in util.array_at(input, path)
	entry.address == concat(".", [r.type, r.name])
}

# The references an attribute's expression makes in the configuration (`aws_s3_bucket.logs.id`).
references(r, attribute) := {ref | some ref in util.array_at(configuration(r), ["expressions", attribute, "references"])}

# Whether resource `from` points at resource `to` through an attribute: by the planned value
# when both are known (`bucket = "my-logs"`), else by the configuration's references.
links(from, attribute, to, to_attribute) if {
	value := from.after[attribute]
	is_string(value)
	value == to.after[to_attribute]
}

links(from, attribute, to, _) if {
	from.module == to.module
	target := concat(".", [to.type, to.name])
	some ref in references(from, attribute)
	refers_to(ref, target)
}

refers_to(ref, target) if ref == target

refers_to(ref, target) if startswith(ref, concat("", [target, "."]))

refers_to(ref, target) if startswith(ref, concat("", [target, "["]))
