# METADATA
# title: Configuration
# description: |-
#   Every setting is optional and read from data under the key `policy_gate`. With conftest, put
#   YAML files in a directory and pass it with `-d`: conftest loads each file's top-level keys under
#   `data.`, so a file that starts with `policy_gate:` configures the library. Several files merge
#   as long as they set different keys (say, `exceptions` in one and `enforcement` in another).
#
#   ```yaml
#   policy_gate:
#     enforcement:              # per rule ID: off | audit | warn | deny | {deny_after: YYYY-MM-DD}
#       K8S-202: deny
#       GHA-003: {deny_after: 2026-03-01}
#     exceptions: []            # see "Exceptions"
#     kubernetes:
#       allowed_registries: [ghcr.io/my-org, "*.dkr.ecr.*.amazonaws.com"]
#       required_labels: [app.kubernetes.io/name, team]
#     github:
#       trusted_action_owners: [actions, github, my-org]
#       required_jobs:
#         - {name: codeql, uses: github/codeql-action/analyze, workflows: [codeql.yml]}
#     gitlab:
#       pipeline_files: [.gitlab-ci.yml]
#       required_jobs:
#         - {name: sast, includes: [Security/SAST.gitlab-ci.yml]}
#   ```
#
#   A setting that is absent takes the default shown below; a setting that is present replaces
#   the default entirely (lists are not merged), so `required_labels: []` turns that check off.
package lib.config

# The defaults, also rendered into docs/policies.md by scripts/gen-policy-docs.mjs.
defaults := {
	"enforcement": {},
	"exceptions": [],
	"kubernetes": {
		# Well-known public registries and the cloud providers' private registry hosts. k8s.gcr.io
		# is left out on purpose: it is frozen and its images moved to registry.k8s.io.
		"allowed_registries": [
			"docker.io",
			"ghcr.io",
			"gcr.io",
			"us.gcr.io",
			"eu.gcr.io",
			"asia.gcr.io",
			"*.pkg.dev",
			"registry.k8s.io",
			"quay.io",
			"mcr.microsoft.com",
			"public.ecr.aws",
			"*.dkr.ecr.*.amazonaws.com",
			"*.azurecr.io",
			"registry.gitlab.com",
		],
		# The label the Kubernetes documentation recommends on every object.
		"required_labels": ["app.kubernetes.io/name"],
	},
	"github": {
		# Actions published by GitHub itself are exempt from SHA pinning by default.
		"trusted_action_owners": ["actions", "github"],
		# Which workflow must hold a security job is specific to each repository: none by default.
		"required_jobs": [],
	},
	"gitlab": {
		# Required jobs are checked in the root pipeline file only, not in included fragments.
		"pipeline_files": [".gitlab-ci.yml"],
		"required_jobs": [
			{
				"name": "sast",
				"includes": ["Security/SAST.gitlab-ci.yml", "Jobs/SAST.gitlab-ci.yml", "components/sast/"],
			},
			{
				"name": "secret_detection",
				"includes": [
					"Security/Secret-Detection.gitlab-ci.yml",
					"Jobs/Secret-Detection.gitlab-ci.yml",
					"components/secret-detection/",
				],
			},
		],
	},
}

# The user's settings: data.policy_gate when it is an object.
default settings := {}

settings := data.policy_gate if is_object(data.policy_gate)

# The setting at path (e.g. ["kubernetes", "required_labels"]), or its default.
setting(path) := object.get(settings, path, object.get(defaults, path, null))

exceptions := [e | some e in setting(["exceptions"]); is_object(e)] if is_array(setting(["exceptions"]))

else := []

enforcement := setting(["enforcement"]) if is_object(setting(["enforcement"]))

else := {}
