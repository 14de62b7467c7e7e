import { conftestBinary, run } from './tools.js'

/** What `conftest parse` made of one file: its value, or the error it stopped with. */
export type ConftestParsed = { value: unknown } | { error: string }

/**
 * Runs the real `conftest parse` over many files with few processes: a batch at a time, and when
 * a batch fails (one bad file fails the whole command), its halves, down to the file at fault.
 */
export async function conftestParse(
  files: readonly string[],
  options: { parser?: string; batchSize?: number } = {}
): Promise<Map<string, ConftestParsed>> {
  const results = new Map<string, ConftestParsed>()
  const parserArgs = options.parser ? ['--parser', options.parser] : []
  const runBatch = async (batch: readonly string[]): Promise<void> => {
    if (batch.length === 0) return
    const { code, stdout, stderr } = await run(conftestBinary, ['parse', ...parserArgs, ...batch])
    if (code === 0) {
      const parsed = JSON.parse(stdout) as unknown
      if (batch.length === 1) {
        results.set(batch[0], { value: parsed })
      } else {
        for (const file of batch) {
          results.set(file, { value: (parsed as Record<string, unknown>)[file] })
        }
      }
      return
    }
    if (batch.length === 1) {
      results.set(batch[0], { error: stderr.trim() })
      return
    }
    const half = Math.ceil(batch.length / 2)
    await runBatch(batch.slice(0, half))
    await runBatch(batch.slice(half))
  }
  const size = options.batchSize ?? 100
  for (let i = 0; i < files.length; i += size) await runBatch(files.slice(i, i + size))
  return results
}

/** JSON text with sorted keys, so that values compare whatever their key order (and -0 is 0). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )
}
