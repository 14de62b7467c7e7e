# Secrets baked into the image.
package docker

# A variable name that says it holds a secret (DB_PASSWORD, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY,
# API_KEY), but not one that only points at one (PASSWORD_FILE, TOKEN_URL).
secret_name := `(?i)(^|[_.-])(passw(or)?d|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credentials?)([_.-]|$)`

secret_reference := `(?i)[_.-](file|path|url|uri|dir|name|user|username|type|length|endpoint|id)$`

is_secret_name(name) if {
	regex.match(secret_name, name)
	not regex.match(secret_reference, name)
}

# ENV values come in triples (name, value, separator); ARG values as NAME or NAME=default.
declared_variables contains {"index": i, "kind": "ENV", "name": name, "position": k} if {
	some i, instruction in input
	instruction.Cmd == "env"
	some k, name in instruction.Value
	k % 3 == 0
}

declared_variables contains {"index": i, "kind": "ARG", "name": split(value, "=")[0], "position": k} if {
	some i, instruction in input
	instruction.Cmd == "arg"
	some k, value in instruction.Value
}

# METADATA
# title: Secret in ENV or ARG
# description: >-
#   An ENV or ARG whose name says it holds a secret: ENV values are stored in the image for anyone
#   who pulls it, and ARG values in its build history (`docker history`).
# custom:
#   id: DOCKER-006
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Pass secrets to the build with `RUN --mount=type=secret,id=…` (docker build --secret), and to
#     the container at run time through the orchestrator's secrets.
findings contains {
	"id": "DOCKER-006",
	"msg": sprintf("%s %s: a secret in an %s ends up in the image", [v.kind, v.name, v.kind]),
	"path": [v.index, "Value", v.position],
} if {
	some v in declared_variables
	is_secret_name(v.name)
}
