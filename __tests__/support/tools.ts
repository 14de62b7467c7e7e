import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const opaBinary = path.join(repoRoot, '.tools', 'bin', 'opa')
export const conftestBinary = path.join(repoRoot, '.tools', 'bin', 'conftest')
export const OPA_VERSION = '1.22.3'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a real tool and returns its exit code and output, whatever the exit code. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}
): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env,
      maxBuffer: 256 * 1024 * 1024
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string }
    if (typeof e.code !== 'number') throw error
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}
