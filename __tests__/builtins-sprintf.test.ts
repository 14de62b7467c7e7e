import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import {
  type GoValue,
  goSprintf,
  plainSprintf,
  printerSprintf,
  sprintf,
  toGoValue
} from '../src/evaluate/builtins/sprintf.js'
import { parseValueDump, regoString } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'
import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'

const int = (value: bigint | number): GoValue => ({ type: 'int64', value: BigInt(value) })
const float = (value: number): GoValue => ({ type: 'float64', value })
const str = (value: string): GoValue => ({ type: 'string', value })
const big = (value: bigint): GoValue => ({ type: 'bigInt', value })

describe('goSprintf (Go fmt.Sprintf)', () => {
  it.each<[string, GoValue[], string]>([
    ['%d %s', [float(1.5), int(2)], '%!d(float64=1.5) %!s(int64=2)'],
    ['%v', [int(1), int(2)], '1%!(EXTRA int64=2)'],
    ['%v', [float(1e21)], '1e+21'],
    ['%v', [big(12345678901234567890n)], '12345678901234567890'],
    [
      '%08.3f|%-8.2e|%+g',
      [float(-3.14159), float(1234.5), float(1e-7)],
      '-003.142|1.23e+03|+1e-07'
    ],
    ['%x %X %#o %O %b', [int(255), int(-255), int(8), int(8), int(5)], 'ff -FF 010 0o10 101'],
    ['%[2]d %[1]d', [int(1), int(2)], '2 1'],
    ['%[3]d', [int(1)], '%!d(BADINDEX)'],
    ['%d %d', [int(1)], '1 %!d(MISSING)'],
    ['%', [], '%!(NOVERB)'],
    ['%*d|%-*d|%.*f', [int(5), int(42), int(4), int(7), int(2), float(3.14159)], '   42|7   |3.14'],
    ['%*d', [str('x'), int(1)], '%!(BADWIDTH)1'],
    ['%.*d', [str('x'), int(1)], '%!(BADPREC)1'],
    ['%q %+q %#q', [str('héllo\n'), str('héllo'), str('raw')], '"héllo\\n" "h\\u00e9llo" `raw`'],
    ['%c|%q|%U|%#U', [int(0x1f600), int(39), int(0x41), int(0x41)], "😀|'\\''|U+0041|U+0041 'A'"],
    ['%x|% X|%#x', [str('hi'), str('hi'), str('')], '6869|68 69|'],
    ['%5.1s|%-5s|%05s', [str('abc'), str('ab'), str('ab')], '    a|ab   |000ab'],
    ['%T %T %T %T', [int(1), float(1), str(''), big(2n ** 64n)], 'int64 float64 string *big.Int'],
    [
      '%#x %+d %08d %x',
      [big(2n ** 64n), big(2n ** 64n), big(-(2n ** 64n)), big(-(2n ** 70n))],
      '0x10000000000000000 +18446744073709551616 -18446744073709551616 -400000000000000000'
    ],
    [
      '%e %c',
      [big(2n ** 64n), big(2n ** 64n)],
      '%!e(big.Int=18446744073709551616) %!c(big.Int=18446744073709551616)'
    ],
    ['%w', [big(2n ** 64n + 5n)], '%!w(*big.Int=&{false [5 1]})'],
    [
      '%x %X %b',
      [float(1.5), float(-0.1), float(0.1)],
      '0x1.8p+00 -0X1.999999999999AP-04 7205759403792794p-56'
    ],
    ['%#g %#.3g %#v', [float(1), float(100), float(1)], '1.00000 100. 1']
  ])('%j of %j is %j', (format, args, expected) => {
    expect(goSprintf(format, args)).toBe(expected)
  })
})

