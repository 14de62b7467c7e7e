# Jobs the pipeline must run.
package gitlab

import data.lib.config
import data.lib.files
import data.lib.util

# Required jobs are checked in the root pipeline file only: included files hold parts of it.
is_root_pipeline if not files.basename

is_root_pipeline if files.basename in config.setting(["gitlab", "pipeline_files"])

# Every string that names an included file: `include: path`, or the template, local, remote,
# component, or project file of each entry.
include_references contains reference if {
	some entry in util.as_array(object.get(input, "include", []))
	is_string(entry)
	reference := entry
}

include_references contains reference if {
	some entry in util.as_array(object.get(input, "include", []))
	is_object(entry)
	some key in ["template", "local", "remote", "component", "file"]
	some reference in util.as_array(object.get(entry, key, []))
	is_string(reference)
}

satisfied(spec) if {
	some j in jobs
	j.name == spec.name
}

satisfied(spec) if {
	some reference in include_references
	some pattern in util.as_array(object.get(spec, "includes", []))
	is_string(pattern)
	contains(reference, pattern)
}

required_path := ["include"] if object.get(input, "include", null) != null

else := ["stages"] if is_array(input.stages)

else := []

# METADATA
# title: Required job missing
# description: >-
#   The root pipeline (`policy_gate.gitlab.pipeline_files`, by default `.gitlab-ci.yml`) lacks a
#   job listed in `policy_gate.gitlab.required_jobs`: by default `sast` and `secret_detection`.
#   A job counts when the pipeline defines it, or includes a file (template, component, project
#   file) whose reference contains one of the entry's `includes`, such as GitLab's
#   `Security/SAST.gitlab-ci.yml` template.
# custom:
#   id: GITLAB-001
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Include the GitLab template or component that provides the job (`include: [{template:
#     Security/SAST.gitlab-ci.yml}]`), define the job, or adjust `policy_gate.gitlab.required_jobs`.
findings contains {
	"id": "GITLAB-001",
	"msg": sprintf("the pipeline has no %s job", [spec.name]),
	"path": required_path,
} if {
	is_root_pipeline
	some spec in config.setting(["gitlab", "required_jobs"])
	is_object(spec)
	is_string(spec.name)
	not satisfied(spec)
}
