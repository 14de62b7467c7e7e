# Where container images come from and whether they are pinned.
package kubernetes

import data.lib.config
import data.lib.images
import data.lib.kubernetes as k8s

# Containers with an image reference a rule can judge (not empty, not a template).
judged_images := [{"container": c, "image": c.container.image, "path": array.concat(c.path, ["image"])} |
	some c in k8s.containers
	images.judgeable(c.container.image)
]

# METADATA
# title: Image tag latest or missing
# description: >-
#   An image without a tag, or tagged `latest`, changes whenever the tag is pushed again: two pods
#   of the same workload can run different code, and a rollback does not roll back.
# custom:
#   id: K8S-201
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Use a specific version tag (`nginx:1.27.3`), or better a digest (`nginx@sha256:…`).
findings contains {
	"id": "K8S-201",
	"msg": sprintf(`%s: container "%s" uses the image "%s" without a fixed tag`, [k8s.display, i.container.name, i.image]),
	"path": i.path,
} if {
	some i in judged_images
	images.uses_latest(i.image)
}

# METADATA
# title: Image not pinned by digest
# description: >-
#   A tag can be moved to a different image; only a digest (`@sha256:…`) guarantees that what runs
#   is what was reviewed and scanned.
# custom:
#   id: K8S-202
#   severity: low
#   enforcement: warn
#   remediation: >-
#     Reference the image by digest (`registry/repo:tag@sha256:…`); tools such as Renovate or
#     Dependabot keep digests current.
findings contains {
	"id": "K8S-202",
	"msg": sprintf(`%s: container "%s" uses the image "%s", which is not pinned by digest`, [k8s.display, i.container.name, i.image]),
	"path": i.path,
} if {
	some i in judged_images
	not images.pinned_by_digest(i.image)
}

# METADATA
# title: Image from a registry that is not allowed
# description: >-
#   Images must come from the registries in `policy_gate.kubernetes.allowed_registries` (by
#   default, well-known public registries and the cloud providers' private registries).
# custom:
#   id: K8S-203
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Mirror the image into an allowed registry, or add its registry to
#     `policy_gate.kubernetes.allowed_registries`.
findings contains {
	"id": "K8S-203",
	"msg": sprintf(`%s: container "%s" uses the image "%s" from %s, which is not an allowed registry`, [k8s.display, i.container.name, i.image, images.parse(i.image).registry]),
	"path": i.path,
} if {
	some i in judged_images
	not images.allowed(i.image, config.setting(["kubernetes", "allowed_registries"]))
}
