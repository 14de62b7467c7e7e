# The user the image runs as.
package docker

import data.lib.util

final_users := [i | some i, instruction in input; instruction.Cmd == "user"; instruction.Stage == final_stage]

root_users := {"root", "0", "containeradministrator"}

is_root(user) if lower(split(user, ":")[0]) in root_users

root_user_problems contains {"detail": "the final stage has no USER instruction, so the image runs as root", "path": [final_from]} if {
	count(final_users) == 0
}

root_user_problems contains {"detail": sprintf("the final stage switches to USER %s last", [user]), "path": [last, "Value", 0]} if {
	last := final_users[count(final_users) - 1]
	user := input[last].Value[0]
	not util.is_templated(user)
	is_root(user)
}

# METADATA
# title: Image runs as root
# description: >-
#   The image's final stage has no `USER` instruction, or its last `USER` is root: containers run
#   as root unless whoever runs them overrides it, and a compromised process owns the container.
# custom:
#   id: DOCKER-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Create an unprivileged user and end the final stage with `USER <name or uid>` (`RUN useradd
#     --uid 10001 app` … `USER 10001`); distroless images provide a `nonroot` user.
findings contains {
	"id": "DOCKER-001",
	"msg": p.detail,
	"path": p.path,
} if some p in root_user_problems
