import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { locateFinding, messageCandidates, type LocateHint } from '../src/documents/locate.js'
import { parseFile } from '../src/documents/parse.js'
import type { ParsedFile } from '../src/findings.js'
import { repoRoot } from './support/tools.js'

const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'documents')
const corpora = path.resolve(repoRoot, '..', 'shared', 'corpora')

/** Parses a fixture under the repository-relative name it would have in a workspace. */
async function load(fixture: string, asPath = fixture): Promise<ParsedFile> {
  const parsed = await parseFile(asPath, readFileSync(path.join(fixtures, fixture), 'utf8'))
  if (parsed.error) throw new Error(parsed.error.message)
  return parsed
}

/** The text of a line, to show what a located line holds. */
function lineText(file: ParsedFile, line: number): string {
  return file.text.split('\n')[line - 1].trim()
}

let deployment: ParsedFile
let workflow: ParsedFile
let list: ParsedFile
let pods: ParsedFile
let dockerfile: ParsedFile
let plan: ParsedFile
let terraform: ParsedFile

beforeAll(async () => {
  deployment = await load('locate/deployment.yaml', 'k8s/deployment.yaml')
  workflow = await load('locate/workflow.yml')
  list = await load('locate/list.yaml')
  pods = await load('locate/pods.json')
  dockerfile = await load('locate/Dockerfile')
  plan = await load('terraform/plan.json')
  terraform = await load('terraform/main.tf')
})

describe('rule 1: the policy’s _loc, when it names this file', () => {
  const path_ = ['spec', 'replicas']

  it.each([
    ['the same relative path', 'k8s/deployment.yaml'],
    ['a ./ path', './k8s/deployment.yaml'],
    ['a path with ..', 'k8s/../k8s/deployment.yaml'],
    ['an absolute path inside the workspace', '/github/workspace/k8s/deployment.yaml']
  ])('is used for %s, before the path', (_name, file) => {
    const hint: LocateHint = { loc: { file, line: 4 }, path: path_ }
    expect(locateFinding(deployment, 0, hint, { workspace: '/github/workspace' })).toBe(4)
  })

  it.each([
    ['another file', { file: 'k8s/service.yaml', line: 4 }],
    ['a path outside the repository', { file: '../k8s/deployment.yaml', line: 4 }],
    ['an absolute path outside the workspace', { file: '/etc/k8s/deployment.yaml', line: 4 }],
    ['a line past the end of the file', { file: 'k8s/deployment.yaml', line: 400 }],
    ['line 0', { file: 'k8s/deployment.yaml', line: 0 }]
  ])('is ignored for %s (the path decides)', (_name, loc) => {
    const line = locateFinding(
      deployment,
      0,
      { loc, path: path_ },
      { workspace: '/github/workspace' }
    )
    expect(lineText(deployment, line)).toBe('replicas: 2')
  })

  it('ignores an absolute path when the workspace is not known', () => {
    const hint = { loc: { file: '/github/workspace/k8s/deployment.yaml', line: 4 }, path: path_ }
    expect(lineText(deployment, locateFinding(deployment, 0, hint))).toBe('replicas: 2')
  })
})

