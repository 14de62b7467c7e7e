# METADATA
# title: Enforcement
# description: |-
#   Each rule has a default enforcement (its `enforcement` in the table below). Set
#   `policy_gate.enforcement.<RULE-ID>` to change it:
#
#   | value | effect |
#   |---|---|
#   | `deny` | the finding is a failure (`deny`): the check fails |
#   | `warn` | the finding is a warning (`warn`): reported, the check passes |
#   | `audit` | the finding is a warning whose message starts with `[audit]` and whose result carries `"enforcement": "audit"`: use it to observe a rule before enforcing it. Like every warning it fails the check only when warnings are made to fail (conftest `--fail-on-warn`) |
#   | `off` | the rule reports nothing (unquoted `off` is read as `false` by YAML 1.1 loaders such as conftest's; `false` means `off` too) |
#   | `{deny_after: YYYY-MM-DD}` | a warning until that date, a failure from that date on (UTC); the warning says from when it will fail and carries `"deny_after"` |
#
#   Any other value, and a `deny_after` that is not a date, counts as `deny`: a typo must not
#   quietly weaken a rule.
package lib.enforcement

import data.lib.catalog
import data.lib.config
import data.lib.dates

# The enforcement set in data for a rule, else the rule's default from its METADATA.
mode(id) := configured if {
	configured := config.enforcement[id]
} else := catalog.rules[id].enforcement

# What to do with a finding of a rule today: "deny", "warn", "audit", "pending" (a warning until
# its deny_after date) or "off".
action(id) := m if {
	m := mode(id)
	m in {"deny", "warn", "audit", "off"}
} else := "off" if {
	# YAML 1.1 loaders (conftest's among them) read an unquoted `off` as false.
	mode(id) == false
} else := "pending" if {
	dates.day(mode(id).deny_after) > dates.today
} else := "deny"

# The date from which a pending rule fails (not named deny_…: conftest would query it as a rule).
failure_date(id) := mode(id).deny_after
