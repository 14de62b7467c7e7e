// Hostile input, all in one suite, through the real code: the action as the runner runs it
// (`node dist/index.js`, its stdout read as the runner reads workflow commands, the comment and
// check run received by the project's GitHub server), the CLI in-process, the gate and the
// loaders. Text that tries to inject, notify or overflow; locations that point out of the
// repository; files that are not what they seem; a token a policy tries to read; binaries and
// bundles swapped in a cache.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main, type CliIo } from '../src/cli.js'
import { loadData } from '../src/evaluate/data.js'
import { HOST_BUILTIN_NAMES, runGate } from '../src/gate.js'
import { compilePolicies } from '../src/opa/compile.js'
import { installOpa } from '../src/opa/install.js'
import { escapeLogLine } from '../src/report/escape.js'
import { HEAD_SHA, REPOSITORY, runActionProcess } from './support/action-process.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { hostileStrings } from './support/report-fixtures.js'
import { startReleaseServer } from './support/release-server.js'
import { OPA_VERSION, opaBinary, repoRoot } from './support/tools.js'

const POLICY = path.join(repoRoot, '__tests__', 'fixtures', 'trust', 'policy')

const temporary: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  temporary.push(dir)
  return dir
}

let github: GitHubServer
beforeAll(async () => {
  github = await startGitHubServer()
})
afterAll(async () => {
  await github.close()
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------
// The action, as the runner runs it

/** Everything the text-injection cases put in front of the gate. */
const HOSTILE_VALUES = [
  ...hostileStrings,
  '%0A::error::percent-encoded newline',
  'carriage\r::error::return',
  'https://evil.example/phish and www.evil.example'
]
const HOSTILE_NAMES = [
  'k8s/@octocat #123 [x](https:evil.example) <script>.yaml',
  'k8s/new\nline::error::from-a-file-name.yaml',
  'k8s/%0A::warning::percent.yaml',
  `k8s/${'n'.repeat(240)}.yaml`
]

const yamlDocuments = (docs: readonly unknown[]): string =>
  docs.map(doc => JSON.stringify(doc)).join('\n---\n') + '\n'
const pod = (name: string, note: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, annotations: { note } }
})

interface ActionRun {
  code: number
  stdout: string
  summary: string
  workspace: string
}

async function runAction(options: {
  files: Record<string, string>
  pullFiles?: string[]
  pullRequest: number
  setup?: (workspace: string) => void
}): Promise<ActionRun> {
  const workspace = tempDir('policy-gate-hostile-ws-')
  cpSync(POLICY, path.join(workspace, 'policy'), { recursive: true })
  for (const [file, content] of Object.entries(options.files)) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true })
    writeFileSync(path.join(workspace, file), content)
  }
  options.setup?.(workspace)
  github.state.addPullRequest(
    REPOSITORY,
    options.pullRequest,
    (options.pullFiles ?? Object.keys(options.files)).map(filename => ({
      filename,
      status: 'added'
    }))
  )
  const files = tempDir('policy-gate-hostile-files-')
  const run = await runActionProcess({
    workspace,
    apiUrl: github.url,
    pullRequest: options.pullRequest,
    baseSha: '1111111111111111111111111111111111111111',
    runner: { temp: path.join(files, 'runner-temp'), toolCache: path.join(files, 'tool-cache') },
    inputs: {
      policy: 'policy',
      'github-token': github.token,
      'opa-version': OPA_VERSION,
      'opa-path': opaBinary,
      comment: 'always',
      'check-run': 'true',
      'results-file': 'results.json',
      'sarif-file': 'results.sarif',
      // The workspace is no git checkout: these cases are about content, not where policies come
      // from (policy-source.test.ts and e2e-action.test.ts cover the base commit).
      'policy-source': 'head'
    },
    // What the runner gives a JavaScript action besides its inputs.
    env: {
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-must-not-leak',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token-must-not-leak'
    }
  })
  return { code: run.code, stdout: run.stdout, summary: run.summary, workspace }
}

