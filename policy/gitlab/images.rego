# Container images the jobs run in.
package gitlab

import data.lib.images
import data.lib.util

# Where `image:` and `services:` can be set: the pipeline's top level, `default`, every job.
image_holders contains {"name": "the pipeline", "holder": input, "path": []}

image_holders contains {"name": "default", "holder": input.default, "path": ["default"]} if is_object(input.default)

image_holders contains {"name": concat(" ", ["job", j.name]), "holder": j.job, "path": j.path} if some j in entries

# Each image reference (a string, or an object's `name`) with its path.
image_references contains {"holder": h.name, "kind": "image", "reference": h.holder.image, "path": array.concat(h.path, ["image"])} if {
	some h in image_holders
	is_string(h.holder.image)
}

image_references contains {"holder": h.name, "kind": "image", "reference": h.holder.image.name, "path": array.concat(h.path, ["image", "name"])} if {
	some h in image_holders
	is_string(h.holder.image.name)
}

image_references contains {"holder": h.name, "kind": "service", "reference": service, "path": array.concat(h.path, ["services", k])} if {
	some h in image_holders
	some k, service in util.array_at(h.holder, ["services"])
	is_string(service)
}

image_references contains {"holder": h.name, "kind": "service", "reference": service.name, "path": array.concat(h.path, ["services", k, "name"])} if {
	some h in image_holders
	some k, service in util.array_at(h.holder, ["services"])
	is_string(service.name)
}

# A reference is floating when it names latest, by default (no tag, no digest) or explicitly;
# an explicit `:latest` counts even after a variable (`$CI_REGISTRY_IMAGE:latest`).
floating(reference) if {
	images.judgeable(reference)
	images.uses_latest(reference)
}

floating(reference) if {
	util.is_templated(reference)
	endswith(reference, ":latest")
}

# METADATA
# title: Job image tag latest or missing
# description: >-
#   A job image or service without a tag, or tagged `latest`, changes between pipeline runs: the
#   same commit can pass today and fail tomorrow, and a compromised upstream image runs with the
#   job's CI/CD variables.
# custom:
#   id: GITLAB-002
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Use a specific version tag (`image: node:22.11-alpine`), or better a digest (`image:
#     node:22.11-alpine@sha256:…`).
findings contains {
	"id": "GITLAB-002",
	"msg": sprintf("%s uses the %s %s without a fixed tag", [i.holder, i.kind, i.reference]),
	"path": i.path,
} if {
	some i in image_references
	floating(i.reference)
}
