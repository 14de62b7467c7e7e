import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseDockerfile, parseDockerfileWithLines } from '../src/documents/dockerfile.js'
import { canonicalJson, conftestParse, type ConftestParsed } from './support/conftest-parse.js'

/** Dockerfiles at the edges of buildkit's parser and instruction checks. */
const cases: Record<string, string> = {
  'unknown instruction': 'FROM alpine\nFROBNICATE x\n',
  'unknown flag': 'FROM alpine\nCOPY --nope=1 a b\n',
  'flag without --': 'FROM alpine\nCOPY -x a b\n',
  'flags end at --': 'FROM alpine\nRUN -- --not-a-flag\n',
  'FROM without image': 'FROM\n',
  'FROM with two words': 'FROM alpine extra\n',
  'FROM AS bad name': 'FROM alpine AS 1stage\n',
  'FROM as mixed case name': 'FROM alpine As Build\n',
  'FROM --platform': 'FROM --platform=linux/amd64 alpine\n',
  'ENV without value': 'FROM alpine\nENV ONLYNAME\n',
  'ENV pair without =': 'FROM alpine\nENV A=1 B\n',
  'ENV blank name': 'FROM alpine\nENV =1\n',
  'ENV quoted pairs': 'FROM alpine\nENV A="x y" B=\'z\' C=a\\ b\n',
  'LABEL legacy form': 'FROM alpine\nLABEL key value with spaces\n',
  'COPY one argument': 'FROM alpine\nCOPY onlyone\n',
  'COPY heredoc destination': 'FROM alpine\nCOPY a <<EOF\nx\nEOF\n',
  'COPY --link=': 'FROM alpine\nCOPY --link= a b\n',
  'COPY --chmod without value': 'FROM alpine\nCOPY --chmod a b\n',
  'COPY --exclude twice': 'FROM alpine\nCOPY --exclude=a --exclude=b src dst\n',
  'COPY --from twice': 'FROM alpine\nCOPY --from=a --from=b src dst\n',
  'ADD --unpack=maybe': 'FROM alpine\nADD --unpack=maybe a b\n',
  'ADD --keep-git-dir': 'FROM alpine\nADD --keep-git-dir=true https://x/y.git /src\n',
  'RUN bad network': 'FROM alpine\nRUN --network=bridge true\n',
  'RUN bad security': 'FROM alpine\nRUN --security=root true\n',
  'RUN mount from variable': 'FROM alpine\nRUN --mount=type=cache,from=$STAGE,target=/x true\n',
  'RUN mount bad csv': 'FROM alpine\nRUN --mount=type=bind,"src=a"b true\n',
  'RUN mount fine': 'FROM alpine\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n',
  'RUN device': 'FROM alpine\nRUN --device=nvidia.com/gpu=all,required nvidia-smi\n',
  'RUN device extra field': 'FROM alpine\nRUN --device=a,b true\n',
  'RUN JSON with numbers': 'FROM alpine\nRUN ["echo", 1]\n',
  'RUN empty JSON': 'FROM alpine\nRUN []\n',
  'RUN broken JSON is shell form': 'FROM alpine\nRUN ["echo", "x"\n',
  'HEALTHCHECK bad type': 'FROM alpine\nHEALTHCHECK RUN curl x\n',
  'HEALTHCHECK CMD without command': 'FROM alpine\nHEALTHCHECK CMD\n',
  'HEALTHCHECK NONE with arguments': 'FROM alpine\nHEALTHCHECK NONE now\n',
  'HEALTHCHECK bad interval': 'FROM alpine\nHEALTHCHECK --interval=soon CMD true\n',
  'HEALTHCHECK interval below 1ms': 'FROM alpine\nHEALTHCHECK --interval=500us CMD true\n',
  'HEALTHCHECK compound interval': 'FROM alpine\nHEALTHCHECK --interval=1m30.5s CMD true\n',
  'HEALTHCHECK negative retries': 'FROM alpine\nHEALTHCHECK --retries=-1 CMD true\n',
  'HEALTHCHECK retries not a number': 'FROM alpine\nHEALTHCHECK --retries=x CMD true\n',
  'VOLUME empty string': 'FROM alpine\nVOLUME ["/data", " "]\n',
  'SHELL not JSON': 'FROM alpine\nSHELL /bin/bash -c\n',
  'ONBUILD ONBUILD': 'FROM alpine\nONBUILD ONBUILD RUN x\n',
  'ONBUILD FROM': 'FROM alpine\nONBUILD FROM x\n',
  'ONBUILD with heredoc': 'FROM alpine\nONBUILD RUN <<EOF\necho hi\nEOF\n',
  'WORKDIR with spaces': 'FROM alpine\nWORKDIR /my dir\n',
  'USER without argument': 'FROM alpine\nUSER\n',
  'STOPSIGNAL without argument': 'FROM alpine\nSTOPSIGNAL\n',
  MAINTAINER: 'FROM alpine\nMAINTAINER someone <a@b.c>\n',
  'ARG blank name': 'FROM alpine\nARG =x\n',
  'ARG with flags is not checked': 'FROM alpine\nARG --anything=1 A=2\n',
  'empty file': '',
  'only comments': '# just\n# comments\n',
  'unterminated heredoc': 'FROM alpine\nRUN <<EOF\necho\n',
  'two escape directives': '# escape=`\n# escape=`\nFROM alpine\n',
  'invalid escape token': '# escape=x\nFROM alpine\n',
  'directive after a comment is a comment': '# hello\n# escape=`\nFROM alpine\n',
  'indented comment keeps its #': 'FROM alpine\n   # indented\nRUN true\n',
  'lowercase and odd spacing': 'from   alpine\n\trun\techo   spaced \nCMD  [ "a" ,"b" ]  \n',
  'backslash at the very end': 'FROM alpine\nRUN echo \\',
  'continuation then comment then blank': 'FROM alpine\nRUN a \\\n# c\n\n  b\n',
  'heredoc with quotes and dash': "FROM alpine\nRUN <<-'EOT' bash\n\techo $HOME\n\tEOT\n",
  'heredoc name after space': 'FROM alpine\nRUN << EOF\nx\nEOF\n',
  'not a heredoc in JSON form': 'FROM alpine\nRUN ["sh", "-c", "cat <<EOF"]\nEOF\n',
  'heredoc on an unquoted word with variable': 'FROM alpine\nCOPY <<${NAME} /x\ncontent\n${NAME}\n',
  'line over 64 KB': `FROM alpine\nRUN echo ${'x'.repeat(70_000)}\n`,
  'non-ASCII flag value': 'FROM alpine\nCOPY --chown=usé a b\n'
}

