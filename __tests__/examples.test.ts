/**
 * The documentation cannot rot: every `policy-gate …  # exit N` command in the README and the docs
 * runs against the example repository with the packaged CLI (`node dist/cli/index.js`) and must
 * exit as documented, without an error on stderr; and `npm run demo` (scripts/demo.sh) must say
 * the gate behaved as the examples expect.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { extractCommands, splitShellWords, type DocCommand } from './support/doc-commands.js'
import { repoRoot, run } from './support/tools.js'

/** The Markdown files whose commands are run. */
const DOCUMENTS = [
  'README.md',
  'docs/writing-policies.md',
  'docs/exceptions-and-rollout.md',
  'examples/README.md'
]

const cli = path.join(repoRoot, 'dist', 'cli', 'index.js')
const toolsBin = path.join(repoRoot, '.tools', 'bin')

const commands: DocCommand[] = DOCUMENTS.flatMap(file =>
  extractCommands(readFileSync(path.join(repoRoot, file), 'utf8'), file)
)

let cache: string
beforeAll(() => {
  // A cache of compiled policies of the test's own, so every run compiles with the pinned OPA.
  cache = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-docs-cache-'))
})
afterAll(() => rmSync(cache, { recursive: true, force: true }))

/**
 * The errors the CLI printed on stderr: a file it could not parse, a policy it could not evaluate.
 * (A fatal error prints no report at all, which the test checks separately; stderr also carries
 * notices, such as the files it skips.)
 */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter(line => line.startsWith('policy-gate: error:'))
}

describe('documented commands', () => {
  it('finds the commands of every document', () => {
    for (const file of DOCUMENTS) {
      expect({ file, found: commands.some(c => c.file === file) }).toEqual({ file, found: true })
    }
    expect(commands.length).toBeGreaterThanOrEqual(20)
  })

  it.each(commands.map(c => [`${c.file}:${c.line}: ${c.text}`, c] as const))(
    '%s',
    async (_name, command) => {
      expect(existsSync(cli)).toBe(true)
      const result = await run(process.execPath, [cli, ...command.args], {
        cwd: path.join(repoRoot, command.cwd),
        env: {
          ...process.env,
          PATH: `${toolsBin}${path.delimiter}${process.env.PATH ?? ''}`,
          XDG_CACHE_HOME: cache,
          NO_COLOR: '1'
        }
      })
      expect({ exit: result.code, errors: errorLines(result.stderr) }).toEqual({
        exit: command.expectedExit,
        errors: []
      })
      expect(result.stdout).not.toBe('')
    }
  )
})

describe('npm run demo', () => {
  it('runs the gate on examples/ and reports that it behaved as expected', async () => {
    const result = await run('bash', [path.join(repoRoot, 'scripts', 'demo.sh')], {
      cwd: repoRoot,
      env: { ...process.env, XDG_CACHE_HOME: cache }
    })
    expect({ exit: result.code, stderr: result.stderr }).toEqual({
      exit: 0,
      stderr: expect.not.stringContaining('did NOT behave')
    })
    expect(result.stdout).toContain('exit status: 1')
    expect(result.stdout).toMatch(/^FAIL - k8s\/worker\.yaml - /m)
    expect(result.stdout).toContain('demo: as expected.')
  })
})

describe('reading commands from Markdown', () => {
  it.each([
    ['policy-gate test a.yaml  # exit 1', ['policy-gate', 'test', 'a.yaml'], 'exit 1'],
    [
      `policy-gate test -n 'terraform.*' "b c"`,
      ['policy-gate', 'test', '-n', 'terraform.*', 'b c'],
      ''
    ],
    ['policy-gate test x#y # exit 0', ['policy-gate', 'test', 'x#y'], 'exit 0']
  ])('splits %s as a shell does', (text, words, comment) => {
    expect(splitShellWords(text)).toEqual({ words, comment })
  })

  it.each(['policy-gate test k8s | head', 'policy-gate test *.yaml', 'policy-gate test "$HOME"'])(
    'refuses %s rather than run it differently from a shell',
    text => {
      expect(() => splitShellWords(text)).toThrow(/not supported/)
    }
  )

  it('runs a block from the directory its cd names, and requires the exit status', () => {
    const markdown = [
      '```sh',
      'alias policy-gate="node dist/cli/index.js"',
      'policy-gate version  # exit 0',
      'cd examples',
      'policy-gate test k8s # exit 1',
      '```',
      '```yaml',
      'run: policy-gate test .',
      '```'
    ].join('\n')
    expect(extractCommands(markdown, 'x.md')).toEqual([
      {
        file: 'x.md',
        line: 3,
        cwd: '.',
        args: ['version'],
        expectedExit: 0,
        text: 'policy-gate version'
      },
      {
        file: 'x.md',
        line: 5,
        cwd: 'examples',
        args: ['test', 'k8s'],
        expectedExit: 1,
        text: 'policy-gate test k8s'
      }
    ])
    expect(() => extractCommands('```sh\npolicy-gate test k8s\n```', 'y.md')).toThrow(
      "y.md:2: 'policy-gate test k8s' must end with '# exit N'"
    )
  })
})
