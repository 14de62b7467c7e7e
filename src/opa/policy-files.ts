import { promises as fs } from 'node:fs'
import path from 'node:path'

/** A Rego file found under a policy directory. */
export interface PolicyFile {
  /** Absolute path on disk. */
  absolute: string
  /** Path shown to people: relative to the working directory when inside it. */
  display: string
  /** Index of the policy directory (or file) it was found under. */
  root: number
  /** Path relative to that root, with forward slashes. */
  relative: string
  /** `*_test.rego`: policy unit tests, not compiled into the gate. */
  test: boolean
  content: string
}

export function displayPath(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute)
  return rel.startsWith('..') || path.isAbsolute(rel) ? absolute : rel.split(path.sep).join('/')
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true })
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      await walk(full, out)
    } else if (entry.isFile() && entry.name.endsWith('.rego')) {
      out.push(full)
    }
  }
}

/**
 * Every `.rego` file under the given directories (or the files themselves), in a stable order.
 * Throws, naming the path, when one does not exist, as `conftest test -p` does.
 */
export async function findPolicyFiles(
  roots: readonly string[],
  cwd: string
): Promise<PolicyFile[]> {
  const files: PolicyFile[] = []
  for (const [index, root] of roots.entries()) {
    const absoluteRoot = path.resolve(cwd, root)
    const stat = await fs.stat(absoluteRoot).catch((cause: unknown) => {
      throw new Error(`Policy path ${root} does not exist (resolved to ${absoluteRoot})`, { cause })
    })
    const found: string[] = []
    if (stat.isDirectory()) {
      await walk(absoluteRoot, found)
    } else {
      found.push(absoluteRoot)
    }
    found.sort()
    for (const absolute of found) {
      const relative = stat.isDirectory()
        ? path.relative(absoluteRoot, absolute).split(path.sep).join('/')
        : path.basename(absolute)
      files.push({
        absolute,
        display: displayPath(absolute, cwd),
        root: index,
        relative,
        test: absolute.endsWith('_test.rego'),
        content: await fs.readFile(absolute, 'utf8')
      })
    }
  }
  return files
}
