import { describe, expect, it } from '@jest/globals'

import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'
import { timeNowNs } from '../src/evaluate/builtins/time.js'
import { regoNumber } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'

const rego = (value: unknown): string => JSON.stringify(value)

const RFC3339_VALUES = [
  '2017-06-02T19:00:00.000-07:00',
  '2017-06-02T19:00:00Z',
  '2017-06-02T19:00:00.123456789123Z',
  '2017-06-02T19:00:00+05:30',
  '2017-06-02T19:00:00-00:00',
  '2017-06-02T19:00:00,5Z',
  '2017-06-02T19:00:00.Z',
  '2017-06-02 19:00:00Z',
  '2017-13-02T19:00:00Z',
  '2017-06-02T24:00:00Z',
  '2017-02-29T00:00:00Z',
  '2016-02-29T00:00:00Z',
  '2017-06-02T19:00:00+24:00',
  '2017-06-02T19:00:00+25:00',
  '1677-09-21T00:12:43.145224191Z',
  '1677-09-21T00:12:43.145224192Z',
  '2262-04-11T23:47:16.854775807Z',
  '2262-04-11T23:47:16.854775808Z',
  '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2017-6-2T19:00:00Z',
  '',
  'not a time'
]

const PARSE_NS: [string, string][] = [
  ['2006-01-02', '2022-03-04'],
  ['2006-01-02', '2022-3-4'],
  ['RFC822', '02 Jan 06 15:04 MST'],
  ['RFC822Z', '02 Jan 06 15:04 -0700'],
  ['RFC1123', 'Mon, 02 Jan 2006 15:04:05 PST'],
  ['RFC1123Z', 'Mon, 02 Jan 2006 15:04:05 +0100'],
  ['RFC850', 'Monday, 02-Jan-06 15:04:05 UTC'],
  ['ANSIC', 'Mon Jan  2 15:04:05 2006'],
  ['UnixDate', 'Mon Jan  2 15:04:05 GMT+3 2006'],
  ['RubyDate', 'Mon Jan 02 15:04:05 -0700 2006'],
  ['RFC3339Nano', '2006-01-02T15:04:05.999999999Z'],
  ['Mon Jan _2 15:04:05 2006', 'Tue Feb 14 10:00:00 2023'],
  ['Mon Jan _2 15:04:05 2006', 'tue FEB 14 10:00:00 2023'],
  ['2006-01-02 15:04:05.000', '2023-02-14 10:00:00.123'],
  ['2006-01-02 15:04:05.000', '2023-02-14 10:00:00.12'],
  ['2006-01-02 15:04:05', '2023-02-14 10:00:00.987654321'],
  ['2006-01-02 15:04:05.999', '2023-02-14 10:00:00'],
  ['Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 7:54pm (PST)'],
  ['Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 12:54am (UTC)'],
  ['January 2, 2006', 'March 31, 2021'],
  ['January 2, 2006', 'February 30, 2021'],
  ['2006-002', '2020-060'],
  ['2006-002', '2021-366'],
  ['2006-__2', '2020-  1'],
  ['06-01-02', '69-01-02'],
  ['06-01-02', '68-01-02'],
  ['20060102150405', '20230214100000'],
  ['2006-01-02T15:04:05Z07:00', '2023-02-14T10:00:00+01:00'],
  ['2006-01-02T15:04:05Z0700', '2023-02-14T10:00:00Z'],
  ['2006-01-02 15:04:05 -07', '2023-02-14 10:00:00 +05'],
  ['2006-01-02 15:04:05 -07:00:00', '2023-02-14 10:00:00 +05:30:15'],
  ['3:04PM', '11:30AM'],
  ['2006-01-02 3:04PM', '2023-02-14 12:30AM'],
  ['2006-01-02 3:04pm', '2023-02-14 12:30PM'],
  ['2006-01-02 15:04', '2023-02-14 25:00'],
  ['2006-01-02', '2023-02-14 extra'],
  ['2006-01-02', ''],
  ['not a layout', 'not a layout']
]

const NS = [
  '1700000000000000000',
  '0',
  '-1',
  '1e18',
  '1.5',
  '1e20',
  '9223372036854775807',
  '951782400000000000',
  '-2208988800000000000'
]
const ZONES = [
  'UTC',
  '',
  'Local',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Mars/Base',
  'america/new_york',
  'US/Eastern',
  'EST',
  'Etc/GMT+5'
]

