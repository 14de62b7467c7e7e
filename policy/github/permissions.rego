# The GITHUB_TOKEN's permissions.
package github

has_permissions(x) if object.get(x, "permissions", null) != null

# METADATA
# title: Token with write-all permissions
# description: >-
#   `permissions: write-all` gives the workflow's GITHUB_TOKEN write access to everything in the
#   repository (code, releases, packages, settings of Actions): any compromised step can push code
#   or publish releases.
# custom:
#   id: GHA-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     List only the scopes the job needs (`permissions: {contents: read, pull-requests: write}`).
findings contains {
	"id": "GHA-002",
	"msg": "the workflow grants its token write-all permissions",
	"path": ["permissions"],
} if input.permissions == "write-all"

findings contains {
	"id": "GHA-002",
	"msg": sprintf("job %s grants its token write-all permissions", [j.name]),
	"path": array.concat(j.path, ["permissions"]),
} if {
	some j in jobs
	j.job.permissions == "write-all"
}

# METADATA
# title: Token permissions not declared
# description: >-
#   Without a `permissions` key (on the workflow, or on every job), the token gets the repository's
#   default permissions, which for older repositories and organisations is write access to
#   everything.
# custom:
#   id: GHA-003
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Add `permissions: {contents: read}` at the top of the workflow and grant more per job where
#     needed.
findings contains {
	"id": "GHA-003",
	"msg": sprintf("job %s runs with the repository's default token permissions (no permissions key)", [j.name]),
	"path": j.path,
} if {
	not has_permissions(input)
	some j in jobs
	not has_permissions(j.job)
}
