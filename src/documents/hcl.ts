/**
 * HCL 2 (Terraform `.tf`, `.tfvars`, `.hcl`) in conftest's hcl2 shape. conftest converts with
 * tmccombs/hcl2json; @cdktf/hcl2json ships the same converter compiled to WebAssembly
 * (`main.wasm.gz`, run by Go's `wasm/wasm_exec.js`).
 *
 * The package's own loader finds those files through `__dirname` and a computed `require`, which
 * do not survive bundling into an ES module with ncc, and it hands the Go program Node's real
 * `fs`. So the WebAssembly is started here instead: from the package in node_modules during
 * development and tests, or from a `hcl2json/` folder next to the bundle (the package step copies
 * `main.wasm.gz` and `wasm/wasm_exec.js` there), with no file system access for the Go code.
 * It is started on the first HCL file only, so runs without HCL files never pay for it.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import type { DocumentsOrError } from './yaml.js'

type Hcl2Json = (filename: string, contents: string) => Promise<unknown>

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }>
}

/** The objects Go's wasm_exec.js and the hcl2json program put on the global object. */
interface GoRuntime {
  importObject: object
  run(instance: object): Promise<void>
}
type GoGlobals = typeof globalThis & {
  Go?: new () => GoRuntime
  __parse_terraform_config_wasm__?: Record<string, unknown>
}

const ASSETS = ['main.wasm.gz', path.join('wasm', 'wasm_exec.js')]

/** Folders that may hold the converter: beside the bundle, then node_modules up the tree. */
export function hcl2jsonCandidates(moduleDir: string): string[] {
  const candidates = [path.join(moduleDir, 'hcl2json'), path.join(moduleDir, '..', 'hcl2json')]
  for (let dir = moduleDir; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'node_modules', '@cdktf', 'hcl2json'))
    if (path.dirname(dir) === dir) break
  }
  return candidates
}

function findAssets(): string {
  const moduleDir = path.dirname(fileURLToPath(import.meta.url))
  const candidates = hcl2jsonCandidates(moduleDir)
  const found = candidates.find(dir => ASSETS.every(asset => existsSync(path.join(dir, asset))))
  if (!found) {
    throw new Error(
      `the HCL converter (main.wasm.gz and wasm/wasm_exec.js from @cdktf/hcl2json) was not ` +
        `found; looked in ${candidates.slice(0, 3).join(', ')} and node_modules above. ` +
        'Reinstall the dependencies or rebuild the bundle.'
    )
  }
  return found
}

async function startConverter(): Promise<Hcl2Json> {
  const dir = findAssets()
  const globals = globalThis as GoGlobals
  if (!globals.Go) {
    // wasm_exec.js is a plain script that defines globalThis.Go; run it in this realm.
    const runtime = await readFile(path.join(dir, 'wasm', 'wasm_exec.js'), 'utf8')
    new Function(runtime)()
  }
  const Go = globals.Go
  if (!Go) throw new Error('wasm_exec.js did not define the Go runtime')
  const go = new Go()
  const wasm = gunzipSync(await readFile(path.join(dir, 'main.wasm.gz')))
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject)
  const exports: Record<string, unknown> = {}
  globals.__parse_terraform_config_wasm__ = exports
  // The Go program registers its functions while starting, then waits for calls forever.
  void go.run(instance)
  const parse = exports.parse
  if (typeof parse !== 'function') throw new Error('the HCL converter did not start')
  return (filename, contents) =>
    new Promise((resolve, reject) => {
      parse(filename, contents, (error: unknown, result: string) => {
        if (error) reject(new Error(String(error)))
        else resolve(JSON.parse(result))
      })
    })
}

let converter: Promise<Hcl2Json> | undefined

function loadConverter(): Promise<Hcl2Json> {
  converter ??= startConverter()
  return converter
}

/** 1-based line of the first line that is neither blank nor a comment. */
function firstContentLine(text: string): number {
  const lines = text.split('\n')
  const index = lines.findIndex(line => /^\s*[^\s#/]/.test(line) || /^\s*\/[^/*]/.test(line))
  return index === -1 ? 1 : index + 1
}

export async function parseHcl(fileName: string, text: string): Promise<DocumentsOrError> {
  let value: unknown
  try {
    const parse = await loadConverter()
    value = await parse(fileName, text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // hcl2json reports "parse config: [file:LINE,COL-LINE,COL: Summary; Detail.]".
    const match = /:(\d+),(\d+)-\d+(?:,\d+)?: ([^\]]*)/.exec(reason)
    if (!match) return { error: { message: `cannot parse HCL: ${reason}` } }
    return {
      error: {
        message:
          `invalid HCL at line ${match[1]}, column ${match[2]}: ${match[3].replace(/\.$/, '')}. ` +
          'Fix the syntax; conftest cannot parse this file either.',
        line: Number(match[1])
      }
    }
  }
  return { documents: [{ index: 0, line: firstContentLine(text), value }] }
}
