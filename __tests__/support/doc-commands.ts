/**
 * The commands the documentation shows, so that a test can run them. In a ```sh block, every line
 * that starts with `policy-gate` (or `npx policy-gate`) is a command, and it must end with the
 * exit status it is documented to have: `# exit N`. A `cd DIR` line changes the directory the
 * block's later commands run in (the repository root at the start of each block); other lines are
 * for the reader and are not run.
 */
import path from 'node:path'

export interface DocCommand {
  /** The Markdown file, as given. */
  file: string
  /** 1-based line of the command in that file. */
  line: number
  /** Directory to run in, relative to the repository root (`.` or `examples`). */
  cwd: string
  /** The arguments after `policy-gate`. */
  args: string[]
  expectedExit: number
  /** The command as written, without its comment. */
  text: string
}

/** A fenced code block: its info string, its first content line (1-based) and its lines. */
export interface CodeBlock {
  info: string
  line: number
  lines: string[]
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i])
    if (!open) continue
    const fence = open[2]
    const body: string[] = []
    const start = i + 2
    for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i])
    blocks.push({ info: open[3], line: start, lines: body })
  }
  return blocks
}

/** Characters a shell would interpret; a documented command using them cannot be run as argv. */
const SHELL_SPECIAL = /[|&;<>()$`*?[\]{}~\\]/

/**
 * Splits a command line into words as a POSIX shell would for simple commands: single and double
 * quotes, whitespace, and a `#` comment at the start of a word. Returns the words and the comment.
 * Throws on anything it does not model (pipes, expansions, globs), so a test never runs a
 * command differently from how a shell would.
 */
export function splitShellWords(text: string): { words: string[]; comment: string } {
  const words: string[] = []
  let word: string | undefined
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word)
      word = undefined
      i++
    } else if (c === '#' && word === undefined) {
      return { words, comment: text.slice(i + 1).trim() }
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1)
      if (end === -1) throw new Error(`unterminated ${c} in: ${text}`)
      const quoted = text.slice(i + 1, end)
      if (c === '"' && /[$`\\]/.test(quoted)) {
        throw new Error(`expansion inside double quotes is not supported: ${text}`)
      }
      word = (word ?? '') + quoted
      i = end + 1
    } else {
      if (SHELL_SPECIAL.test(c)) throw new Error(`shell syntax '${c}' is not supported: ${text}`)
      word = (word ?? '') + c
      i++
    }
  }
  if (word !== undefined) words.push(word)
  return { words, comment: '' }
}

const COMMAND = /^(?:npx\s+)?policy-gate(?:\s|$)/

/** The runnable commands of a Markdown file; throws when one does not state its exit status. */
export function extractCommands(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = []
  for (const block of codeBlocks(markdown)) {
    if (block.info !== 'sh') continue
    let cwd = '.'
    block.lines.forEach((raw, index) => {
      const line = block.line + index
      const text = raw.trim()
      const cd = /^cd\s+(\S+)$/.exec(text)
      if (cd) {
        cwd = path.posix.normalize(path.posix.join(cwd, cd[1]))
        return
      }
      if (!COMMAND.test(text)) return
      const { words, comment } = splitShellWords(text)
      const exit = /^exit (\d+)$/.exec(comment)
      if (!exit) {
        throw new Error(`${file}:${line}: '${text}' must end with '# exit N', its exit status`)
      }
      const args = words.slice(words[0] === 'npx' ? 2 : 1)
      const bare = text
        .slice(0, text.length - comment.length)
        .replace(/#\s*$/, '')
        .trim()
      commands.push({ file, line, cwd, args, expectedExit: Number(exit[1]), text: bare })
    })
  }
  return commands
}
