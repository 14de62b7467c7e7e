# METADATA
# title: Dockerfile
# description: >-
#   Dockerfiles, in the shape conftest's `dockerfile` parser gives them: an array of instructions
#   `{Cmd, Flags, JSON, Stage, SubCmd, Value}`, comments included. A result's `path` starts with
#   the instruction's index in that array (`[4, "Value", 0]`). Exceptions name the `file`.
package docker

import data.lib.result

deny contains r if {
	is_dockerfile
	some finding in findings
	some r in result.denials(finding, {})
}

warn contains r if {
	is_dockerfile
	some finding in findings
	some r in result.warnings(finding, {})
}

# An array of instructions with at least one FROM.
is_dockerfile if {
	is_array(input)
	every instruction in input {
		is_object(instruction)
		is_string(instruction.Cmd)
		is_array(object.get(instruction, "Value", []))
	}
	some instruction in input
	instruction.Cmd == "from"
}

# The index of every FROM, and of the last one: the stage that becomes the image.
from_indexes := [i | some i, instruction in input; instruction.Cmd == "from"]

final_from := from_indexes[count(from_indexes) - 1]

final_stage := input[final_from].Stage

# Names given to stages (FROM image AS name), which later FROM lines can build on.
stage_names contains lower(instruction.Value[2]) if {
	some instruction in input
	instruction.Cmd == "from"
	count(instruction.Value) >= 3
	lower(instruction.Value[1]) == "as"
}

# RUN instructions, and ONBUILD RUN (which runs in every image built FROM this one), with their
# command line: the shell form, or the exec form's words joined.
runs contains {"index": i, "stage": instruction.Stage, "command": concat(" ", instruction.Value), "flags": object.get(instruction, "Flags", [])} if {
	some i, instruction in input
	is_run(instruction)
}

is_run(instruction) if instruction.Cmd == "run"

is_run(instruction) if {
	instruction.Cmd == "onbuild"
	lower(instruction.SubCmd) == "run"
}
