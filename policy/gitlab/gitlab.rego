# METADATA
# title: GitLab CI pipelines
# description: >-
#   `.gitlab-ci.yml` and the files it includes: a document whose top-level keys are jobs (objects
#   with `script`, `trigger`, `extends`, `stage` or `run`), or that lists `stages`, or whose file
#   name contains `gitlab-ci`. Exceptions name the `file`.
package gitlab

import data.lib.files
import data.lib.result

deny contains r if {
	is_pipeline
	some finding in findings
	some r in result.denials(finding, {})
}

warn contains r if {
	is_pipeline
	some finding in findings
	some r in result.warnings(finding, {})
}

# Top-level keys that configure the pipeline rather than name a job.
keywords := {
	"default", "include", "stages", "variables", "workflow", "spec",
	"image", "services", "cache", "before_script", "after_script", "types",
}

job_keys := {"script", "trigger", "extends", "stage", "run"}

# Every top-level object that is not a keyword: jobs, and hidden templates (`.template`) that
# jobs extend, which need not have a script of their own.
entries contains {"name": name, "job": job, "path": [name]} if {
	some name, job in input
	not name in keywords
	is_object(job)
}

# Entries that are jobs.
jobs contains entry if {
	some entry in entries
	some key in job_keys
	object.get(entry.job, key, null) != null
}

is_pipeline if {
	is_candidate
	is_array(input.stages)
}

is_pipeline if {
	is_candidate
	some _ in jobs
}

is_pipeline if {
	is_candidate
	regex.match(`gitlab-ci[^/]*\.ya?ml$`, files.basename)
}

# Objects that are not Kubernetes manifests or GitHub workflows.
is_candidate if {
	is_object(input)
	object.get(input, "apiVersion", null) == null
	object.get(input, "kind", null) == null
	not is_object(object.get(input, "jobs", null))
}