describe('plainSprintf (the printer skipped for plain %s, %v and %d)', () => {
  const fragment = fc.constantFrom('%s', '%v', '%d', '%%', '%q', '%5s', '%', 'a', ' é ', '"', '%!')
  const argument = fc.oneof(
    fc.string().map(str),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(int),
    fc.double({ noNaN: true }).map(float)
  )

  it('prints what the Go printer prints whenever it applies', () => {
    let applied = 0
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 8 }),
        fc.array(argument, { maxLength: 5 }),
        (parts, args) => {
          const format = parts.join('')
          const plain = plainSprintf(format, args)
          if (plain !== undefined) applied++
          expect(goSprintf(format, args)).toBe(printerSprintf(format, args))
          if (plain !== undefined) expect(plain).toBe(printerSprintf(format, args))
        }
      ),
      { numRuns: 3000 }
    )
    expect(applied).toBeGreaterThan(100)
  })

  it.each<[string, GoValue[], string | undefined]>([
    [
      '%s: container "%s" uses %v',
      [str('Pod/a'), str('web'), str('nginx')],
      'Pod/a: container "web" uses nginx'
    ],
    ['%d%% of %v', [int(50), int(-3)], '50% of -3'],
    ['%s', [int(1)], undefined],
    ['%d', [str('1')], undefined],
    ['%v', [float(1.5)], undefined],
    ['%s %s', [str('a')], undefined],
    ['%s', [str('a'), str('b')], undefined],
    ['%5s', [str('a')], undefined],
    ['100%', [], undefined]
  ])('%j of %j', (format, args, expected) => {
    expect(plainSprintf(format, args)).toBe(expected)
  })
})

