/**
 * From a file's path and text to its documents: picks the parser as conftest does
 * (parser.NewFromPath) and never throws for bad content — a file that cannot be parsed comes back
 * with `error` set, naming what is wrong and where.
 */
import path from 'node:path'
import type { ParsedFile } from '../findings.js'
import { parseDockerfile } from './dockerfile.js'
import { parseHcl } from './hcl.js'
import { parseJson } from './json.js'
import { parseYaml, type DocumentsOrError } from './yaml.js'

/** The parsers policy-gate implements, named as conftest names them. */
export const SUPPORTED_PARSERS = ['yaml', 'json', 'hcl2', 'dockerfile'] as const
export type SupportedParser = (typeof SUPPORTED_PARSERS)[number]

/** Every parser conftest v0.69.0 has (`parser.Parsers()` plus jsonc, which it also accepts). */
export const CONFTEST_PARSERS = [
  'cue',
  'cyclonedx',
  'dockerfile',
  'dotenv',
  'edn',
  'hcl1',
  'hcl2',
  'hocon',
  'ignore',
  'ini',
  'json',
  'jsonc',
  'jsonnet',
  'nginx',
  'properties',
  'spdx',
  'textproto',
  'toml',
  'vcl',
  'xml',
  'yaml'
] as const

export function isSupportedParser(name: string): name is SupportedParser {
  return (SUPPORTED_PARSERS as readonly string[]).includes(name)
}

/** The parser conftest picks for a path and whether policy-gate has it. */
export interface ParserChoice {
  parser: string
  supported: boolean
}

/**
 * conftest's choice of parser for a path, or undefined when conftest does not recognise the file
 * (it skips such files when given a directory, and fails when given the file itself).
 */
export function parserFor(filePath: string): ParserChoice | undefined {
  const name = conftestParserName(filePath)
  return name === undefined ? undefined : { parser: name, supported: isSupportedParser(name) }
}

function conftestParserName(filePath: string): string | undefined {
  const fileName = path.posix.basename(filePath.replaceAll('\\', '/')).toLowerCase()
  const dot = fileName.lastIndexOf('.')
  const extension = dot === -1 ? '' : fileName.slice(dot + 1)
  if (
    fileName === 'dockerfile' ||
    fileName.startsWith('dockerfile.') ||
    extension === 'dockerfile'
  ) {
    return 'dockerfile'
  }
  if (extension === 'yml' || extension === 'yaml') return 'yaml'
  if (extension === 'hcl' || extension === 'tf' || extension === 'tfvars') return 'hcl2'
  if (extension === 'gitignore' || extension === 'dockerignore') return 'ignore'
  if (fileName === '.env' || fileName.startsWith('.env.') || extension === 'env') return 'dotenv'
  if (fileName === 'nginx.conf') return 'nginx'
  if (extension === 'textproto' || extension === 'textpb') return 'textproto'
  return (CONFTEST_PARSERS as readonly string[]).includes(extension) ? extension : undefined
}

export interface ParseOptions {
  /** Force a parser, as `conftest --parser` does. */
  parser?: string
  /** Deepest nesting accepted in YAML and JSON. */
  maxDepth?: number
  /** Most documents accepted from one file. */
  maxDocuments?: number
}

/** Parses a file's text into its documents; bad content becomes `error`, never an exception. */
export async function parseFile(
  filePath: string,
  text: string,
  options: ParseOptions = {}
): Promise<ParsedFile> {
  const chosen = options.parser ?? conftestParserName(filePath)
  if (chosen === undefined) {
    return failed(filePath, '', text, {
      message:
        `policy-gate does not know how to parse ${path.posix.basename(filePath)} (conftest does ` +
        `not either). Give it a known extension or set the parser to one of: ${SUPPORTED_PARSERS.join(', ')}.`
    })
  }
  if (!isSupportedParser(chosen)) {
    const known = (CONFTEST_PARSERS as readonly string[]).includes(chosen)
    return failed(filePath, chosen, text, {
      message: known
        ? `policy-gate cannot parse ${chosen} files yet (conftest can). Supported parsers: ${SUPPORTED_PARSERS.join(', ')}.`
        : `unknown parser "${chosen}". Supported parsers: ${SUPPORTED_PARSERS.join(', ')}.`
    })
  }
  const outcome = await parseWith(chosen, filePath, text, options)
  if ('error' in outcome) return failed(filePath, chosen, text, outcome.error)
  return { path: filePath, parser: chosen, text, documents: outcome.documents }
}

function parseWith(
  parser: SupportedParser,
  filePath: string,
  text: string,
  options: ParseOptions
): DocumentsOrError | Promise<DocumentsOrError> {
  const limits = { maxDepth: options.maxDepth, maxDocuments: options.maxDocuments }
  switch (parser) {
    case 'yaml':
      return parseYaml(text, limits)
    case 'json':
      return parseJson(text, limits)
    case 'hcl2':
      return parseHcl(path.posix.basename(filePath), text)
    case 'dockerfile':
      return parseDockerfile(text)
  }
}

function failed(
  filePath: string,
  parser: string,
  text: string,
  error: NonNullable<ParsedFile['error']>
): ParsedFile {
  return { path: filePath, parser, text, documents: [], error }
}