let conftest: Map<string, ConftestParsed>
const fileOf: Record<string, string> = {}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockerfile-cases-'))
  for (const [index, [name, text]] of Object.entries(cases).entries()) {
    const file = path.join(dir, `case-${index}.Dockerfile`)
    await writeFile(file, text)
    fileOf[name] = file
  }
  conftest = await conftestParse(Object.values(fileOf))
})

describe('Dockerfiles at the edges, against conftest', () => {
  it.each(Object.keys(cases))('%s', name => {
    const ours = parseDockerfile(cases[name])
    const theirs = conftest.get(fileOf[name])
    if (!theirs) throw new Error(`no conftest result for ${name}`)
    if ('error' in theirs) {
      expect('error' in ours && ours.error.message).toMatch(/^invalid Dockerfile at line \d+: /)
    } else {
      if ('error' in ours)
        throw new Error(`conftest parses it, policy-gate says: ${ours.error.message}`)
      expect(canonicalJson(ours.documents[0].value)).toBe(canonicalJson(theirs.value))
    }
  })
})

describe('instruction lines', () => {
  it('gives each entry, comments included, the line it starts on', () => {
    const text = [
      '# syntax=docker/dockerfile:1', // 1 (a directive: not an entry)
      '# base image', //                 2
      'FROM alpine AS build', //         3
      '', //                             4
      'RUN apk add \\', //               5
      '    curl', //                     6
      'COPY <<EOF /x', //                7
      'FROM not-an-instruction', //      8
      'EOF', //                          9
      '# final stage', //                10
      'FROM scratch' //                  11
    ].join('\n')
    const parsed = parseDockerfileWithLines(text)
    if ('error' in parsed) throw new Error(parsed.error.message)
    expect(parsed.instructions.map((i, n) => [i.Cmd, parsed.lines[n], i.Stage])).toEqual([
      ['comment', 2, 0],
      ['from', 3, 0],
      ['run', 5, 0],
      ['copy', 7, 0],
      ['comment', 10, 1],
      ['from', 11, 1]
    ])
  })

  it('is one document holding the instruction list, as conftest parse prints it', () => {
    const parsed = parseDockerfile('\n\nFROM alpine\nUSER app\n')
    if ('error' in parsed) throw new Error(parsed.error.message)
    expect(parsed.documents).toHaveLength(1)
    expect(parsed.documents[0].line).toBe(3)
    const [instructions] = parsed.documents[0].value as unknown[][]
    expect(instructions).toHaveLength(2)
  })

  it('names the line of an error', () => {
    expect(parseDockerfile('FROM alpine\n\nRUN --network=bridge \\\n  true\n')).toEqual({
      error: {
        message:
          'invalid Dockerfile at line 3: invalid network mode "bridge". Fix the instruction; conftest cannot parse this file either.',
        line: 3
      }
    })
  })
})