interface WorkflowCommand {
  name: string
  properties: Record<string, string>
  data: string
}

/**
 * The workflow commands in a step's output, read as the runner reads them: every line (split on
 * LF, CRLF and CR) whose start, after blanks, is `::name props::data`.
 */
function workflowCommands(stdout: string): WorkflowCommand[] {
  const unescape = (text: string): string =>
    text
      .replace(/%0D/g, '\r')
      .replace(/%0A/g, '\n')
      .replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
      .replace(/%25/g, '%')
  const commands: WorkflowCommand[] = []
  for (const raw of stdout.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart()
    if (!line.startsWith('::')) continue
    const end = line.indexOf('::', 2)
    if (end === -1) continue
    const head = line.slice(2, end)
    const space = head.indexOf(' ')
    const name = space === -1 ? head : head.slice(0, space)
    const properties: Record<string, string> = {}
    if (space !== -1) {
      for (const pair of head.slice(space + 1).split(',')) {
        const eq = pair.indexOf('=')
        if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1))
      }
    }
    commands.push({ name, properties, data: unescape(line.slice(end + 2)) })
  }
  return commands
}

/** A command policy-gate meant to write: an annotation with a title, its own notices, a mask. */
function isOwnCommand(command: WorkflowCommand): boolean {
  if (command.name === 'add-mask' || command.name === 'debug') return true
  if (!['error', 'warning', 'notice'].includes(command.name)) return false
  return 'title' in command.properties || command.data.startsWith('policy-gate')
}

