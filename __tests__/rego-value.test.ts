import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import {
  type RegoValue,
  compareRegoValues,
  objectGet,
  parseValueDump,
  regoArray,
  regoBoolean,
  regoFromJson,
  regoNull,
  regoNumber,
  regoObject,
  regoSet,
  regoString,
  regoToJson,
  regoToJsonText,
  renderRego,
  serializeForWasm
} from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'
import { WasmPolicy, buildWasm } from './support/wasm-dump.js'

/** Rego values of every kind, with the number texts and strings that are easy to get wrong. */
const numberText = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '0.1',
    '1.0',
    '-0.0',
    '1e21',
    '1E-7',
    '2.50',
    '1e400',
    '12345678901234567890',
    '-9223372036854775808'
  ),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map(n => String(n))
    .filter(t => /^-?\d/.test(t))
)
const stringValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', 'a', 'b', 'é', '\u0000', '\n\t"\\', '😀', '\u007f', '\u2028', '\ufeff', '`x`')
)
const { value: regoValueArbitrary } = fc.letrec<{ value: RegoValue }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(regoNull),
    fc.boolean().map(regoBoolean),
    numberText.map(text => regoNumber(text)),
    stringValue.map(regoString),
    fc.array(tie('value'), { maxLength: 4 }).map(regoArray),
    fc.array(tie('value'), { maxLength: 4 }).map(regoSet),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 })
      .map(entries => regoObject(entries))
  )
}))

/** Rego source text for a value, every non-ASCII character escaped (OPA's parser refuses some raw). */
function regoLiteral(value: RegoValue): string {
  return serializeForWasm(value).replace(
    /[\u007f-\uffff]/g,
    c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
  )
}

describe('parseValueDump', () => {
  it('reads what opa_value_dump writes: sets, non-string keys, escapes, exact numbers', () => {
    const dump =
      '[{null, true, {"k": {1, 2}}, 1, "b", "a", [1, 2]}, {[1]: 2, 3: "x", "b": 1}, 12345678901234567890, 1e21, -0.0, "str\\"\\né\\u0001", set(), {}]'
    const value = parseValueDump(dump)
    expect(renderRego(value)).toBe(
      '[{null, true, 1, "a", "b", [1, 2], {"k": {1, 2}}}, {3: "x", "b": 1, [1]: 2}, 12345678901234567890, 1e21, -0.0, "str\\"\\né\\x01", set(), {}]'
    )
  })

  it('keeps number texts as they are', () => {
    for (const text of ['1.0', '1e400', '-0', '0.10', '1E+5']) {
      expect(parseValueDump(text)).toEqual({ type: 'number', text })
    }
  })

  it('reports where the text is not a value dump', () => {
    expect(() => parseValueDump('[1, 2')).toThrow('value dump: expected "," or "]" at offset 5')
    expect(() => parseValueDump('{1: 2, 3}')).toThrow('expected ":"')
    expect(() => parseValueDump('"\\q"')).toThrow('invalid escape')
    expect(() => parseValueDump('1 2')).toThrow('unexpected text after the value')
  })
})

describe('OPA ordering (ast.Compare)', () => {
  const ordered = [
    'null',
    'false',
    'true',
    '-1e400',
    '-1',
    '0',
    '0.5',
    '1',
    '12345678901234567890',
    '1e21',
    '""',
    '"A"',
    '"a"',
    '"\uffff"',
    '"😀"',
    '[]',
    '[1]',
    '[1, 2]',
    '[2]',
    '{}',
    '{"a": 1}',
    '{"a": 2}',
    '{"b": 0}',
    'set()',
    '{1}',
    '{1, 2}',
    '{2}'
  ]
  it('orders null < booleans < numbers < strings < arrays < objects < sets', () => {
    const values = ordered.map(parseValueDump)
    for (let i = 0; i + 1 < values.length; i++) {
      expect([ordered[i], compareRegoValues(values[i], values[i + 1])]).toEqual([ordered[i], -1])
      expect(compareRegoValues(values[i + 1], values[i])).toBe(1)
    }
  })

  it('compares numbers by value and strings by code point', () => {
    expect(compareRegoValues(regoNumber('1'), regoNumber('1.0'))).toBe(0)
    expect(compareRegoValues(regoNumber('1e2'), regoNumber('100.000'))).toBe(0)
    expect(compareRegoValues(regoString('\uffff'), regoString('😀'))).toBe(-1)
    expect(regoSet([regoNumber('1'), regoNumber('1.0')]).items).toHaveLength(1)
  })

  it('finds object members by OPA equality', () => {
    const object = parseValueDump('{"a": 1, 2: "two", [1]: "list"}')
    expect(object.type === 'object' && objectGet(object, regoNumber('2.0'))).toEqual(
      regoString('two')
    )
    expect(object.type === 'object' && objectGet(object, regoString('z'))).toBeUndefined()
  })
})