function timeExpressions(): string[] {
  const expressions: string[] = []
  for (const value of RFC3339_VALUES) expressions.push(`time.parse_rfc3339_ns(${rego(value)})`)
  for (const [layout, value] of PARSE_NS)
    expressions.push(`time.parse_ns(${rego(layout)}, ${rego(value)})`)
  for (const ns of NS) {
    for (const fn of ['time.date', 'time.clock', 'time.weekday', 'time.format'])
      expressions.push(`${fn}(${ns})`)
  }
  for (const zone of ZONES) {
    for (const ns of [
      '1700000000000000000',
      '-2208988800000000000',
      '1679815800000000000',
      '1667694600000000000'
    ]) {
      for (const fn of ['time.date', 'time.clock', 'time.weekday', 'time.format']) {
        expressions.push(`${fn}([${ns}, ${rego(zone)}])`)
      }
    }
  }
  for (const layout of [
    'RFC822',
    '2006-01-02 15:04:05.000 MST -0700',
    'Mon Jan _2 3:04:05.999999999PM Z07:00:00 2006',
    '__2 002 .000000 ,999'
  ]) {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/London']) {
      expressions.push(`time.format([1700000000123456789, ${rego(zone)}, ${rego(layout)}])`)
    }
  }
  // Operands of the wrong type, hidden from the type checker behind json.unmarshal.
  for (const operand of ['[]', '"x"', '[1, 2]', '["x"]', '[1, "UTC", 5]', '[1, "UTC", "RFC822"]']) {
    expressions.push(
      `time.date(json.unmarshal(${rego(operand)}))`,
      `time.format(json.unmarshal(${rego(operand)}))`
    )
  }
  for (const [years, months, days] of [
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 0],
    [0, -13, 0],
    [0, 0, -400],
    [4, 0, 0],
    [500, 0, 0],
    [0, 1.5, 0]
  ]) {
    // OPA declares time.add_date's first operand a number, but evaluates [ns, zone] too.
    for (const time of [
      '1706659200000000000',
      'json.unmarshal("[1706659200000000000, \\"America/New_York\\"]")',
      'json.unmarshal("[1710054000000000000, \\"America/New_York\\"]")',
      'json.unmarshal("[1711846800000000000, \\"Europe/Berlin\\"]")'
    ]) {
      expressions.push(`time.add_date(${time}, ${years}, ${months}, ${days})`)
    }
  }
  const diffPairs: [string, string][] = [
    ['1700000000000000000', '1600000000000000000'],
    ['1600000000000000000', '1700000000000000000'],
    ['1706659200000000000', '1709251200000000000'],
    ['[1706659200000000000, "America/New_York"]', '[1709251200000000000, "Asia/Kolkata"]'],
    ['[1710054000000000000, "America/New_York"]', '1710140400000000000'],
    ['0', '0'],
    ['951782400000000000', '983404800000000000']
  ]
  for (const [a, b] of diffPairs) expressions.push(`time.diff(${a}, ${b})`)
  for (const duration of [
    '1h30m',
    '1.5h',
    '-2d',
    '1w',
    '1y2d',
    '.5d',
    '1d12h',
    '100ms',
    '1us',
    '1µs',
    '1μs',
    '',
    '1',
    '0',
    '1x',
    '1.2.3d',
    '9999999999h',
    '+5m',
    '1d1y',
    '2w3d4h5m6s7ms8us9ns',
    '1.0000000001d',
    '106751d',
    '106752d',
    '1D'
  ]) {
    expressions.push(`time.parse_duration_ns(${rego(duration)})`)
  }
  return expressions
}

describe('time built-ins against OPA', () => {
  const run = opaAvailable ? it : it.skip
  run('agree with opa eval on parsing, zones, calendar arithmetic and errors', async () => {
    const expressions = timeExpressions()
    const outcomes = await runDifferential(
      expressions.map(expression => ({ expression })),
      createHostBuiltins()
    )
    const identical = outcomes.filter(o => o.same).length
    console.log(`time differential: ${identical} of ${outcomes.length} cases identical to opa eval`)
    expect(describeDifferences(outcomes)).toBe('')
  })
})

describe('time.now_ns', () => {
  it('is the same value throughout one evaluation and the current time', async () => {
    const builtins = createHostBuiltins()
    const first = builtins['time.now_ns']()
    const second = builtins['time.now_ns']()
    expect(second).toEqual(first)
    const nanos = BigInt(first?.type === 'number' ? first.text : '0')
    const nowNanos = BigInt(Date.now()) * 1_000_000n
    expect(nanos > nowNanos - 5_000_000_000n && nanos <= nowNanos + 5_000_000_000n).toBe(true)
    // After the evaluation's synchronous job, the clock is read again.
    await new Promise(resolve => setTimeout(resolve, 2))
    expect(builtins['time.now_ns']()).not.toEqual(first)
  })

  it('reports a clock given by the caller', () => {
    expect(timeNowNs(42n)).toEqual(regoNumber(42n))
    expect(createHostBuiltins({ now: () => 7n })['time.now_ns']()).toEqual(regoNumber(7n))
  })
})
