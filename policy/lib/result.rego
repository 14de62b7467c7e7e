# METADATA
# title: Results
# description: |-
#   Every result is an object with `msg`, `id`, `severity`, `title`, `remediation` and `path`.
#   `path` is the location of the offending field inside the document, as an array of keys and
#   indexes (`["spec", "template", "spec", "containers", 0, "securityContext", "privileged"]`);
#   when the problem is a missing field, it points at the object that should hold it. For a
#   Dockerfile the document is conftest's array of instructions, so the path starts with the
#   instruction's index. `severity` is `critical`, `high`, `medium` or `low`; whether a result
#   is a failure or a warning is its enforcement, which the rule defines and data can change.
package lib.result

import data.lib.catalog
import data.lib.dates
import data.lib.enforcement
import data.lib.exceptions

# The results a finding adds to a package's `deny` rule.
denials(finding, resource) := {render(f) |
	some f in reported(finding, resource)
	enforcement.action(f.id) == "deny"
}

# The results a finding adds to a package's `warn` rule.
warnings(finding, resource) := {render_warning(f, action) |
	some f in reported(finding, resource)
	action := enforcement.action(f.id)
	action in {"warn", "audit", "pending"}
}

# The finding unless an exception in force waives it, with a warning for each expired exception
# that would have waived it.
reported(finding, resource) := {finding} | expired_exceptions(finding, resource) if {
	not exceptions.waived(finding, resource)
} else := set()

# METADATA
# title: Expired exception
# description: >-
#   An exception in `policy_gate.exceptions` matched this finding but its `expires` date has
#   passed (or is not a date), so it no longer waives the finding. The finding is reported
#   again with its own enforcement, and this warning names the exception on the same line.
# custom:
#   id: GATE-001
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Fix the finding, or renew the exception with a new `expires` date after it has been
#     reviewed and approved again.
expired_exceptions(finding, resource) := {f |
	some e in exceptions.expired_for(finding, resource)
	f := {
		"id": "GATE-001",
		"msg": sprintf("The exception for %s %s (reason: %s; approved by: %s), so this finding is reported again: %s", [
			finding.id,
			expiry(e),
			object.get(e, "reason", "none given"),
			object.get(e, "approved_by", "nobody"),
			finding.msg,
		]),
		"path": finding.path,
		"exception": object.union(e, {"expires": dates.text(e.expires)}),
	}
}

expiry(e) := sprintf("expired on %s", [dates.text(e.expires)]) if dates.is_date(e.expires)

else := sprintf("has an invalid expires date (%v)", [e.expires])

render(f) := object.union(object.remove(f, ["id", "msg", "path"]), {
	"msg": f.msg,
	"id": f.id,
	"path": f.path,
	"title": catalog.rules[f.id].title,
	"severity": catalog.rules[f.id].severity,
	"remediation": catalog.rules[f.id].remediation,
})

render_warning(f, "warn") := render(f)

render_warning(f, "audit") := object.union(render(f), {
	"msg": concat("", ["[audit] ", f.msg]),
	"enforcement": "audit",
})

render_warning(f, "pending") := object.union(render(f), {
	"msg": sprintf("%s (a warning until %s, a failure from that day)", [f.msg, dates.text(enforcement.failure_date(f.id))]),
	"deny_after": dates.text(enforcement.failure_date(f.id)),
})