describe('JSON forms', () => {
  it('turns sets into arrays and non-string keys into their JSON text, as ast.JSON does', () => {
    const value = parseValueDump('{"b": {2, 1}, 1: "x", [1, "a"]: null, "<&>": 1.0}')
    expect(regoToJsonText(value)).toBe(
      '{"1":"x","\\u003c\\u0026\\u003e":1.0,"[1,\\"a\\"]":null,"b":[1,2]}'
    )
    expect(regoToJson(value)).toEqual({ '1': 'x', '<&>': 1, '[1,"a"]': null, b: [1, 2] })
  })

  it('reads plain JSON values', () => {
    expect(regoFromJson({ a: [1, 1.5, 1e21, 'x', null, true] })).toEqual(
      parseValueDump('{"a": [1, 1.5, 1e+21, "x", null, true]}')
    )
  })
})

describe('round trips (fast-check)', () => {
  it('parseValueDump reads back serializeForWasm for any value', () => {
    fc.assert(
      fc.property(regoValueArbitrary, value => {
        expect(parseValueDump(serializeForWasm(value))).toEqual(value)
      }),
      { numRuns: 500, seed: 42 }
    )
  })

  it('renderRego is stable under re-parsing the module form', () => {
    fc.assert(
      fc.property(regoValueArbitrary, value => {
        expect(renderRego(parseValueDump(serializeForWasm(value)))).toBe(renderRego(value))
      }),
      { numRuns: 300, seed: 7 }
    )
  })

  const run = opaAvailable ? it : it.skip
  run(
    'the real WASM module parses serializeForWasm and dumps text parseValueDump reads back',
    async () => {
      const policy = await WasmPolicy.load(
        await buildWasm({ 'p.rego': 'package p\n\nx := 1\n' }, ['p/x']),
        {}
      )
      let runs = 0
      fc.assert(
        fc.property(regoValueArbitrary, value => {
          runs++
          const dump = policy.dumpThroughModule(value)
          expect(renderRego(parseValueDump(dump))).toBe(renderRego(value))
        }),
        { numRuns: 400, seed: 1234 }
      )
      console.log(
        `WASM round trip: ${runs} random values through opa_value_parse and opa_value_dump`
      )
    }
  )

  run('renderRego matches OPA’s own rendering (sprintf %v) of random values', async () => {
    const values = fc.sample(regoValueArbitrary, { numRuns: 600, seed: 99 })
    // Strings and numbers print without quotes or as Go values under %v; composites as Rego.
    const composite = values.filter(
      v => v.type === 'array' || v.type === 'set' || v.type === 'object'
    )
    const outcomes = await runDifferential(
      composite.map(value => ({ expression: `sprintf("%v", [${regoLiteral(value)}])` })),
      {
        sprintf: (_format, args) =>
          args.type === 'array' ? regoString(renderRego(args.items[0])) : undefined
      }
    )
    const identical = outcomes.filter(o => o.same).length
    console.log(
      `renderRego differential: ${identical} of ${outcomes.length} random composite values identical`
    )
    expect(describeDifferences(outcomes)).toBe('')
  })
})
