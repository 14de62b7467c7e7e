# Documents shared by the policy tests. Each test package computes what its own package reports
# with rules of its own (see kubernetes_test.results): a function here that evaluated a package
# would make `opa build -t wasm` reject the tests.
package lib.testing

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
