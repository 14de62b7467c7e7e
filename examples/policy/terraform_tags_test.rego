package main

import rego.v1

plan(tags) := {
	"format_version": "1.2",
	"resource_changes": [{
		"address": "aws_security_group.db",
		"change": {"after": {"tags": tags, "tags_all": object.union({"cost-center": "cc-1"}, tags)}},
	}],
}

test_resource_without_owner_tag_is_denied if {
	some result in deny_owner_tag with input as plan({})
	result.msg == "aws_security_group.db has no owner tag"
	result.path == ["resource_changes", 0, "change", "after"]
}

test_resource_with_owner_tag_passes if {
	count(deny_owner_tag) == 0 with input as plan({"owner": "data"})
}
