/**
 * The naive baseline: `opa eval` once per file, as a shell loop in CI would run it. OPA reads
 * JSON and YAML but not Dockerfiles, so every sampled file is given to it as the JSON of the
 * documents conftest would see (prepared before timing); one query evaluates each document
 * against every rule of the selected namespaces. A process per file over 10,000 files would take
 * an hour, so a sample of files is timed and the mean scaled to the corpus (marked ≈ in the table).
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { documentInputs } from '../src/evaluate/engine.js'
import type { NamespacePlan } from '../src/evaluate/plan.js'
import { parseFile } from '../src/documents/parse.js'
import type { Command } from './measure.js'

/** The query: for each document of the input, the value of every rule of every namespace. */
export function opaQuery(namespaces: readonly NamespacePlan[]): string {
  const fields = namespaces.flatMap(ns =>
    ns.rules.map(
      rule =>
        `${JSON.stringify(`${ns.namespace}.${rule}`)}: [x | x := data.${ns.namespace}.${rule} with input as doc]`
    )
  )
  return `[r | some doc in input; r := {${fields.join(', ')}}]`
}

/** Evenly spaced files, at most `count`, always including the first. */
export function sampleFiles(files: readonly string[], count: number): string[] {
  if (files.length <= count) return [...files]
  const step = files.length / count
  return Array.from({ length: count }, (_, i) => files[Math.floor(i * step)])
}

/**
 * Writes the JSON input of each sampled file under `dir` and returns the commands that evaluate
 * them, one `opa eval` each.
 */
export async function prepareOpaEval(options: {
  corpusDir: string
  files: readonly string[]
  dir: string
  opa: string
  policyDir: string
  dataDir: string
  query: string
}): Promise<Command[]> {
  await fs.rm(options.dir, { recursive: true, force: true })
  await fs.mkdir(options.dir, { recursive: true })
  const commands: Command[] = []
  for (const [i, file] of options.files.entries()) {
    const text = await fs.readFile(path.join(options.corpusDir, file), 'utf8')
    const parsed = await parseFile(file, text)
    if (parsed.error) throw new Error(`${file}: ${parsed.error.message}`)
    const input = path.join(options.dir, `${i}.json`)
    await fs.writeFile(input, JSON.stringify(documentInputs(parsed).map(d => d.value)))
    commands.push({
      label: 'opa eval',
      file: options.opa,
      args: [
        'eval',
        '-f',
        'json',
        '-d',
        options.policyDir,
        '-d',
        options.dataDir,
        '-i',
        input,
        options.query
      ],
      cwd: options.corpusDir
    })
  }
  return commands
}
