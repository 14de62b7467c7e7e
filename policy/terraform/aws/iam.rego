# IAM policies: wildcards in actions and resources.
package terraform.aws

import data.lib.terraform as tf
import data.lib.util

# Every statement of every identity policy in the plan, with the path to the policy document.
iam_statements contains {"r": r, "statement": statement, "path": array.concat(r.path, ["policy"])} if {
	some r in tf.of_type({"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"})
	some statement in policy_statements(r.after.policy)
	is_object(statement)
}

iam_statements contains {"r": r, "statement": statement, "path": array.concat(r.path, ["inline_policy", j, "policy"])} if {
	some r in tf.of_type({"aws_iam_role"})
	some j, inline in util.array_at(r.after, ["inline_policy"])
	some statement in policy_statements(inline.policy)
	is_object(statement)
}

allows(statement) if statement.Effect == "Allow"

allows_every_action(statement) if {
	allows(statement)
	some action in util.as_array(statement.Action)
	action in {"*", "*:*"}
}

# Actions that AWS does not let you scope to resources, so `Resource: "*"` is expected.
read_only_listing(action) if regex.match(`^[A-Za-z0-9-]+:(Describe|List)[A-Za-z0-9*]*$`, action)

# METADATA
# title: IAM policy allows every action
# description: >-
#   A statement allows `Action: "*"`: full administrator access, which defeats least privilege
#   and turns any leaked credential into an account takeover.
# custom:
#   id: TF-AWS-401
#   severity: high
#   enforcement: deny
#   remediation: >-
#     List the actions the principal needs (IAM Access Analyzer can generate them from CloudTrail
#     activity); attach the AWS managed AdministratorAccess policy explicitly where full access is
#     really intended.
findings contains {
	"id": "TF-AWS-401",
	"msg": sprintf("%s: the policy allows every action (Action \"*\")", [s.r.address]),
	"path": s.path,
} if {
	some s in iam_statements
	allows_every_action(s.statement)
}

# METADATA
# title: IAM policy applies to every resource
# description: >-
#   A statement allows actions on `Resource: "*"`: every bucket, key, queue or instance of the
#   account, present and future. Statements that only list or describe are not reported, since
#   AWS does not let those be scoped.
# custom:
#   id: TF-AWS-402
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Scope `Resource` to the ARNs the principal works on (use `${aws_s3_bucket.x.arn}/*` style
#     references).
findings contains {
	"id": "TF-AWS-402",
	"msg": sprintf("%s: the policy allows %s on every resource (Resource \"*\")", [s.r.address, concat(", ", actions)]),
	"path": s.path,
} if {
	some s in iam_statements
	allows(s.statement)
	not allows_every_action(s.statement)
	"*" in util.as_array(s.statement.Resource)
	actions := [a | some a in util.as_array(object.get(s.statement, "Action", [])); not read_only_listing(a)]
	count(actions) > 0
}
