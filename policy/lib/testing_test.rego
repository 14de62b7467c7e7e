# Helpers for the policy tests: every result a package reports for a document, by rule ID.
# (Named so that conftest does not take them for rules: nothing here starts with deny or warn.)
package lib.testing

# The failures and warnings of a package for a document. Each package is named explicitly so
# that a misspelt package fails the test instead of reporting nothing.
failures_of("kubernetes", document) := results if {
	results := data.kubernetes.deny with input as document
}

failures_of("terraform.aws", document) := results if {
	results := data.terraform.aws.deny with input as document
}

failures_of("terraform.gcp", document) := results if {
	results := data.terraform.gcp.deny with input as document
}

failures_of("terraform.azure", document) := results if {
	results := data.terraform.azure.deny with input as document
}

failures_of("docker", document) := results if {
	results := data.docker.deny with input as document
}

failures_of("github", document) := results if {
	results := data.github.deny with input as document
}

failures_of("gitlab", document) := results if {
	results := data.gitlab.deny with input as document
}

warnings_of("kubernetes", document) := results if {
	results := data.kubernetes.warn with input as document
}

warnings_of("terraform.aws", document) := results if {
	results := data.terraform.aws.warn with input as document
}

warnings_of("terraform.gcp", document) := results if {
	results := data.terraform.gcp.warn with input as document
}

warnings_of("terraform.azure", document) := results if {
	results := data.terraform.azure.warn with input as document
}

warnings_of("docker", document) := results if {
	results := data.docker.warn with input as document
}

warnings_of("github", document) := results if {
	results := data.github.warn with input as document
}

warnings_of("gitlab", document) := results if {
	results := data.gitlab.warn with input as document
}

# The deny and warn results of a package for a document.
reported(package_name, document) := failures_of(package_name, document) | warnings_of(package_name, document)

# The results of one rule.
of_rule(package_name, document, id) := {r | some r in results; r.id == id} if {
	results := reported(package_name, document)
}

# The IDs a package reports for a document.
ids(package_name, document) := {r.id | some r in results} if {
	results := reported(package_name, document)
}

# The paths the results of one rule point at.
paths(package_name, document, id) := {r.path | some r in results} if {
	results := of_rule(package_name, document, id)
}

# Whether the rule reports the document as a failure (deny) rather than a warning.
is_failure(package_name, document, id) if {
	some r in failures_of(package_name, document)
	r.id == id
}

is_warning(package_name, document, id) if {
	some r in warnings_of(package_name, document)
	r.id == id
}

# A sample of the other domains' documents, to show a package ignores them.
foreign_documents := {
	"kubernetes": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}]}},
	"terraform": {"format_version": "1.0", "terraform_version": "1.5.0", "resource_changes": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "change": {"actions": ["create"], "after": {"acl": "public-read"}, "after_unknown": {}}}]},
	"docker": [{"Cmd": "from", "Flags": [], "JSON": false, "Stage": 0, "SubCmd": "", "Value": ["ubuntu:latest"]}, {"Cmd": "user", "Flags": [], "JSON": false, "Stage": 0, "SubCmd": "", "Value": ["root"]}],
	"github": {"on": "pull_request_target", "permissions": "write-all", "jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [{"uses": "someone/action@v1"}, {"run": "echo ${{ github.event.issue.title }}"}]}}},
	"gitlab": {"stages": ["build"], "image": "node:latest", "build": {"stage": "build", "image": "alpine", "script": ["make"]}},
}

# A Terraform plan (as `terraform show -json` prints it) holding the given resource changes.
plan(changes) := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}

# A resource to create with the given planned attributes.
created(address, after) := change(address, ["create"], after, {})

change(address, actions, after, unknown) := {
	"address": address,
	"mode": "managed",
	"type": split(address, ".")[0],
	"name": split(address, ".")[1],
	"change": {"actions": actions, "before": null, "after": after, "after_unknown": unknown},
}

# The path of an attribute of the i-th resource change.
attribute_path(i, rest) := array.concat(["resource_changes", i, "change", "after"], rest)
