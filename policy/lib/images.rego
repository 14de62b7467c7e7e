# METADATA
# title: Container image references
# description: >-
#   Splits an image reference (`[registry/]repository[:tag][@digest]`) the way container runtimes
#   do: the first component is a registry only when it looks like a host (has a dot or a port, or
#   is `localhost`); otherwise the image comes from Docker Hub.
package lib.images

import data.lib.util

parse(ref) := {
	"registry": registry(name),
	"repository": repository(name),
	"tag": tag_of(ref),
	"digest": digest(ref),
} if {
	is_string(ref)
	name := without_tag(without_digest(ref))
}

without_digest(ref) := substring(ref, 0, indexof(ref, "@")) if contains(ref, "@")

else := ref

digest(ref) := substring(ref, indexof(ref, "@") + 1, -1) if contains(ref, "@")

else := ""

# The tag is after the last colon of the last path component (a colon before it is a port).
tag_of(ref) := substring(last, indexof(last, ":") + 1, -1) if {
	last := util.basename(without_digest(ref))
	contains(last, ":")
} else := ""

without_tag(ref) := substring(ref, 0, (count(ref) - count(tag_of(ref))) - 1) if tag_of(ref) != ""

else := ref

docker_hub_hosts := {"docker.io", "index.docker.io", "registry-1.docker.io"}

registry(name) := "docker.io" if {
	first := split(name, "/")[0]
	first in docker_hub_hosts
	contains(name, "/")
} else := first if {
	parts := split(name, "/")
	count(parts) > 1
	first := parts[0]
	looks_like_host(first)
} else := "docker.io"

looks_like_host(component) if contains(component, ".")

looks_like_host(component) if contains(component, ":")

looks_like_host("localhost")

repository(name) := substring(name, count(registry_prefix) + 1, -1) if {
	parts := split(name, "/")
	count(parts) > 1
	registry_prefix := parts[0]
	looks_like_host(registry_prefix)
} else := name

# An image pinned by digest is immutable: its tag, if any, no longer matters.
pinned_by_digest(ref) if startswith(digest(ref), "sha256:")

# `latest` by name, or implicitly (no tag and no digest).
uses_latest(ref) if {
	is_string(ref)
	digest(ref) == ""
	tag_of(ref) in {"", "latest"}
}

# Whether the image comes from one of the allowed registries. An entry without a slash is a
# registry host, and may use `*` for one DNS label (`*.azurecr.io`); an entry with a slash is a
# prefix of registry/repository (`ghcr.io/my-org`).
#
# The first branch is a shortcut with the same answer: an entry equal to a registry that has no
# glob syntax is a literal pattern, which glob.match matches only to itself. Most images take it,
# and skip matching a pattern per entry.
allowed(ref, allowed_registries) if {
	registry := parse(ref).registry
	registry in allowed_registries
	not has_glob_syntax(registry)
} else if {
	image := parse(ref)
	some entry in allowed_registries
	is_string(entry)
	entry_allows(entry, image)
}

has_glob_syntax(text) if {
	some c in ["*", "?", "[", "]", "{", "}", "\\"]
	contains(text, c)
}

entry_allows(entry, image) if {
	not contains(entry, "/")
	glob.match(entry, ["."], image.registry)
}

entry_allows(entry, image) if {
	contains(entry, "/")
	image_path := concat("", [image.registry, "/", image.repository, "/"])
	startswith(image_path, concat("", [trim_suffix(entry, "/"), "/"]))
}

# Whether a rule can judge the reference at all.
judgeable(ref) if {
	is_string(ref)
	ref != ""
	not util.is_templated(ref)
}
