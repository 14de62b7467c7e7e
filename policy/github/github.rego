# METADATA
# title: GitHub Actions workflows
# description: >-
#   Workflow files (`.github/workflows/*.yml`): any document with `jobs` and a trigger. conftest's
#   YAML parser reads the `on:` key as the boolean `true` (YAML 1.1), so the trigger is looked up
#   under both `on` and `true`. Exceptions name the `file`.
package github

import data.lib.result

deny contains r if {
	is_workflow
	some finding in findings
	some r in result.denials(finding, {})
}

warn contains r if {
	is_workflow
	some finding in findings
	some r in result.warnings(finding, {})
}

is_workflow if {
	is_object(input)
	is_object(input.jobs)
	trigger != null
}

default trigger := null

trigger := input.on if object.get(input, "on", null) != null

else := input["true"] if object.get(input, "true", null) != null

# The events that start the workflow, whichever way `on` is written.
events contains trigger if is_string(trigger)

events contains event if {
	is_array(trigger)
	some event in trigger
}

events contains event if {
	is_object(trigger)
	some event, _ in trigger
}

jobs contains {"name": name, "job": job, "path": ["jobs", name]} if {
	some name, job in input.jobs
	is_object(job)
}

steps contains {"job": j.name, "step": step, "path": array.concat(j.path, ["steps", k])} if {
	some j in jobs
	some k, step in object.get(j.job, "steps", [])
	is_object(step)
}
