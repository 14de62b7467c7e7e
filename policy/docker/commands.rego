# What the build downloads and runs.
package docker

# METADATA
# title: ADD from a URL
# description: >-
#   `ADD <url>` downloads a file at build time without verifying it: whatever the server returns
#   goes into the image. (An `ADD --checksum=sha256:…` is verified and not reported.)
# custom:
#   id: DOCKER-004
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Use `ADD --checksum=sha256:<digest> <url> <dest>`, or download with curl in a RUN and verify
#     the checksum or signature before using the file.
findings contains {
	"id": "DOCKER-004",
	"msg": sprintf("ADD %s: downloads from a URL without verifying a checksum", [source]),
	"path": [i, "Value", j],
} if {
	some i, instruction in input
	instruction.Cmd == "add"
	not checksummed(instruction)
	some j, source in array.slice(instruction.Value, 0, count(instruction.Value) - 1)
	regex.match(`^https?://`, source)
}

checksummed(instruction) if {
	some flag in object.get(instruction, "Flags", [])
	startswith(flag, "--checksum=")
}

# A download piped into a shell, or a shell running a download's output.
pipe_to_shell := `(curl|wget)[^|;&]*\|\s*(sudo\s+(-\S+\s+)*)?(/usr/bin/|/bin/)?(ba|da|z|k)?sh\b|(ba|da|z|k)?sh\s+(-c\s+)?["']?(\$\(|<\()\s*(curl|wget)`

# METADATA
# title: Download piped into a shell
# description: >-
#   `curl … | sh` runs whatever the server sends at build time, unverified: a compromised or
#   spoofed server owns the image.
# custom:
#   id: DOCKER-005
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Download the script to a file, verify its checksum or signature, then run it; or install the
#     tool from a package manager or a pinned release.
findings contains {
	"id": "DOCKER-005",
	"msg": "RUN pipes a download into a shell",
	"path": [r.index, "Value", 0],
} if {
	some r in runs
	regex.match(pipe_to_shell, r.command)
}

# METADATA
# title: sudo in RUN
# description: >-
#   Build steps already run as the current `USER`; `sudo` in a RUN means the image ships sudo and
#   a user allowed to use it, an easy way back to root at run time.
# custom:
#   id: DOCKER-007
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Switch users with `USER root` for the steps that need it and `USER <app>` after; remove sudo
#     from the image.
findings contains {
	"id": "DOCKER-007",
	"msg": "RUN uses sudo",
	"path": [r.index, "Value", 0],
} if {
	some r in runs
	regex.match(`(^|[;&|(\x60]|\$\()\s*sudo(\s|$)`, r.command)
}

apt_update := `\bapt(-get)?\s+(-\S+\s+)*update\b`

apt_install := `\bapt(-get)?\s+(-\S+\s+)*install\b`

# METADATA
# title: apt-get update in its own RUN
# description: >-
#   `apt-get update` in a RUN without the `apt-get install` it prepares is cached as its own layer:
#   a later install, after the cache is reused, uses a stale package index or fails.
# custom:
#   id: DOCKER-008
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Run `apt-get update && apt-get install -y …` in the same RUN.
findings contains {
	"id": "DOCKER-008",
	"msg": "RUN runs apt-get update without installing anything in the same step",
	"path": [r.index, "Value", 0],
} if {
	some r in runs
	regex.match(apt_update, r.command)
	not regex.match(apt_install, r.command)
}

# Recommended packages can be turned off once for the whole build, in an apt configuration file.
recommends_disabled_globally if {
	some r in runs
	contains(r.command, "Install-Recommends")
}

# METADATA
# title: apt-get install without --no-install-recommends
# description: >-
#   Without `--no-install-recommends`, apt installs "recommended" packages too: a larger image and
#   more software to patch. Only the final stage is checked.
# custom:
#   id: DOCKER-009
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add `--no-install-recommends` to `apt-get install`, and list the packages you need explicitly.
findings contains {
	"id": "DOCKER-009",
	"msg": "RUN installs apt packages with their recommended packages (no --no-install-recommends)",
	"path": [r.index, "Value", 0],
} if {
	some r in runs
	r.stage == final_stage
	regex.match(apt_install, r.command)
	not contains(r.command, "--no-install-recommends")
	not recommends_disabled_globally
}

# `rm -rf /var/lib/apt/lists/*`, or `apt-get dist-clean` (apt 2.7+), which removes them too.
removes_apt_lists(command) if contains(command, "/var/lib/apt/lists")

removes_apt_lists(command) if regex.match(`\bapt(-get)?\s+(-\S+\s+)*dist-clean\b`, command)

# A RUN that uses a BuildKit cache mount for apt keeps its lists out of the image.
apt_cache_mounted(r) if {
	some flag in r.flags
	startswith(flag, "--mount=")
	contains(flag, "type=cache")
	contains(flag, "/var/lib/apt")
}

# METADATA
# title: apt lists left in the image
# description: >-
#   An `apt-get install` whose RUN does not remove `/var/lib/apt/lists` (with `rm` or
#   `apt-get dist-clean`) leaves the package index, tens of megabytes, in the layer. Only the
#   final stage is checked.
# custom:
#   id: DOCKER-010
#   severity: low
#   enforcement: warn
#   remediation: >-
#     End the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a BuildKit cache mount (`RUN
#     --mount=type=cache,target=/var/lib/apt …`).
findings contains {
	"id": "DOCKER-010",
	"msg": "RUN installs apt packages without removing /var/lib/apt/lists in the same step",
	"path": [r.index, "Value", 0],
} if {
	some r in runs
	r.stage == final_stage
	regex.match(apt_install, r.command)
	not removes_apt_lists(r.command)
	not apt_cache_mounted(r)
}
