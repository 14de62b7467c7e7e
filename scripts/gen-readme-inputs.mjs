// @ts-check
/**
 * Writes the README's tables of the action's inputs and outputs from action.yml, between the
 * markers `<!-- inputs:start -->` … `<!-- inputs:end -->` and `<!-- outputs:start -->` …
 * `<!-- outputs:end -->`, so the README cannot drift from what the action accepts
 * (actions/checkout keeps its usage section the same way).
 *
 *   node scripts/gen-readme-inputs.mjs           rewrite the tables in README.md
 *   node scripts/gen-readme-inputs.mjs --check   exit 1, naming the command to run, if they are stale
 *
 * --readme FILE and --action FILE read and write other files (the tests use copies).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import YAML from 'yaml'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const GENERATE_COMMAND = 'npm run docs'

const print = (/** @type {string} */ line) => process.stdout.write(`${line}\n`)
const printErr = (/** @type {string} */ line) => process.stderr.write(`${line}\n`)

/**
 * @typedef {{ description?: string, required?: boolean, default?: unknown }} ActionInput
 * @typedef {{ description?: string }} ActionOutput
 * @typedef {{ inputs?: Record<string, ActionInput>, outputs?: Record<string, ActionOutput> }} ActionMetadata
 */

/**
 * A description as one table cell: folded onto one line, pipes escaped, and outside code spans
 * `*` and `<` escaped so that `*_test.rego` is not emphasis and `<path>` is not HTML.
 */
function cell(/** @type {string} */ text) {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[*<]/g, c => `\\${c}`)))
    .join('')
    .replaceAll('|', '\\|')
}

/** A default as code, or "empty" in words so that an empty cell is not mistaken for a gap. */
function defaultCell(/** @type {unknown} */ value) {
  const text = value === undefined || value === null ? '' : String(value)
  if (text === '') return '_empty_'
  // A value holding a backtick needs a double-backtick span (GitHub expressions hold none).
  const [fence, pad] = text.includes('`') ? ['``', ' '] : ['`', '']
  return `${fence}${pad}${text.replaceAll('|', '\\|')}${pad}${fence}`
}

/** @param {ActionMetadata} action */
export function renderInputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const required = input.required === true ? '**Required.** ' : ''
    return `| \`${name}\` | ${required}${cell(input.description ?? '')} | ${defaultCell(input.default)} |`
  })
  return ['| Input | Description | Default |', '|---|---|---|', ...rows].join('\n')
}

/** @param {ActionMetadata} action */
export function renderOutputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`
  )
  return ['| Output | Description |', '|---|---|', ...rows].join('\n')
}

const NOTE = `<!-- Generated from action.yml by ${GENERATE_COMMAND}; do not edit by hand. -->`

/**
 * The README with both tables replaced; throws when a marker pair is missing.
 * @param {string} readme
 * @param {ActionMetadata} action
 */
export function updateReadme(readme, action) {
  let text = readme
  for (const [name, table] of /** @type {const} */ ([
    ['inputs', renderInputsTable(action)],
    ['outputs', renderOutputsTable(action)]
  ])) {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to === -1 || to < from) {
      throw new Error(`the README has no '${start}' … '${end}' markers for the ${name} table`)
    }
    text = `${text.slice(0, from + start.length)}\n${NOTE}\n\n${table}\n\n${text.slice(to)}`
  }
  return text
}

async function main() {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      readme: { type: 'string', default: path.join(repoRoot, 'README.md') },
      action: { type: 'string', default: path.join(repoRoot, 'action.yml') }
    }
  })
  const readmePath = /** @type {string} */ (values.readme)
  const actionPath = /** @type {string} */ (values.action)
  const action = /** @type {ActionMetadata} */ (YAML.parse(readFileSync(actionPath, 'utf8')))
  const readme = readFileSync(readmePath, 'utf8')
  let updated
  try {
    updated = updateReadme(readme, action)
  } catch (error) {
    printErr(`gen-readme-inputs: ${readmePath}: ${/** @type {Error} */ (error).message}`)
    process.exit(1)
  }
  // Formatted as `npm run format:check` wants it (prettier aligns table columns), so the two
  // checks agree on what the README should be.
  const options = (await prettier.resolveConfig(path.join(repoRoot, 'README.md'))) ?? {}
  updated = await prettier.format(updated, { ...options, parser: 'markdown' })
  if (values.check) {
    if (updated !== readme) {
      printErr(
        `gen-readme-inputs: the inputs/outputs tables in ${path.relative(process.cwd(), readmePath) || readmePath} ` +
          `do not match ${path.relative(process.cwd(), actionPath) || actionPath}: run '${GENERATE_COMMAND}' and commit the README.`
      )
      process.exit(1)
    }
    print('gen-readme-inputs: the README tables match action.yml.')
    return
  }
  if (updated !== readme) writeFileSync(readmePath, updated)
  print(`gen-readme-inputs: ${updated === readme ? 'unchanged' : 'updated'} ${readmePath}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main()