describe('rule 2: a path into the document', () => {
  it.each([
    [0, ['spec', 'template', 'spec', 'containers', 0, 'image'], 'image: nginx:latest'],
    [
      0,
      ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'],
      'privileged: true'
    ],
    [0, ['spec', 'template', 'spec', 'containers', 1], '- name: sidecar'],
    [0, ['spec', 'template', 'metadata', 'labels', 'app'], 'app: web'],
    [0, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits'], '- name: nginx'],
    [1, ['spec', 'ports', 0, 'targetPort'], 'targetPort: 8080']
  ] as const)('YAML document %i, %j → %s', (document, segments, text) => {
    expect(lineText(deployment, locateFinding(deployment, document, { path: segments }))).toBe(text)
  })

  it('follows YAML 1.1 keys and merge keys as conftest sees them', () => {
    // `on` is the boolean true to go-yaml v2, so conftest's key is "true".
    expect(lineText(workflow, locateFinding(workflow, 0, { path: ['true', 'push'] }))).toBe('push:')
    // A merged key resolves into the anchor it came from...
    expect(
      lineText(workflow, locateFinding(workflow, 0, { path: ['jobs', 'build', 'runs-on'] }))
    ).toBe('runs-on: ubuntu-latest')
    // ...and a merge written after an explicit key overwrites it, as go-yaml v2 applies it.
    expect(
      lineText(workflow, locateFinding(workflow, 0, { path: ['jobs', 'test', 'timeout-minutes'] }))
    ).toBe('timeout-minutes: 10')
  })

  it('reaches an element of a top-level list through its index (the engine prefixes it)', () => {
    const hint = { path: [1, 'metadata', 'name'], element: 1 }
    expect(lineText(list, locateFinding(list, 0, hint))).toBe('name: second')
    expect(
      lineText(pods, locateFinding(pods, 0, { path: [1, 'spec', 'containers', 0, 'image'] }))
    ).toBe('{ "name": "app", "image": "busybox" }')
  })

  it("gives a Dockerfile instruction's line from its index", () => {
    // The document is [instructions]: element 0, then the instruction.
    const instructions = (dockerfile.documents[0].value as { Cmd: string }[][])[0]
    const user = instructions.findIndex(i => i.Cmd === 'user')
    expect(
      lineText(dockerfile, locateFinding(dockerfile, 0, { path: [0, user, 'Value', 0] }))
    ).toBe('USER root')
    const run = instructions.findIndex(i => i.Cmd === 'run')
    expect(lineText(dockerfile, locateFinding(dockerfile, 0, { path: [0, run] }))).toBe(
      'RUN go build -o /app \\'
    )
  })

  it('resolves a path into a Terraform plan', () => {
    const hint = { path: ['resource_changes', 2, 'change', 'after', 'cidr_block'] }
    expect(lineText(plan, locateFinding(plan, 0, hint))).toBe('"cidr_block": "10.0.0.0/16"')
  })

  it.each([
    [['resource', 'aws_s3_bucket', 'logs', 0, 'acl'], 'acl    = "public-read"'],
    [['resource', 'aws_s3_bucket', 'logs', 0, 'versioning', 0, 'enabled'], 'enabled = false'],
    [['resource', 'aws_s3_bucket', 'logs'], 'resource "aws_s3_bucket" "logs" {'],
    [
      ['data', 'aws_iam_policy_document', 'read', 0, 'statement', 0, 'actions'],
      'actions   = ["s3:GetObject"]'
    ],
    [['module', 'network', 0, 'source'], 'source = "./modules/network"'],
    [['terraform', 0, 'required_version'], 'required_version = ">= 1.5"']
  ])('resolves the HCL path %j', (segments, text) => {
    expect(lineText(terraform, locateFinding(terraform, 0, { path: segments }))).toBe(text)
  })
})

describe('rule 3: a value the message quotes or names', () => {
  it.each([
    ["container 'sidecar' has no resource limits", '- name: sidecar', 0],
    ['image nginx:latest uses the latest tag', 'image: nginx:latest', 0],
    ['port 8080 is exposed', 'targetPort: 8080', 1],
    // A quoted value comes first, and is found where it first appears in the document.
    ['Service "web" exposes port 8080', 'name: web', 1]
  ] as const)('%s', (message, text, document) => {
    expect(lineText(deployment, locateFinding(deployment, document, { message }))).toBe(text)
  })

  it('searches only the element a finding is about', () => {
    const line = locateFinding(list, 0, { message: "pod 'second' runs busybox", element: 1 })
    expect(lineText(list, line)).toBe('name: second')
    const inPods = locateFinding(pods, 0, { message: 'container "app" has no limits', element: 1 })
    expect(lineText(pods, inPods)).toBe('{ "name": "app", "image": "busybox" }')
  })

  it('finds a resource address in a Terraform plan at its resource_changes entry', () => {
    const message = 'module.network.aws_vpc.main has no flow logs'
    expect(lineText(plan, locateFinding(plan, 0, { message }))).toBe(
      '"address": "module.network.aws_vpc.main",'
    )
  })

  it('finds a resource address in .tf sources at its block', () => {
    const message = 'aws_s3_bucket.logs has no server-side encryption'
    expect(lineText(terraform, locateFinding(terraform, 0, { message }))).toBe(
      'resource "aws_s3_bucket" "logs" {'
    )
    const quoted = "aws_s3_bucket.logs: acl 'public-read' is not allowed"
    expect(lineText(terraform, locateFinding(terraform, 0, { message: quoted }))).toBe(
      'acl    = "public-read"'
    )
  })

  it('finds an image in a Dockerfile at its instruction', () => {
    expect(
      lineText(
        dockerfile,
        locateFinding(dockerfile, 0, { message: "base image 'ubuntu:latest' is not pinned" })
      )
    ).toBe('FROM ubuntu:latest')
    expect(
      lineText(dockerfile, locateFinding(dockerfile, 0, { message: 'do not install curl' }))
    ).toBe('FROM golang:1.22 AS build')
    expect(
      lineText(dockerfile, locateFinding(dockerfile, 0, { message: 'install of `curl` found' }))
    ).toBe('RUN apt-get update && apt-get install -y curl')
  })

  it('picks quoted values first, then identifier-like words, never plain prose', () => {
    expect(
      messageCandidates("Deployment web: container 'nginx' uses image nginx:latest (v1.2)")
    ).toEqual(['nginx', 'nginx:latest', 'v1.2'])
    expect(messageCandidates("the container's image isn't pinned")).toEqual([])
  })
})

describe('rule 4: the document’s first line', () => {
  it('when nothing else locates the finding', () => {
    const line = locateFinding(deployment, 1, { message: 'a finding about nothing in particular' })
    expect([line, lineText(deployment, line)]).toEqual([22, 'apiVersion: v1'])
    expect(locateFinding(deployment, 0, { path: ['nope'], message: 'x' })).toBe(2)
  })

  it("for an element of a top-level list, the element's line", () => {
    expect(lineText(list, locateFinding(list, 0, { message: 'no', element: 1 }))).toBe(
      '- kind: Pod'
    )
    expect(locateFinding(list, 0, { message: 'no', element: 1 })).toBe(9)
    expect(locateFinding(pods, 0, { message: 'no', element: 1 })).toBe(7)
  })

  it('for a file that did not parse, the line of its error', async () => {
    const broken = await parseFile('bad.yaml', 'a: 1\nb: [\n')
    expect(locateFinding(broken, 0, { message: 'x' })).toBe(broken.error?.line)
  })
})

describe('on the real corpora', () => {
  const corporaIt = existsSync(corpora) ? it : it.skip

  corporaIt("locates `kind` in every document of kubernetes/examples' YAML", async () => {
    let checked = 0
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
        entry.isDirectory()
          ? walk(path.join(dir, entry.name))
          : /\.ya?ml$/.test(entry.name)
            ? [path.join(dir, entry.name)]
            : []
      )
    for (const file of walk(path.join(corpora, 'kubernetes__examples'))) {
      const parsed = await parseFile(path.relative(corpora, file), readFileSync(file, 'utf8'))
      if (parsed.error) continue
      for (const document of parsed.documents) {
        const values = Array.isArray(document.value) ? document.value : [document.value]
        for (const [element, value] of values.entries()) {
          if (typeof value !== 'object' || value === null || !('kind' in value)) continue
          const prefix = Array.isArray(document.value) ? [element] : []
          const line = locateFinding(parsed, document.index, { path: [...prefix, 'kind'] })
          expect([file, lineText(parsed, line)]).toEqual([
            file,
            expect.stringMatching(/^(- )?kind:/)
          ])
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(200)
  })

  corporaIt("locates every instruction of docker-library's Dockerfiles", async () => {
    let checked = 0
    for (const repo of [
      'docker-library__python',
      'docker-library__golang',
      'docker-library__php'
    ]) {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
          entry.isDirectory()
            ? walk(path.join(dir, entry.name))
            : entry.name === 'Dockerfile'
              ? [path.join(dir, entry.name)]
              : []
        )
      for (const file of walk(path.join(corpora, repo))) {
        const parsed = await parseFile(path.relative(corpora, file), readFileSync(file, 'utf8'))
        if (parsed.error) throw new Error(`${file}: ${parsed.error.message}`)
        const instructions = (parsed.documents[0].value as { Cmd: string }[][])[0]
        for (const [index, instruction] of instructions.entries()) {
          const text = lineText(parsed, locateFinding(parsed, 0, { path: [0, index] }))
          const expected = instruction.Cmd === 'comment' ? '#' : instruction.Cmd
          expect([file, index, text.toLowerCase().startsWith(expected)]).toEqual([
            file,
            index,
            true
          ])
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })
})
