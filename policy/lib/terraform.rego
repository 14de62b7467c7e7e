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

# The path to the resources of a module in the plan's configuration, from the module's address
# (`module.a[0].module.b` → configuration.root_module.module_calls.a.module.module_calls.b.module).
configuration_path(module) := path if {
	names := [m[1] | some m in regex.find_all_string_submatch_n(`module\.([^.\[]+)`, module, -1)]
	steps := [step | some name in names; some step in ["module_calls", name, "module"]]
	path := array.concat(array.concat(["configuration", "root_module"], steps), ["resources"])
}

# The configuration's entries of the modules that hold resources, by module address and address
# in the module (`aws_s3_bucket.logs`): built once, so that a resource's entry is a lookup rather
# than a scan of its module (OPA's WASM memoizes rules, not functions).
configuration_entries := {[module, entry.address]: entry |
	some module in {r.module | some r in resources}
	some entry in util.array_at(input, configuration_path(module))
}

# The resource's entry in the plan's configuration, found through its module path.
configuration(r) := configuration_entries[[r.module, concat(".", [r.type, r.name])]]

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

# The same relation as `links`, as keys to index once and look up: `link_keys(from, attribute)`
# and `target_keys(to, to_attribute)` share a key exactly when `links(from, attribute, to,
# to_attribute)`. A rule that collects the link keys of every resource that can point at a
# target answers "does anything point at this one" with a lookup per target, where calling
# `links` for every pair is quadratic.
link_keys(from, attribute) := {key |
	value := from.after[attribute]
	is_string(value)
	key := ["value", value]
} | {key |
	some ref in references(from, attribute)
	some target in reference_targets(ref)
	key := ["reference", from.module, target]
}

target_keys(to, to_attribute) := {["reference", to.module, concat(".", [to.type, to.name])]} | {key |
	value := to.after[to_attribute]
	is_string(value)
	key := ["value", value]
}

# Every target a reference refers to: itself and each of its prefixes that ends before a `.` or
# a `[` (`aws_s3_bucket.logs[0].id` → `aws_s3_bucket`, `aws_s3_bucket.logs`,
# `aws_s3_bucket.logs[0]`, and itself), so that `refers_to(ref, target)` exactly when `target` is
# one of them.
reference_targets(ref) := {target |
	parts := split(ref, ".")
	some i, _ in parts
	dotted := concat(".", array.slice(parts, 0, i + 1))
	pieces := split(dotted, "[")
	some j, _ in pieces
	target := concat("[", array.slice(pieces, 0, j + 1))
}
