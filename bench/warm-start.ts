/**
 * The action's warm start: `node dist/index.js` as the runner starts it, on a workspace with one
 * small manifest, when no policy has to be compiled — with the built-in library (shipped
 * precompiled) and with the repository's own policies (compiled by a first, untimed run into the
 * runner's temporary directory, then taken from that cache). No token: nothing is posted.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Command } from './measure.js'

export type WarmStartVariant = 'built-in library' | 'own policies, cached bundle'

export const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27.2
`

/** A workspace and runner directories for one variant; returns the command that runs the action. */
export async function prepareWarmStart(options: {
  root: string
  repoRoot: string
  variant: WarmStartVariant
  opa: string
}): Promise<Command> {
  const dir = path.join(options.root, options.variant === 'built-in library' ? 'builtin' : 'own')
  const workspace = path.join(dir, 'workspace')
  const runnerTemp = path.join(dir, 'runner-temp')
  await fs.rm(dir, { recursive: true, force: true })
  await fs.mkdir(path.join(workspace, 'k8s'), { recursive: true })
  await fs.mkdir(runnerTemp, { recursive: true })
  await fs.writeFile(path.join(workspace, 'k8s', 'app.yaml'), MANIFEST)
  const summary = path.join(dir, 'summary.md')
  const output = path.join(dir, 'output')
  const inputs: Record<string, string> = {
    scope: 'all',
    comment: 'never',
    'check-run': 'false',
    mode: 'audit',
    'opa-path': options.opa
  }
  if (options.variant === 'built-in library') {
    inputs.builtin = 'true'
  } else {
    await fs.cp(path.join(options.repoRoot, 'policy'), path.join(workspace, 'policy'), {
      recursive: true
    })
    inputs['all-namespaces'] = 'true'
    inputs.builtin = 'false'
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/bench',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: runnerTemp
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  await fs.writeFile(summary, '')
  await fs.writeFile(output, '')
  return {
    label: `node dist/index.js (${options.variant})`,
    file: process.execPath,
    args: [path.join(options.repoRoot, 'dist', 'index.js')],
    cwd: workspace,
    env,
    timeoutMs: 120_000
  }
}

/** Node starting and doing nothing: what the runner pays for any JavaScript action. */
export function nodeBaseline(cwd: string): Command {
  return { label: "node -e ''", file: process.execPath, args: ['-e', ''], cwd }
}