/** Unescaped `|` in a Markdown line: the cell separators GFM sees. */
const cellSeparators = (line: string): number => (line.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length

/** Markdown that stays what policy-gate wrote: no HTML, links, images or notifications slipped in. */
function expectInertMarkdown(markdown: string): void {
  // Link destinations are policy-gate's own (GitHub and the run), never a message's.
  for (const [, target] of markdown.matchAll(/(?<!\\)\]\(([^)\s]*)\)/g)) {
    expect(target).toMatch(/^https:\/\/github\.com\/octo-org\/platform\//)
  }
  // Numeric character references (`&#91;` in HTML blocks) are not issue references.
  const text = markdown.replace(/(?<!\\)\]\([^)\s]*\)/g, ']').replace(/&#\d+;/g, '')
  expect(text).not.toMatch(/<script|<img|<a /i)
  expect(text).not.toMatch(/(?<!\\)!\[/)
  // Mentions and references carry a zero-width joiner, so no autolinker matches them.
  expect(text).not.toMatch(/(?<![\w`\\])@[A-Za-z0-9]/)
  expect(text).not.toMatch(/#\d/)
  expect(text).not.toMatch(/https?:\/\/evil|www\.evil/)
  for (const tag of ['details', 'summary', 'code', 'sub']) {
    expect((text.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe(
      (text.match(new RegExp(`</${tag}>`, 'g')) ?? []).length
    )
  }
  // Tables keep their header's column count on every row.
  let columns: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined
      continue
    }
    columns ??= cellSeparators(line)
    expect({ line: line.slice(0, 120), n: cellSeparators(line) }).toEqual({
      line: line.slice(0, 120),
      n: columns
    })
  }
}

describe('text in messages, file names and manifest values (node dist/index.js)', () => {
  const NUMBER = 31
  let run: ActionRun
  beforeAll(async () => {
    const files: Record<string, string> = {
      'k8s/hostile.yaml': yamlDocuments(HOSTILE_VALUES.map((note, i) => pod(`p${i}`, note))),
      'k8s/loc.yaml': 'kind: Loc\nmetadata:\n  name: loc\n',
      'k8s/env.yaml': 'kind: Env\nmetadata:\n  name: env\n'
    }
    for (const name of HOSTILE_NAMES) files[name] = yamlDocuments([pod('named', 'by name')])
    run = await runAction({ files, pullRequest: NUMBER })
  })

  it('fails on the findings and injects no workflow command', () => {
    expect(run.code).toBe(1)
    const commands = workflowCommands(run.stdout)
    expect(commands.filter(c => !isOwnCommand(c))).toEqual([])
    const annotations = commands.filter(c => 'title' in c.properties)
    for (const kind of ['error', 'warning', 'notice']) {
      expect(annotations.filter(c => c.name === kind).length).toBeLessThanOrEqual(10)
    }
    for (const a of annotations) {
      expect(a.data.length).toBeLessThanOrEqual(4096)
      expect(a.properties.title.length).toBeLessThanOrEqual(255)
    }
    // A file name with a newline is still one annotation on that file (the check run has all).
    const checkRun = github.state.checkRuns.find(r => r.headSha === HEAD_SHA)
    expect(checkRun?.annotations.map(a => a.path)).toContain(HOSTILE_NAMES[1])
  })

  it('keeps the summary and the comment escaped, within limits, notifying nobody', () => {
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024)
    expect(run.summary).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;')
    expectInertMarkdown(run.summary)

    const comments = github.state.commentsOn(REPOSITORY, NUMBER)
    expect(comments).toHaveLength(1)
    const body = comments[0].body
    expect(body.length).toBeLessThanOrEqual(65_536)
    // The hostile "<!-- policy-gate:policy -->" message did not add a second marker.
    expect(body.match(/<!-- policy-gate:/g)).toHaveLength(1)
    expect(body).toContain('@\u200docto')
    expectInertMarkdown(body)

    const checkRun = github.state.checkRuns.find(r => r.headSha === HEAD_SHA)
    expect(checkRun?.output.summary?.length).toBeLessThanOrEqual(65_535)
    expectInertMarkdown(checkRun?.output.summary ?? '')
  })

  it('writes results and SARIF that parse, with links in SARIF messages escaped', () => {
    const results = JSON.parse(readFileSync(path.join(run.workspace, 'results.json'), 'utf8'))
    expect(results).toBeTruthy()
    const sarif = JSON.parse(readFileSync(path.join(run.workspace, 'results.sarif'), 'utf8')) as {
      runs: { results: { message: { text: string } }[] }[]
    }
    const texts = sarif.runs[0].results.map(r => r.message.text)
    expect(texts).toContain('\\[x\\](http://evil.example)')
    for (const text of texts) expect(text).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/)
  })

  it('keeps a location outside the repository on the document', () => {
    const onLoc = workflowCommands(run.stdout).filter(
      c => c.data.includes('location') || c.data.includes('path outside')
    )
    expect(onLoc.map(c => c.data).sort()).toEqual([
      'absolute location',
      'location outside the repository',
      'location past the end of the file',
      'path outside the document'
    ])
    for (const c of onLoc) {
      expect(c.properties.file).toBe('k8s/loc.yaml')
      expect(Number(c.properties.line)).toBeGreaterThanOrEqual(1)
      expect(Number(c.properties.line)).toBeLessThanOrEqual(3)
    }
  })

  it('never shows the token: masked in the log, absent from every report, hidden from policies', () => {
    const secrets = [github.token, 'runtime-token-must-not-leak', 'oidc-token-must-not-leak']
    const withToken = run.stdout.split('\n').filter(line => line.includes(github.token))
    expect(withToken).toEqual([`::add-mask::${github.token}`])
    const reports = [
      run.summary,
      readFileSync(path.join(run.workspace, 'results.json'), 'utf8'),
      readFileSync(path.join(run.workspace, 'results.sarif'), 'utf8'),
      ...github.state.commentsOn(REPOSITORY, NUMBER).map(c => c.body),
      ...github.state.checkRuns.map(r => JSON.stringify(r))
    ]
    for (const text of reports) for (const secret of secrets) expect(text).not.toContain(secret)
    // The policy did read the environment: the repository is there, the credentials are not.
    const results = JSON.parse(readFileSync(path.join(run.workspace, 'results.json'), 'utf8')) as {
      filename: string
      failures?: { msg: string }[]
    }[]
    const env = results.find(r => r.filename === 'k8s/env.yaml')?.failures?.[0]?.msg ?? ''
    expect(JSON.parse(env)).toMatchObject({ GITHUB_REPOSITORY: REPOSITORY })
    expect(env).not.toContain('INPUT_GITHUB-TOKEN')
    expect(env).not.toContain('ACTIONS_RUNTIME_TOKEN')
  })
})

describe('text that reaches the job log (node dist/index.js)', () => {
  // print() output, skipped file names and the changed file names discover logs all pass through
  // escapeLogLine (src/report/escape.ts) before core.info.
  it('injects no workflow command through print() or a changed file name', async () => {
    const run = await runAction({
      pullRequest: 32,
      files: {
        'k8s/print.yaml': yamlDocuments([
          {
            kind: 'Print',
            metadata: { annotations: { note: 'a\n::error::printed\r::warning::cr' } }
          }
        ])
      },
      pullFiles: ['k8s/print.yaml', 'k8s/gone\n::error::from-the-pull-request-file-list.yaml']
    })
    expect(run.code).toBe(1)
    expect(workflowCommands(run.stdout).filter(c => !isOwnCommand(c))).toEqual([])
  })

  it('escapeLogLine leaves no line break and no leading command', () => {
    for (const text of [
      ...HOSTILE_VALUES,
      '  ::error::x',
      '\n::error::y',
      'a\r::set-output name=result::pass'
    ]) {
      const line = escapeLogLine(text)
      expect(line).not.toMatch(/[\r\n]/)
      expect(workflowCommands(line)).toEqual([])
      expect(workflowCommands(`print: ${line}`)).toEqual([])
    }
    expect(escapeLogLine('plain text')).toBe('plain text')
  })
})

// ---------------------------------------------------------------------------------------------
// Files that are not what they seem, through the CLI in-process

function cliIo(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: text => out.push(text),
    stderr: text => err.push(text),
    env: { PATH: process.env.PATH, XDG_CACHE_HOME: tempDir('policy-gate-hostile-cache-') },
    cwd,
    isTTY: false
  }
}

/** A billion-laughs YAML: nine levels of nine aliases, 387 million strings if expanded. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  let previous = 'a'
  for (const name of 'bcdefghij') {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`)
    previous = name
  }
  return `${lines.join('\n')}\n`
}

describe('files that are not what they seem (policy-gate test, in-process)', () => {
  it('refuses each with a clear finding, in bounded time and memory, and still judges the rest', async () => {
    const dir = tempDir('policy-gate-hostile-files-')
    cpSync(POLICY, path.join(dir, 'policy'), { recursive: true })
    const k8s = path.join(dir, 'k8s')
    mkdirSync(k8s)
    writeFileSync(path.join(k8s, 'good.json'), '{"spec": {"privileged": true}}\n')
    symlinkSync('/etc/passwd', path.join(k8s, 'passwd.yaml'))
    symlinkSync('/dev/zero', path.join(k8s, 'zero.yaml'))
    symlinkSync('../../../../../../../../etc/hostname', path.join(k8s, 'relative.yaml'))
    execFileSync('mkfifo', [path.join(k8s, 'fifo.yaml')])
    let device = true
    try {
      execFileSync('mknod', [path.join(k8s, 'device.yaml'), 'c', '1', '3'], { stdio: 'ignore' })
    } catch {
      device = false // mknod needs root; the FIFO and the links still run
      console.log('hostile input: not root, so no device file was made')
    }
    // 2 GB that costs no disk: the size is checked before anything is read.
    writeFileSync(path.join(k8s, 'sparse.yaml'), '')
    truncateSync(path.join(k8s, 'sparse.yaml'), 2 * 1024 ** 3)
    writeFileSync(path.join(k8s, 'bomb.yaml'), aliasBomb())
    writeFileSync(path.join(k8s, 'nested.yaml'), `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)
    writeFileSync(
      path.join(k8s, 'nested-map.yaml'),
      `${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}\n`
    )
    writeFileSync(
      path.join(k8s, 'nested.json'),
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}\n`
    )
    writeFileSync(path.join(k8s, 'keys.json'), millionKeys())

    const io = cliIo(dir)
    const rssBefore = process.memoryUsage().rss
    const started = performance.now()
    const code = await main(['test', 'k8s', '-p', 'policy', '--opa-path', opaBinary], io)
    const ms = performance.now() - started
    const rssGrowth = process.memoryUsage().rss - rssBefore
    console.log(
      `hostile files: ${Math.round(ms)} ms, RSS +${Math.round(rssGrowth / 1024 ** 2)} MiB`
    )

    const errors = io.err.join('')
    const expected: [string, RegExp][] = [
      ['passwd.yaml', /is a symbolic link to \/etc\/passwd, outside the workspace/],
      ['zero.yaml', /is a symbolic link to \/dev\/zero, outside the workspace/],
      ['relative.yaml', /outside the workspace/],
      ['fifo.yaml', /is a named pipe \(FIFO\), not a regular file/],
      ['sparse.yaml', /is 2048\.0 MB, over the .* limit; it is not parsed/],
      ['bomb.yaml', /excessive aliasing/],
      ['nested.yaml', /YAML nesting is deeper than 1000 levels/],
      ['nested-map.yaml', /YAML nesting is deeper than 1000 levels/],
      ['nested.json', /JSON nesting is deeper than 1000 levels/],
      ['keys.json', /over the .* limit; it is not parsed/]
    ]
    if (device) expected.push(['device.yaml', /is a device or other special file/])
    for (const [file, message] of expected) {
      const line = errors.split('\n').find(l => l.startsWith(`policy-gate: error: k8s/${file}:`))
      expect({ file, line: line?.replace(/^.*?: error: /, '') }).toEqual({
        file,
        line: expect.stringMatching(message)
      })
    }
    // The one ordinary file was still evaluated, and its failure decides the exit code.
    expect(io.out.join('')).toContain(
      'FAIL - k8s/good.json - main - container must not be privileged'
    )
    expect(code).toBe(1)
    expect(ms).toBeLessThan(30_000)
    expect(rssGrowth).toBeLessThan(512 * 1024 ** 2)
  })

  it('parses a JSON object with 1,000,000 keys when the size limit allows it', async () => {
    const { parseFile } = await import('../src/documents/parse.js')
    const started = performance.now()
    const parsed = await parseFile('keys.json', millionKeys())
    const ms = performance.now() - started
    console.log(`1,000,000-key JSON parsed in ${Math.round(ms)} ms`)
    expect(parsed.error).toBeUndefined()
    expect(Object.keys(parsed.documents[0].value as object)).toHaveLength(1_000_000)
    expect(ms).toBeLessThan(30_000)
  })
})

/** `{"k0":0,...,"k999999":999999}`, about 16 MB, built once. */
let millionKeysText: string | undefined
function millionKeys(): string {
  millionKeysText ??= `{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`
  return millionKeysText
}

// ---------------------------------------------------------------------------------------------
// Policies and data

describe('what policies and data files can reach', () => {
  it('a data file cannot reach Object.prototype, and keys such as toString are plain keys', async () => {
    const dir = tempDir('policy-gate-hostile-data-')
    writeFileSync(
      path.join(dir, 'proto.json'),
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'
    )
    writeFileSync(path.join(dir, 'names.yaml'), 'toString: 1\nhasOwnProperty: 2\n')
    const data = await loadData(['proto.json', 'names.yaml'], dir)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(true)
    expect(JSON.parse(JSON.stringify(data))).toEqual(
      JSON.parse(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "toString": 1, "hasOwnProperty": 2}'
      )
    )
  })

  it('opa.runtime().env hides credentials from policies (in-process)', async () => {
    const saved = { ...process.env }
    process.env['INPUT_GITHUB-TOKEN'] = 'ghs_inprocesssecret'
    process.env.ACTIONS_RUNTIME_TOKEN = 'runtime-secret'
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret'
    process.env.POLICY_GATE_VISIBLE = 'visible'
    try {
      const dir = tempDir('policy-gate-hostile-env-')
      writeFileSync(path.join(dir, 'env.yaml'), 'kind: Env\n')
      const compiled = await compilePolicies({
        opa: async () => opaBinary,
        opaVersion: OPA_VERSION,
        policyPaths: [POLICY],
        cwd: dir,
        hostBuiltins: HOST_BUILTIN_NAMES,
        cacheDir: tempDir('policy-gate-hostile-bundles-')
      })
      const run = await runGate({
        cwd: dir,
        files: ['env.yaml'],
        maxFileSize: 5_000_000,
        combine: false,
        policySets: [
          { name: 'p', compiled, selection: { namespaces: ['main'], all: false }, data: {} }
        ]
      })
      const message = run.findings.map(f => f.message).join('\n')
      expect(message).toContain('"POLICY_GATE_VISIBLE":"visible"')
      for (const secret of ['ghs_inprocesssecret', 'runtime-secret', 'aws-secret']) {
        expect(message).not.toContain(secret)
      }
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Binaries and bundles from caches are verified before use

describe('caches are not trusted', () => {
  it('refuses an OPA in the tool cache whose bytes changed, and downloads a verified one', async () => {
    const root = tempDir('policy-gate-hostile-toolcache-')
    const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP }
    process.env.RUNNER_TOOL_CACHE = path.join(root, 'tool-cache')
    process.env.RUNNER_TEMP = path.join(root, 'temp')
    const releases = await startReleaseServer({ opaBinary, version: OPA_VERSION })
    try {
      const options = {
        version: OPA_VERSION,
        downloadBaseUrl: releases.url,
        platform: 'linux' as const,
        arch: 'x64'
      }
      const first = await installOpa(options)
      // A cache restored from elsewhere with another binary in it.
      appendFileSync(first.path, 'a different binary')
      const lines: string[] = []
      const second = await installOpa(options, line => lines.push(line))
      expect(lines.join('\n')).toMatch(
        /Not using the cached OPA .*: its SHA-256 is [0-9a-f]{64}, but it was/
      )
      expect(second.source).toBe('download')
      expect(second.sha256).toBe(first.sha256)
    } finally {
      await releases.close()
      process.env.RUNNER_TOOL_CACHE = saved.cache
      process.env.RUNNER_TEMP = saved.temp
      if (saved.cache === undefined) delete process.env.RUNNER_TOOL_CACHE
      if (saved.temp === undefined) delete process.env.RUNNER_TEMP
    }
  })

  it('recompiles when a cached bundle was swapped or claims another key', async () => {
    const cacheDir = tempDir('policy-gate-hostile-bundle-cache-')
    const options = {
      opa: async () => opaBinary,
      opaVersion: OPA_VERSION,
      policyPaths: [POLICY],
      cwd: repoRoot,
      hostBuiltins: HOST_BUILTIN_NAMES,
      cacheDir
    }
    const first = await compilePolicies(options)
    const entryDir = path.join(cacheDir, first.key)
    writeFileSync(path.join(entryDir, 'policy.wasm'), Buffer.from('\0asm another module'))
    expect((await compilePolicies(options)).source).toBe('compiled')

    const entryFile = path.join(entryDir, 'entry.json')
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { key: string }
    writeFileSync(entryFile, JSON.stringify({ ...entry, key: 'f'.repeat(64) }))
    expect((await compilePolicies(options)).source).toBe('compiled')
    expect(existsSync(entryFile)).toBe(true)
  })
})
