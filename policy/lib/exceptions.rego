# METADATA
# title: Exceptions
# description: |-
#   An exception waives one rule for one resource, per finding: other resources, and other rules
#   on the same resource, are still reported. List them under `policy_gate.exceptions`:
#
#   ```yaml
#   policy_gate:
#     exceptions:
#       - rule: K8S-001                 # the rule ID (required)
#         kind: DaemonSet               # Kubernetes: any of kind, namespace, name
#         namespace: kube-system
#         name: node-exporter
#         reason: Needs the host network to export node metrics
#         approved_by: security@example.com
#         expires: 2026-06-30           # last day the exception applies (UTC)
#       - rule: TF-AWS-001
#         address: aws_s3_bucket.public_site   # Terraform: the resource address in the plan
#         reason: Static website
#         approved_by: alice
#         expires: 2026-12-31
#       - rule: DOCKER-001
#         file: tools/debug/Dockerfile  # any kind of file: a glob on its path
#         reason: Debug image
#         approved_by: bob
#         expires: 2026-01-31
#   ```
#
#   An exception must name the `rule` and at least one of `kind`, `namespace`, `name`,
#   `address`, `file`; every one it names must match (names are compared exactly; a manifest
#   without `metadata.namespace` only matches exceptions that name no namespace). `file` is a glob
#   (`*` stays within a directory, `**` crosses them) matched against the file's path as
#   `data.conftest.file` gives it, and also against the end of that path, so
#   `deploy/app.yaml` matches `/home/runner/work/repo/deploy/app.yaml`.
#
#   `expires` is the last day (UTC) the exception applies. From the next day it no longer waives
#   anything: the finding is reported again, and a `GATE-001` warning names the expired exception
#   (its reason, approver and date) on the same line. An exception without `expires` never
#   expires; one whose `expires` is not a date is treated as expired. Waived findings are not
#   reported at all. conftest's own `exception` rules are unaffected: they keep working for your
#   own policies.
package lib.exceptions

import data.lib.config
import data.lib.dates
import data.lib.files

selectors := ["kind", "namespace", "name", "address", "file"]

# The exceptions written for this finding and resource, expired or not.
matching(finding, resource) := {e |
	some e in config.exceptions
	applies(e, finding, resource)
}

# Whether an exception in force waives the finding.
waived(finding, resource) if {
	some e in matching(finding, resource)
	not expired(e)
}

# The expired exceptions that would have waived the finding.
expired_for(finding, resource) := {e |
	some e in matching(finding, resource)
	expired(e)
}

expired(e) if dates.day(e.expires) < dates.today

expired(e) if {
	object.get(e, "expires", null) != null
	not dates.is_date(e.expires)
}

applies(e, finding, resource) if {
	e.rule == finding.id
	named := [k | some k in selectors; object.get(e, k, null) != null]
	count(named) > 0
	every k in named {
		matches(k, e[k], resource)
	}
}

matches("file", pattern, _) if files.matches(pattern)

matches(key, value, resource) if {
	key != "file"
	resource[key] == value
}
