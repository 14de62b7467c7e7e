/**
 * Running one command and measuring it: wall time from spawn to exit, and the peak resident set
 * size the kernel reports for it (GNU time's %M, which is getrusage's ru_maxrss of the child).
 */
import { spawn } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

export interface Command {
  /** What the tables call it. */
  label: string
  file: string
  args: string[]
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Killed (and reported as such) after this long. */
  timeoutMs?: number
}

export interface Measurement {
  wallMs: number
  /** Undefined when GNU time is not installed. */
  peakRssKb?: number
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

const GNU_TIME = '/usr/bin/time'

/** Whether peak RSS can be measured here (GNU time at /usr/bin/time, as on GitHub's runners). */
export const canMeasureRss = (): boolean => existsSync(GNU_TIME)

export async function measure(command: Command): Promise<Measurement> {
  const rssFile = path.join(
    os.tmpdir(),
    `policy-gate-bench-${process.pid}-${Math.random().toString(36).slice(2)}`
  )
  const wrapped = canMeasureRss()
    ? { file: GNU_TIME, args: ['-f', '%M', '-o', rssFile, command.file, ...command.args] }
    : { file: command.file, args: command.args }
  const started = performance.now()
  const child = spawn(wrapped.file, wrapped.args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout kills the command and not only GNU time around it.
    detached: true
  })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  let timedOut = false
  const timer = command.timeoutMs
    ? setTimeout(() => {
        timedOut = true
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      }, command.timeoutMs)
    : undefined
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', c => resolve(c))
  })
  const wallMs = performance.now() - started
  if (timer) clearTimeout(timer)
  let peakRssKb: number | undefined
  if (canMeasureRss()) {
    const text = await fs.readFile(rssFile, 'utf8').catch(() => '')
    await fs.rm(rssFile, { force: true })
    // GNU time writes "Command exited with non-zero status N" before the figures.
    const last = text.trim().split('\n').pop() ?? ''
    peakRssKb = /^\d+$/.test(last) ? Number(last) : undefined
  }
  return {
    wallMs,
    ...(peakRssKb !== undefined ? { peakRssKb } : {}),
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    timedOut
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