describe('toGoValue (OPA converts sprintf arguments)', () => {
  it.each<[string, GoValue]>([
    ['1', int(1)],
    ['1.0', float(1)],
    ['1e3', float(1000)],
    ['-0.0', float(-0)],
    ['9223372036854775807', int(9223372036854775807n)],
    ['9223372036854775808', big(9223372036854775808n)],
    ['1e400', str('1e400')],
    ['"x"', str('x')],
    ['{"b", "a"}', str('{"a", "b"}')],
    ['{"b": 1, "a": [null, true]}', str('{"a": [null, true], "b": 1}')],
    ['{2: "x", "k": set()}', str('{2: "x", "k": set()}')]
  ])('%s becomes %j', (dump, expected) => {
    expect(toGoValue(parseValueDump(dump))).toEqual(expected)
  })

  it('fails on operands of the wrong type, as OPA does', () => {
    expect(() => sprintf(parseValueDump('1'), parseValueDump('[]'))).toThrow(
      'operand 1 must be string but got number'
    )
    expect(() => sprintf(regoString('%v'), parseValueDump('{1}'))).toThrow(
      'operand 2 must be array but got set'
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Differential: generated cases through the real WASM module and the real `opa eval`.

function mulberry32(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VALUES = [
  '0',
  '1',
  '-1',
  '42',
  '-42',
  '255',
  '65',
  '1114112',
  '55296',
  '9223372036854775807',
  '-9223372036854775808',
  '12345678901234567890',
  '-12345678901234567890',
  '18446744073709551616',
  '0.1',
  '1.5',
  '-2.5',
  '2.5',
  '0.5',
  '1e21',
  '1e20',
  '1e-7',
  '-0.0',
  '0.0',
  '1.0',
  '100000000.0',
  '3.14159',
  '1e300',
  '1.7976931348623157e308',
  '5e-324',
  '123456.789',
  '1e400',
  '""',
  '"hello"',
  '"héllo wörld"',
  '"a\\"b\\\\c"',
  '"tab\\there\\nnewline"',
  '"日本語テキスト"',
  '"\\u0000\\u0007\\u007f"',
  '"😀 emoji"',
  '"`back`"',
  '"\\ufeffbom"',
  '"\\u00a0nbsp\\u2028"',
  'null',
  'true',
  'false',
  '[]',
  '{}',
  'set()',
  '[1, "a", null]',
  '{"b", "a", "c"}',
  '{3, 1, 2}',
  '{"b": 1, "a": [2, {"c"}]}',
  '{1: "x", "k": null, [1]: {"z": 1}}',
  '{{"b"}, {"a"}}',
  '[1.0, 1e21, -0.0]'
]

const VERBS = [
  'v',
  'd',
  's',
  'q',
  'x',
  'X',
  'o',
  'O',
  'b',
  'e',
  'E',
  'f',
  'F',
  'g',
  'G',
  'c',
  'U',
  't',
  'T',
  'w',
  'z',
  'é'
]
const FLAGS = ['', '', '', '+', '-', '#', ' ', '0', '+#', '-0', ' #', '+0', '#0']
const WIDTHS = ['', '', '', '5', '12', '1']
const PRECISIONS = ['', '', '', '.0', '.3', '.10', '.']

function generatedCases(count: number): string[] {
  const random = mulberry32(2024)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const cases: string[] = []
  for (let i = 0; i < count; i++) {
    const value = pick(VALUES)
    const verb = pick(VERBS)
    // Go prints a *big.Int's heap address for %p; nothing to compare.
    const format = `<%${pick(FLAGS)}${pick(WIDTHS)}${pick(PRECISIONS)}${verb}>`
    cases.push(`sprintf(${JSON.stringify(format)}, [${value}])`)
  }
  return cases
}

/** Every value under %v and %d with no flags, and the structural forms. */
const CURATED = [
  ...VALUES.flatMap(value => [
    `sprintf("%v", [${value}])`,
    `sprintf("%d", [${value}])`,
    `sprintf("%s|%q", [${value}, ${value}])`,
    `sprintf("%p", [${value === '12345678901234567890' || value === '-12345678901234567890' || value === '18446744073709551616' ? '1' : value}])`
  ]),
  'sprintf("%v", [1, 2])',
  'sprintf("%v %v", [1])',
  'sprintf("%[2]v %[1]v", ["a", "b"])',
  'sprintf("%[2]v %v", ["a", "b", "c"])',
  'sprintf("%[0]v", ["a"])',
  'sprintf("%[x]v", ["a"])',
  'sprintf("%[1]", ["a"])',
  'sprintf("%[1", ["a"])',
  'sprintf("%[3]*d", [1, 2, 5, 7])',
  'sprintf("%[1]5d", [1])',
  'sprintf("%[1].2d", [1])',
  'sprintf("%.[2]d", [1, 2])',
  'sprintf("%*d", [5, 1])',
  'sprintf("%-*d|", [5, 1])',
  'sprintf("%*d|", [-5, 1])',
  'sprintf("%.*f", [-1, 1.5])',
  'sprintf("%*d", [1.5, 1])',
  'sprintf("%*d", [10000000, 1])',
  'sprintf("%*d", ["x", 1])',
  'sprintf("%.*d", [12345678901234567890, 1])',
  'sprintf("%", [])',
  'sprintf("abc%", [1])',
  'sprintf("%5%|%-%|%%", [])',
  'sprintf("%!", [1])',
  'sprintf("%10000000d", [1])',
  'sprintf("%.10000000d", [1])',
  'sprintf("no verbs", [])',
  'sprintf("no verbs", [1, "a", {"x"}])',
  'sprintf("%d%%", [50])',
  'sprintf("%s", [["x", {"y": "z"}]])',
  'sprintf("%v and %v", [{"b": {"d", "c"}}, [set(), {}]])',
  'sprintf("%d", [3])',
  'sprintf("%d", [3.0])',
  'sprintf("%d", [12345678901234567890])',
  'sprintf("%x", [{"a"}])',
  'sprintf("%08.3f|%+.2e|% g", [3.14159, 12345.678, 0.000012])',
  'sprintf("%6.2f%%", [99.5])',
  'sprintf("%.2f", [2.675])',
  'sprintf("%.0f %.0f %.0f %.0f", [0.5, 1.5, 2.5, 3.5])',
  'sprintf("%.1f %.2f %.3f", [0.25, 0.125, 0.0625])',
  'sprintf("%g %g %g %g", [100000, 1000000, 0.0001, 0.00001])',
  'sprintf("%.3g %.10g %.20g", [1234567.0, 0.1, 0.1])',
  'sprintf("%e %E", [0.0, -0.0])',
  'sprintf("%5.1q", ["hello"])',
  'sprintf("%#q %#q", ["a\\tb", "a`b"])',
  'sprintf("%U %#U %#U %.6U", [128512, 128512, 10, 65])',
  'sprintf("%c%c%c", [72, 105, 33])',
  'sprintf("%q", [-1])',
  'sprintf("%c", [-1])',
  'sprintf("%U", [-1])',
  'sprintf("%o %#o %#b %#X", [-8, -8, -5, -255])',
  'sprintf("%+v %#v %+#v", [1.5, "s", 12345678901234567890])',
  'sprintf("%#v %+v", [{"a": 1}, [1, "x"]])',
  'sprintf("%-10v|%10v", [{"a"}, [1]])',
  'sprintf("%.3v|%.3s", [{"abc"}, [1, 2, 3]])',
  'sprintf("%é", [1])',
  'sprintf("%😀", [1])',
  'sprintf("%!d(string=x)", [])',
  'sprintf("%t %t", [true, "x"])',
  'sprintf("%v", [[12345678901234567890, 1e400, 0.1]])',
  'sprintf("%d %d", [9223372036854775807, -9223372036854775808])',
  'sprintf("%d", [9223372036854775808])',
  'sprintf("%x %X %o %b", [18446744073709551615, 18446744073709551615, 18446744073709551615, 18446744073709551616])',
  'sprintf("%030d|%-30d|%+30d|%.25d", [12345678901234567890, 12345678901234567890, 12345678901234567890, 12345678901234567890])',
  'sprintf("%#030x|% d|%#.25o", [12345678901234567890, 12345678901234567890, 12345678901234567890])',
  'sprintf("%w %#w %+w", [12345678901234567890, 12345678901234567890, 12345678901234567890])',
  'sprintf("%w %#w %w", [1, "s", 1.5])'
]

/** Random doubles (as Rego number text) under every float verb and several precisions. */
function floatCases(count: number): string[] {
  const random = mulberry32(7)
  const view = new DataView(new ArrayBuffer(8))
  const cases: string[] = []
  const verbs = [
    '%v',
    '%e',
    '%E',
    '%f',
    '%g',
    '%G',
    '%x',
    '%X',
    '%b',
    '%.0f',
    '%.3e',
    '%.17g',
    '%.30f',
    '%.0e',
    '%#g',
    '%+.5G',
    '%.2x'
  ]
  while (cases.length < count) {
    let value: number
    if (cases.length % 2 === 0) {
      view.setUint32(0, Math.floor(random() * 2 ** 32))
      view.setUint32(4, Math.floor(random() * 2 ** 32))
      value = view.getFloat64(0)
    } else {
      value = Math.round(random() * 1e6) / 8 / 10 ** Math.floor(random() * 6)
    }
    if (!Number.isFinite(value)) continue
    // JavaScript's shortest text is a valid Rego number; a dot or exponent keeps it a float.
    let text = String(value)
    if (!/[.e]/.test(text)) text += '.0'
    const verb = verbs[cases.length % verbs.length]
    cases.push(`sprintf(${JSON.stringify(verb)}, [${text}])`)
  }
  return cases
}

describe('sprintf against OPA (opa eval vs WASM with these host built-ins)', () => {
  const run = opaAvailable ? it : it.skip
  run('agrees with OPA on generated and curated cases', async () => {
    const expressions = [...CURATED, ...generatedCases(1200), ...floatCases(500)]
    const outcomes = await runDifferential(
      expressions.map(expression => ({ expression })),
      createHostBuiltins()
    )
    const identical = outcomes.filter(o => o.same).length
    console.log(
      `sprintf differential: ${identical} of ${outcomes.length} cases identical to opa eval`
    )
    expect(describeDifferences(outcomes)).toBe('')
  })
})
