import { promises as fs } from 'node:fs'
import path from 'node:path'
import { parseYaml } from '../documents/yaml.js'

/** The extensions of the files a data directory contributes. */
export const DATA_EXTENSIONS: ReadonlySet<string> = new Set(['.json', '.yaml', '.yml'])

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Own properties only: a data file may have keys such as `__proto__` or `toString`, which must
 * stay plain keys (never reach Object.prototype, never collide with inherited members).
 */
const ownValue = (node: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(node, key) ? node[key] : undefined

function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true })
}

/** Deep-merges `value` into `target` at `prefix`; two files defining the same leaf is an error. */
export function mergeAt(
  target: Record<string, unknown>,
  prefix: readonly string[],
  value: unknown,
  source: string
): void {
  let node = target
  for (const key of prefix) {
    if (!isObject(ownValue(node, key))) {
      if (Object.hasOwn(node, key))
        throw new Error(`Data file ${source} conflicts with other data at ${prefix.join('.')}`)
      setOwn(node, key, {})
    }
    node = ownValue(node, key) as Record<string, unknown>
  }
  if (!isObject(value)) {
    throw new Error(
      `Data file ${source} must hold an object at its top level (it is rooted at data${prefix.map(p => `.${p}`).join('')})`
    )
  }
  for (const [key, v] of Object.entries(value)) {
    if (isObject(ownValue(node, key)) && isObject(v)) mergeAt(node, [key], v, source)
    else if (Object.hasOwn(node, key))
      throw new Error(`Data file ${source} redefines data.${[...prefix, key].join('.')}`)
    else setOwn(node, key, v)
  }
}

async function dataFilesUnder(dir: string, out: string[]): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) await dataFilesUnder(full, out)
    else if (entry.isFile() && DATA_EXTENSIONS.has(path.extname(entry.name))) out.push(full)
  }
}

/**
 * Loads `-d` paths as conftest (OPA's loader) roots them: a file's top-level keys under `data`;
 * a file inside a data directory under the path of its sub-directory (`dir/a/b.yaml` → `data.a`).
 */
export async function loadData(
  paths: readonly string[],
  cwd: string
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {}
  for (const given of paths) {
    const root = path.resolve(cwd, given)
    const stat = await fs.stat(root).catch((cause: unknown) => {
      throw new Error(`Data path ${given} does not exist (resolved to ${root})`, { cause })
    })
    const files: string[] = []
    if (stat.isDirectory()) await dataFilesUnder(root, files)
    else files.push(root)
    files.sort()
    for (const file of files) {
      const text = await fs.readFile(file, 'utf8')
      const shown = path.relative(cwd, file) || file
      let value: unknown
      if (path.extname(file) === '.json') {
        try {
          value = JSON.parse(text)
        } catch (cause) {
          throw new Error(`Data file ${shown} does not parse: ${(cause as Error).message}`, {
            cause
          })
        }
      } else {
        // The documents' YAML parser, so data reads as conftest reads it (dates stay strings).
        const parsed = parseYaml(text)
        if ('error' in parsed) {
          const where = parsed.error.line ? `${shown}:${parsed.error.line}` : shown
          throw new Error(`Data file ${where} does not parse: ${parsed.error.message}`)
        }
        value = parsed.documents[0]?.value
      }
      if (value === undefined || value === null) continue
      const prefix = stat.isDirectory()
        ? path
            .relative(root, path.dirname(file))
            .split(path.sep)
            .filter(p => p !== '')
        : []
      mergeAt(data, prefix, value, path.relative(cwd, file) || file)
    }
  }
  return data
}
