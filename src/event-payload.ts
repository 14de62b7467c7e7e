/** Reading fields of a webhook event payload, whose shape differs by event and is never trusted. */

export type Json = Record<string, unknown>

/** `value[key]` when it is an object (or array), else undefined. */
export const objectAt = (value: unknown, key: string): Json | undefined => {
  const found = (value as Json | undefined)?.[key]
  return typeof found === 'object' && found !== null ? (found as Json) : undefined
}

/** `value[key]` when it is a non-empty string, else undefined. */
export const stringAt = (value: unknown, key: string): string | undefined => {
  const found = (value as Json | undefined)?.[key]
  return typeof found === 'string' && found !== '' ? found : undefined
}
