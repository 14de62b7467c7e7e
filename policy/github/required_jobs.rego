# Jobs every workflow (or the workflows named) must have.
package github

import data.lib.config
import data.lib.files

# A required job applies to the workflows its `workflows` globs match (all when absent).
applies(spec) if not spec.workflows

applies(spec) if {
	some pattern in spec.workflows
	files.matches(pattern)
}

satisfied(spec) if is_object(input.jobs[spec.name])

satisfied(spec) if {
	is_string(spec.uses)
	some u in uses
	startswith(u.uses, spec.uses)
}

# METADATA
# title: Required job missing
# description: >-
#   A workflow lacks a job listed in `policy_gate.github.required_jobs` (none by default). Each
#   entry names the job (`name`), optionally an action or reusable workflow that also satisfies it
#   (`uses`, a prefix such as `github/codeql-action/analyze`), and the workflow files it applies to
#   (`workflows`, globs; every workflow when absent).
# custom:
#   id: GHA-006
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Add the job to the workflow (or a step that uses the required action), or adjust
#     `policy_gate.github.required_jobs`.
findings contains {
	"id": "GHA-006",
	"msg": sprintf("the workflow has no %s job%s", [spec.name, uses_hint(spec)]),
	"path": ["jobs"],
} if {
	some spec in config.setting(["github", "required_jobs"])
	is_object(spec)
	applies(spec)
	not satisfied(spec)
}

uses_hint(spec) := sprintf(" (or a step using %s)", [spec.uses]) if is_string(spec.uses)

else := ""
