# METADATA
# title: Shared helpers
# description: Small, input-agnostic helpers used by every domain package.
package lib.util

# The object at path inside x, or {} when x or the value there is not an object (absent, null, or
# a templated scalar), so callers can read nested fields without guarding every level.
object_at(x, path) := value if {
	is_object(x)
	value := object.get(x, path, null)
	is_object(value)
} else := {}

# The array at path inside x, or [] when it is not an array.
array_at(x, path) := value if {
	is_object(x)
	value := object.get(x, path, null)
	is_array(value)
} else := []

# The string at path inside x, or "" when it is not a string.
string_at(x, path) := value if {
	is_object(x)
	value := object.get(x, path, null)
	is_string(value)
} else := ""

# A value is templated when it still holds a placeholder that a tool (Helm, envsubst, Kustomize,
# CI variables) replaces before use: its real value is unknown, so rules must not judge it.
is_templated(value) if {
	is_string(value)
	may_be_templated(value)
	regex.match(`\{\{|\$\{|\$\(|^\$[A-Za-z_]|<[A-Za-z][A-Za-z0-9 _.-]*>`, value)
}

# Every placeholder below starts with `{`, `$` or `<`: most values have none of them and skip the
# regular expression.
may_be_templated(value) if {
	some c in ["{", "$", "<"]
	contains(value, c)
}

# A list of values, whether the input holds one value or a list of them (YAML allows both).
as_array(x) := x if is_array(x)

else := [x]

# The last component of a slash-separated path.
basename(path) := parts[count(parts) - 1] if {
	parts := split(path, "/")
}
