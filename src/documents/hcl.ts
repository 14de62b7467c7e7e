/**
 * HCL 2 (Terraform `.tf`, `.tfvars`, `.hcl`) in conftest's hcl2 shape. conftest converts with
 * tmccombs/hcl2json; @cdktf/hcl2json runs the same converter compiled to WebAssembly.
 *
 * The package reads `main.wasm.gz` next to its own `lib/` folder when it is first imported and
 * keeps a Go runtime alive for later calls, so it is imported lazily: runs without HCL files never
 * pay for it. A bundle (ncc) must ship `main.wasm.gz` (and `wasm/bridge_wasm_exec.js`,
 * `wasm/wasm_exec.js`) at the path the package computes from its `__dirname`.
 */
import type { DocumentsOrError } from './yaml.js'

type Hcl2Json = (filename: string, contents: string) => Promise<Record<string, unknown>>

let converter: Promise<Hcl2Json> | undefined

function loadConverter(): Promise<Hcl2Json> {
  converter ??= import('@cdktf/hcl2json').then(module => module.parse as Hcl2Json)
  return converter
}

/** 1-based line of the first line that is neither blank nor a comment. */
function firstContentLine(text: string): number {
  const lines = text.split('\n')
  const index = lines.findIndex(line => /^\s*[^\s#/]/.test(line) || /^\s*\/[^/*]/.test(line))
  return index === -1 ? 1 : index + 1
}

export async function parseHcl(path: string, text: string): Promise<DocumentsOrError> {
  const parse = await loadConverter()
  let value: Record<string, unknown>
  try {
    value = await parse(path, text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // hcl2json reports "parse config: [file:LINE,COL-LINE,COL: Summary; Detail.]".
    const match = /:(\d+),(\d+)-\d+(?:,\d+)?: ([^\]]*)/.exec(reason)
    const line = match ? Number(match[1]) : undefined
    const detail = match ? match[3].replace(/\.$/, '') : reason
    const at = match ? ` at line ${match[1]}, column ${match[2]}` : ''
    return {
      error: {
        message: `invalid HCL${at}: ${detail}. Fix the syntax; conftest cannot parse this file either.`,
        line
      }
    }
  }
  return { documents: [{ index: 0, line: firstContentLine(text), value }] }
}
