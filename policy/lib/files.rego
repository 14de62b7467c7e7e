# METADATA
# title: The file being checked
# description: >-
#   conftest sets `data.conftest.file` to the base name and absolute directory of each file it
#   checks; policy-gate sets the same key. Globs written by users (`deploy/*.yaml`) are matched
#   against the file's path and against the end of it, so they need not know the absolute
#   directory.
package lib.files

import data.lib.util

# The paths the current file is known by: the name data.conftest.file gives, and the name joined
# to its directory.
paths contains trim_prefix(data.conftest.file.name, "./") if is_string(data.conftest.file.name)

paths contains concat("/", [trim_suffix(data.conftest.file.dir, "/"), data.conftest.file.name]) if {
	is_string(data.conftest.file.dir)
	is_string(data.conftest.file.name)
}

# Whether the current file matches a glob (`*` within a directory, `**` across directories).
matches(pattern) if {
	is_string(pattern)
	wanted := trim_prefix(pattern, "./")
	some path in paths
	path_matches(wanted, path)
}

path_matches(pattern, path) if glob.match(pattern, ["/"], path)

path_matches(pattern, path) if glob.match(concat("", ["**/", pattern]), ["/"], path)

# The current file's base name, when it is known.
basename := util.basename(trim_prefix(data.conftest.file.name, "./")) if is_string(data.conftest.file.name)
