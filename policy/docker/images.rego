# Base images.
package docker

import data.lib.images

# Base images a rule can judge: not an earlier stage, not scratch, not an ARG placeholder.
base_images contains {"index": i, "image": image} if {
	some i, instruction in input
	instruction.Cmd == "from"
	image := instruction.Value[0]
	not lower(image) in stage_names
	lower(image) != "scratch"
	images.judgeable(image)
}

# METADATA
# title: Base image tag latest or missing
# description: >-
#   A base image without a tag, or tagged `latest`, changes under the build: the same Dockerfile
#   produces different images from one day to the next.
# custom:
#   id: DOCKER-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Use a specific version tag (`FROM python:3.13-slim`), or better a digest (`FROM
#     python:3.13-slim@sha256:…`).
findings contains {
	"id": "DOCKER-002",
	"msg": sprintf("FROM %s: the base image has no fixed tag", [b.image]),
	"path": [b.index, "Value", 0],
} if {
	some b in base_images
	images.uses_latest(b.image)
}

# METADATA
# title: Base image not pinned by digest
# description: >-
#   A tag can be moved to a different image; only a digest guarantees that the build uses the base
#   image that was reviewed.
# custom:
#   id: DOCKER-003
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Add the digest to the base image (`FROM python:3.13-slim@sha256:…`); Renovate or Dependabot
#     keep it current.
findings contains {
	"id": "DOCKER-003",
	"msg": sprintf("FROM %s: the base image is not pinned by digest", [b.image]),
	"path": [b.index, "Value", 0],
} if {
	some b in base_images
	not images.pinned_by_digest(b.image)
}
