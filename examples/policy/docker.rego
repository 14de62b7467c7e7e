# Dockerfiles: the image that ships declares how to check its health (Rego v1).
package main

import rego.v1

# conftest gives a Dockerfile as the list of its instructions.
is_dockerfile if {
	is_array(input)
	some instruction in input
	instruction.Cmd == "from"
}

final_stage := max({instruction.Stage | some instruction in input}) if is_dockerfile

warn_healthcheck contains result if {
	is_dockerfile
	not has_healthcheck
	froms := [i | some i, instruction in input; instruction.Cmd == "from"]
	result := {
		"msg": "the final stage declares no HEALTHCHECK",
		"id": "ORG-DOCKER-001",
		"path": [froms[count(froms) - 1]],
	}
}

has_healthcheck if {
	some instruction in input
	instruction.Stage == final_stage
	instruction.Cmd == "healthcheck"
}
