package main

import rego.v1

instruction(cmd, value, stage) := {"Cmd": cmd, "Value": [value], "Stage": stage}

test_final_stage_without_healthcheck_warns if {
	dockerfile := [
		instruction("from", "golang:1.24 AS build", 0),
		instruction("healthcheck", "CMD true", 0),
		instruction("from", "gcr.io/distroless/static:nonroot", 1),
	]
	some result in warn_healthcheck with input as dockerfile
	result.path == [2]
}

test_final_stage_with_healthcheck_passes if {
	dockerfile := [
		instruction("from", "nginx:1.27", 0),
		instruction("healthcheck", "CMD curl -f http://localhost/", 0),
	]
	count(warn_healthcheck) == 0 with input as dockerfile
}
