/**
 * Runs `node dist/index.js` as the runner runs a JavaScript action: INPUT_* variables, a
 * pull_request event payload, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP and
 * RUNNER_TOOL_CACHE; returns what it printed and wrote.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { repoRoot } from './tools.js'

export const REPOSITORY = 'octo-org/platform'
export const HEAD_SHA = 'e0c8d9f1a2b3c4d5e6f708192a3b4c5d6e7f8091'

export interface ActionProcessOptions {
  workspace: string
  apiUrl: string
  pullRequest: number
  baseSha: string
  inputs: Record<string, string>
  runner: { temp: string; toolCache: string }
  /** More environment, such as what the runner gives an action besides its inputs. */
  env?: NodeJS.ProcessEnv
}

export interface ActionProcessRun {
  code: number
  stdout: string
  summary: string
  outputs: Record<string, string>
  ms: number
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks → a map. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
    outputs[m[1]] = value.join('\n')
  }
  return outputs
}

export async function runActionProcess(options: ActionProcessOptions): Promise<ActionProcessRun> {
  const files = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-action-files-'))
  const eventPath = path.join(files, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: options.pullRequest,
      pull_request: {
        number: options.pullRequest,
        head: { sha: HEAD_SHA, ref: 'feature' },
        base: { sha: options.baseSha, ref: 'main' }
      },
      repository: { full_name: REPOSITORY, name: 'platform', owner: { login: 'octo-org' } }
    })
  )
  const outputFile = path.join(files, 'output')
  const summaryFile = path.join(files, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  mkdirSync(options.runner.temp, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    // No opa on PATH: the action must find or install it as on a fresh runner.
    PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_SHA: 'feedfacefeedfacefeedfacefeedfacefeedface',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_RUN_ID: '42',
    GITHUB_JOB: 'policy',
    RUNNER_TEMP: options.runner.temp,
    RUNNER_TOOL_CACHE: options.runner.toolCache,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value
  const started = performance.now()
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'index.js')], {
    cwd: options.workspace,
    env
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? -1)))
  return {
    code,
    stdout,
    summary: readFileSync(summaryFile, 'utf8'),
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    ms: performance.now() - started
  }
}
