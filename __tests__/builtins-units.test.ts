import { describe, expect, it } from '@jest/globals'

import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'
import { goToLower, unitsParse, unitsParseBytes } from '../src/evaluate/builtins/units.js'
import { regoNumber, regoString } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'

const AMOUNTS = [
  '10',
  '1.5',
  '0.5',
  '1.1',
  '-1',
  '+1',
  '.5',
  '5.',
  '1e3',
  '1E3',
  '1e-3',
  '2.5e2',
  '1.0000000000000000001',
  '123456789.987654321',
  '0',
  '1e',
  '1e+',
  '--1',
  '1-2',
  '1e1000000',
  '1e999',
  '1.7976931348623157e308'
]
const BYTE_UNITS = [
  '',
  'k',
  'K',
  'kb',
  'KB',
  'kib',
  'KiB',
  'Ki',
  'm',
  'MB',
  'mib',
  'Mi',
  'g',
  'GiB',
  't',
  'TB',
  'tib',
  'p',
  'PiB',
  'e',
  'EB',
  'eib',
  'XB',
  'b',
  'kB '
]
const SI_UNITS = [
  '',
  'm',
  'M',
  'k',
  'K',
  'ki',
  'Ki',
  'KI',
  'mi',
  'Mi',
  'MI',
  'g',
  'G',
  'Gi',
  't',
  'T',
  'Ti',
  'p',
  'P',
  'Pi',
  'e',
  'E',
  'Ei',
  'kB',
  'x',
  'µ'
]

function expressions(): string[] {
  const out: string[] = []
  for (const amount of AMOUNTS) {
    for (const unit of BYTE_UNITS) out.push(`units.parse_bytes(${JSON.stringify(amount + unit)})`)
    for (const unit of SI_UNITS) out.push(`units.parse(${JSON.stringify(amount + unit)})`)
  }
  for (const text of [
    '',
    'KB',
    '"10MB"',
    '10 MB',
    ' 10MB',
    '1.5.5k',
    'one k',
    '10Kİ',
    '1e5e5',
    '0x10',
    '1_000',
    '١٠k'
  ]) {
    out.push(`units.parse_bytes(${JSON.stringify(text)})`, `units.parse(${JSON.stringify(text)})`)
  }
  return out
}

describe('units built-ins against OPA', () => {
  const run = opaAvailable ? it : it.skip
  run('agree with opa eval on amounts, units and errors', async () => {
    const cases = expressions().map(expression => ({ expression }))
    const outcomes = await runDifferential(cases, createHostBuiltins())
    const identical = outcomes.filter(o => o.same).length
    console.log(
      `units differential: ${identical} of ${outcomes.length} cases identical to opa eval`
    )
    expect(describeDifferences(outcomes)).toBe('')
  })
})

describe('units', () => {
  it.each([
    ['10KiB', '10240'],
    ['1.5G', '1500000000'],
    ['1.1kb', '1100']
  ])('units.parse_bytes(%j) is %s', (text, expected) => {
    expect(unitsParseBytes(regoString(text))).toEqual(regoNumber(expected))
  })

  it.each([
    ['1m', '0.0010000000'],
    ['100m', '0.1000000000'],
    ['10Mi', '10485760'],
    ['1.5M', '1500000']
  ])('units.parse(%j) is %s', (text, expected) => {
    expect(unitsParse(regoString(text))).toEqual(regoNumber(expected))
  })

  it('fails as OPA does', () => {
    expect(() => unitsParseBytes(regoString('10 MB'))).toThrow(
      'units.parse_bytes: spaces not allowed in resource strings'
    )
    expect(() => unitsParse(regoString('10XB'))).toThrow('units.parse: unit Xb not recognized')
  })

  it('lower-cases per rune as Go does', () => {
    expect(goToLower('KİΣ')).toBe('kiσ')
  })
})
