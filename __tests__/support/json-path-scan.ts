/**
 * The reference the position index (src/documents/positions.ts) is tested against: resolving a
 * JSON path by scanning the text from its start, as findings were located before the index.
 */
import { endOfJsonValue, endOfString, skipBlank } from '../../src/documents/json.js'

const QUOTE = 0x22

/**
 * Resolves a path (object keys and array indices) against the JSON value that starts at `start`,
 * as far as it goes. Returns the offset of the deepest element found — the key, for an object
 * member, as that is where a reader looks — and how many segments were resolved. Duplicate keys
 * resolve to the last one, which is the one JSON.parse keeps.
 */
export function locateJsonPath(
  text: string,
  path: readonly (string | number)[],
  start = 0
): { offset: number; resolved: number } {
  let valueAt = skipBlank(text, start)
  let offset = valueAt
  let resolved = 0
  for (const segment of path) {
    const open = text.charCodeAt(valueAt)
    let found: { key: number; value: number } | undefined
    if (open === 0x7b && typeof segment === 'string') {
      let i = skipBlank(text, valueAt + 1)
      while (text.charCodeAt(i) === QUOTE) {
        const keyEnd = endOfString(text, i) + 1
        const key = JSON.parse(text.slice(i, keyEnd)) as string
        const value = skipBlank(text, skipBlank(text, keyEnd) + 1)
        if (key === segment) found = { key: i, value }
        i = skipBlank(text, endOfJsonValue(text, value))
        if (text.charCodeAt(i) !== 0x2c) break
        i = skipBlank(text, i + 1)
      }
    } else if (open === 0x5b && typeof segment === 'number') {
      let i = skipBlank(text, valueAt + 1)
      for (let index = 0; text.charCodeAt(i) !== 0x5d && i < text.length; index++) {
        if (index === segment) {
          found = { key: i, value: i }
          break
        }
        i = skipBlank(text, endOfJsonValue(text, i))
        if (text.charCodeAt(i) !== 0x2c) break
        i = skipBlank(text, i + 1)
      }
    }
    if (!found) break
    offset = found.key
    valueAt = found.value
    resolved++
  }
  return { offset, resolved }
}
