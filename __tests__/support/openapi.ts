// GitHub's published OpenAPI description (from @octokit/openapi) and a validator for the part of
// JSON Schema it uses, so the test server refuses a request body GitHub would refuse, with the
// messages GitHub sends ("Invalid request.\n\n\"body\" wasn't supplied.").

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

export type Schema = Record<string, unknown>

interface Operation {
  operationId: string
  externalDocs?: { url: string }
  parameters?: Schema[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }> } | Schema>
}

export interface OpenApiDocument {
  info: { version: string }
  paths: Record<string, Record<string, Operation>>
  components: Record<string, Record<string, Schema>>
}

let cached: OpenApiDocument | undefined

/** api.github.com's description, read once per process (13 MB of JSON). */
export function gitHubOpenApi(): OpenApiDocument {
  if (!cached) {
    const file = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json'
    )
    cached = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument
  }
  return cached
}

/** The operation at a path template (`/repos/{owner}/{repo}/check-runs`) and method. */
export function operationOf(doc: OpenApiDocument, path: string, method: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()]
  if (!op) throw new Error(`GitHub's OpenAPI description has no ${method} ${path}`)
  return op
}

export function resolveRef(doc: OpenApiDocument, schema: Schema): Schema {
  let current = schema
  for (let depth = 0; typeof current.$ref === 'string'; depth++) {
    if (depth > 32) throw new Error(`$ref loop at ${String(schema.$ref)}`)
    const parts = current.$ref.replace(/^#\//, '').split('/')
    let target: unknown = doc
    for (const part of parts) target = (target as Record<string, unknown>)[part]
    if (!target) throw new Error(`Unresolvable $ref ${current.$ref}`)
    current = target as Schema
  }
  return current
}

/** The JSON request body schema of an operation, or undefined when it takes none. */
export function requestBodySchema(op: Operation): Schema | undefined {
  return op.requestBody?.content['application/json']?.schema
}

/** The JSON schema of an operation's response with `status`. */
export function responseSchema(
  doc: OpenApiDocument,
  op: Operation,
  status: number
): Schema | undefined {
  const response = op.responses[String(status)]
  if (!response) return undefined
  const resolved = resolveRef(doc, response as Schema) as {
    content?: Record<string, { schema: Schema }>
  }
  return resolved.content?.['application/json']?.schema
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value)
  return actual === type || (type === 'number' && actual === 'integer')
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`)

/**
 * Validates `value` against `schema`; returns GitHub-style messages, empty when valid.
 * Supported: $ref, type (+ nullable), enum, properties, required, additionalProperties, items,
 * min/maxItems, min/maxLength, minimum/maximum, anyOf, oneOf (+ discriminator), allOf,
 * format date-time. Other keywords (description, example, default, ...) do not constrain.
 */
export function validate(
  doc: OpenApiDocument,
  schemaOrRef: Schema,
  value: unknown,
  at = ''
): string[] {
  const schema = resolveRef(doc, schemaOrRef)
  const where = at === '' ? '' : `For '${at}', `
  const shown = JSON.stringify(value)?.slice(0, 80)
  const errors: string[] = []

  if (value === null) {
    if (schema.nullable === true || schema.type === 'null' || schema.type === undefined) return []
    return [`${where}null is not ${article(String(schema.type))}.`]
  }
  if (typeof schema.type === 'string' && !matchesType(value, schema.type)) {
    return [`${where}${shown} is not ${article(schema.type)}.`]
  }
  if (Array.isArray(schema.enum) && !schema.enum.some(option => option === value)) {
    errors.push(`${where}${shown} is not a member of ${JSON.stringify(schema.enum)}.`)
  }
  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
      errors.push(`${where}${shown} is too long (maximum is ${schema.maxLength} characters).`)
    }
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      errors.push(`${where}${shown} is too short (minimum is ${schema.minLength} characters).`)
    }
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) {
      errors.push(`${where}${shown} is not a valid date-time.`)
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      errors.push(`${where}${value} is less than the minimum of ${schema.minimum}.`)
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      errors.push(`${where}${value} is greater than the maximum of ${schema.maximum}.`)
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      errors.push(`${where}the array is too long (maximum is ${schema.maxItems} items).`)
    }
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      errors.push(`${where}the array is too short (minimum is ${schema.minItems} items).`)
    }
    if (schema.items) {
      value.forEach((item, index) =>
        errors.push(...validate(doc, schema.items as Schema, item, `${at}/items/${index}`))
      )
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) errors.push(`"${name}" wasn't supplied.`)
    }
    for (const [name, propertyValue] of Object.entries(object)) {
      const propertySchema = properties[name]
      const path = `${at === '' ? '' : `${at}/`}properties/${name}`
      if (propertySchema) {
        errors.push(...validate(doc, propertySchema, propertyValue, path))
      } else if (schema.additionalProperties === false) {
        errors.push(`"${name}" is not a permitted key.`)
      } else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validate(doc, schema.additionalProperties as Schema, propertyValue, path))
      }
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) errors.push(...validate(doc, part, value, at))
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as Schema[]
    const failures = branches.map(branch => validate(doc, branch, value, at))
    if (failures.every(failure => failure.length > 0)) {
      errors.push(`${where}No subschema in "anyOf" matched.`, ...failures[0])
    }
  }
  if (Array.isArray(schema.oneOf)) {
    errors.push(...validateOneOf(doc, schema, value, at, where))
  }
  return errors
}

function validateOneOf(
  doc: OpenApiDocument,
  schema: Schema,
  value: unknown,
  at: string,
  where: string
): string[] {
  const discriminator = schema.discriminator as
    { propertyName: string; mapping?: Record<string, string> } | undefined
  if (discriminator && typeOf(value) === 'object') {
    const key = (value as Record<string, unknown>)[discriminator.propertyName]
    const ref = typeof key === 'string' ? discriminator.mapping?.[key] : undefined
    if (ref) return validate(doc, { $ref: ref }, value, at)
  }
  const branches = schema.oneOf as Schema[]
  const matched = branches.filter(branch => validate(doc, branch, value, at).length === 0)
  if (matched.length === 1) return []
  // Without a discriminator, GitHub's own shapes often satisfy several branches (a private
  // user is also a public one); accept any match there rather than reject real responses.
  if (matched.length > 1 && discriminator) return []
  return matched.length === 0
    ? [`${where}No subschema in "oneOf" matched.`]
    : [`${where}More than one subschema in "oneOf" matched.`]
}
