# Third-party actions and reusable workflows.
package github

import data.lib.config

# Every `uses:`: steps' actions and jobs' reusable workflows.
uses contains {"uses": s.step.uses, "path": array.concat(s.path, ["uses"])} if {
	some s in steps
	is_string(s.step.uses)
}

uses contains {"uses": j.job.uses, "path": array.concat(j.path, ["uses"])} if {
	some j in jobs
	is_string(j.job.uses)
}

trusted_owners := {lower(owner) | some owner in config.setting(["github", "trusted_action_owners"]); is_string(owner)}

# A reference that can change under the workflow: a tag or branch of someone else's action, or a
# container image without a digest. Local actions (./path) are part of the repository.
unpinned(reference) if {
	startswith(reference, "docker://")
	not contains(reference, "@sha256:")
}

unpinned(reference) if {
	not startswith(reference, "./")
	not startswith(reference, "docker://")
	not lower(split(reference, "/")[0]) in trusted_owners
	not regex.match(`@[0-9a-f]{40}$`, reference)
}

# METADATA
# title: Third-party action not pinned to a commit
# description: >-
#   An action or reusable workflow referenced by tag or branch (`@v4`, `@main`) runs whatever its
#   owner, or whoever compromises the owner, pushes to that ref next, with the workflow's token
#   and secrets. Only a full commit SHA is immutable. Actions of the owners in
#   `policy_gate.github.trusted_action_owners` (by default `actions` and `github`) are exempt.
# custom:
#   id: GHA-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Pin the action to the full 40-character commit SHA of the release, with the version in a
#     comment (`uses: owner/action@<sha> # v1.2.3`); Dependabot and Renovate update pinned SHAs. For
#     `docker://` images, pin a digest.
findings contains {
	"id": "GHA-001",
	"msg": sprintf("%s is not pinned to a commit SHA", [u.uses]),
	"path": u.path,
} if {
	some u in uses
	unpinned(u.uses)
}
