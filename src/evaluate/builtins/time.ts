// OPA's time built-ins (topdown/time.go) over the Go time port in go-time.ts.

import { type RegoValue, regoArray, regoNumber, regoString } from '../rego-value.js'
import {
  BuiltinError,
  intOperand,
  numberOperand,
  operandTypeError,
  stringOperand
} from './builtin-error.js'
import { isIntegerBinary, rationalFromDecimal, roundToBinary, truncateBinary } from './go-big.js'
import {
  DurationError,
  type GoTime,
  TimeParseError,
  UTC_ZONE,
  ZoneError,
  type Zone,
  daysIn,
  formatTime,
  goDate,
  loadLocation,
  parseDuration,
  parseTime,
  wallClock,
  weekdayName
} from './go-time.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

const RFC3339 = '2006-01-02T15:04:05Z07:00'
const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00'

/** The layout names time.parse_ns and time.format accept besides layouts. */
const ACCEPTED_TIME_FORMATS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339,
  RFC3339Nano: RFC3339_NANO
}

function layoutFor(name: string): string {
  return Object.hasOwn(ACCEPTED_TIME_FORMATS, name) ? ACCEPTED_TIME_FORMATS[name] : name
}

/** A Go error from the time package, reported as OPA reports it. */
function timeError(error: unknown): never {
  if (
    error instanceof TimeParseError ||
    error instanceof DurationError ||
    error instanceof ZoneError
  ) {
    throw new BuiltinError(error.message)
  }
  throw error
}

/** OPA's toSafeUnixNano: the instant in ns, if it is within int64 nanoseconds of the epoch. */
function safeUnixNanos(time: GoTime): RegoValue {
  if (time.unixNanos < INT64_MIN || time.unixNanos > INT64_MAX) {
    throw new BuiltinError('time outside of valid range')
  }
  return regoNumber(time.unixNanos)
}

/** OPA's tzTime: a time from ns or [ns, "zone"] or [ns, "zone", "layout"]. */
function tzTime(value: RegoValue): { time: GoTime; layout: string } {
  const expected = 'either number (ns) or [number (ns), string (tz)]'
  let nanosText: string
  let zone: Zone = UTC_ZONE
  let layout = ''
  if (value.type === 'array') {
    if (value.items.length === 0) throw operandTypeError(1, value, expected)
    nanosText = numberOperand(value.items[0], 1)
    if (value.items.length > 1) {
      try {
        zone = loadLocation(stringOperand(value.items[1], 1))
      } catch (error) {
        timeError(error)
      }
    }
    if (value.items.length > 2) layout = stringOperand(value.items[2], 1)
  } else if (value.type === 'number') {
    nanosText = value.text
  } else {
    throw operandTypeError(1, value, expected)
  }
  // OPA reads the number as a big.Float (64-bit mantissa) and requires an exact int64.
  const float = roundToBinary(rationalFromDecimal(nanosText), 64)
  const nanos = truncateBinary(float)
  if (!isIntegerBinary(float) || nanos < INT64_MIN || nanos > INT64_MAX) {
    throw new BuiltinError('timestamp too big')
  }
  return { time: { unixNanos: nanos, zone }, layout }
}

const NOW_ANCHOR_NANOS = BigInt(Date.now()) * 1_000_000n
const NOW_ANCHOR_HRTIME = process.hrtime.bigint()

/** The wall clock in nanoseconds (ms from Date, finer steps from the monotonic clock). */
export function currentUnixNanos(): bigint {
  return NOW_ANCHOR_NANOS + (process.hrtime.bigint() - NOW_ANCHOR_HRTIME)
}

/** time.now_ns: the evaluation's fixed "now" (OPA reads the clock once per query). */
export function timeNowNs(nowNanos: bigint): RegoValue {
  return regoNumber(nowNanos)
}

export function timeParseNs(layout: RegoValue, value: RegoValue): RegoValue {
  const layoutText = layoutFor(stringOperand(layout, 1))
  const valueText = stringOperand(value, 2)
  try {
    return safeUnixNanos(parseTime(layoutText, valueText))
  } catch (error) {
    return timeError(error)
  }
}

export function timeParseRfc3339Ns(value: RegoValue): RegoValue {
  const valueText = stringOperand(value, 1)
  try {
    return safeUnixNanos(parseTime(RFC3339, valueText))
  } catch (error) {
    return timeError(error)
  }
}

const DURATION_HOURS_PER_UNIT: Record<string, number> = { d: 24, w: 7 * 24, y: 365 * 24 }

/** OPA's parseExtendedDuration: Go durations plus d, w and y units. */
function parseExtendedDuration(text: string): bigint {
  if (text === '') throw new BuiltinError(`time: invalid duration ""`)
  if (!/[dwy]/.test(text)) return parseDuration(text)
  const invalid = new BuiltinError(`time: invalid duration ${JSON.stringify(text)}`)
  // OPA's PEG grammar: sign? (digits unit)+ with digits [0-9.]+ and unit ms|us|µs|ns|[a-z].
  const grammar = /^([-+]?)((?:[0-9.]+(?:ms|us|µs|ns|[a-z]))+)$/u
  const match = grammar.exec(text)
  if (match === null) throw invalid
  let rewritten = match[1]
  for (const [, digits, unit] of match[2].matchAll(/([0-9.]+)(ms|us|µs|ns|[a-z])/gu)) {
    const hoursPerUnit = DURATION_HOURS_PER_UNIT[unit]
    if (hoursPerUnit === undefined) {
      rewritten += digits + unit
      continue
    }
    if (!/^(\d+\.?\d*|\.\d+)$/.test(digits)) throw invalid
    rewritten += formatHours(Number(digits) * hoursPerUnit) + 'h'
  }
  try {
    return parseDuration(rewritten)
  } catch (error) {
    if (error instanceof DurationError) {
      // Go's message names the rewritten duration; OPA puts the original back.
      const message = error.message.slice(0, error.message.lastIndexOf(' '))
      throw new BuiltinError(`${message} ${JSON.stringify(text)}`)
    }
    throw error
  }
}

/** strconv.FormatFloat(hours, 'f', -1, 64). */
function formatHours(hours: number): string {
  if (Number.isInteger(hours) && Math.abs(hours) < 1e21) return BigInt(hours).toString()
  const [mantissa, exponentText] = hours.toExponential().split('e')
  const exponent = Number(exponentText)
  const digits = mantissa.replace('.', '')
  if (exponent >= digits.length - 1) return digits + '0'.repeat(exponent - digits.length + 1)
  if (exponent >= 0) return digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1)
  return '0.' + '0'.repeat(-exponent - 1) + digits
}

export function timeParseDurationNs(duration: RegoValue): RegoValue {
  const text = stringOperand(duration, 1)
  try {
    return regoNumber(parseExtendedDuration(text))
  } catch (error) {
    return timeError(error)
  }
}

export function timeFormat(value: RegoValue): RegoValue {
  const { time, layout } = tzTime(value)
  return regoString(formatTime(time, layout === '' ? RFC3339_NANO : layoutFor(layout)))
}

export function timeDate(value: RegoValue): RegoValue {
  const wall = wallClock(tzTime(value).time)
  return regoArray([regoNumber(wall.year), regoNumber(wall.month), regoNumber(wall.day)])
}

export function timeClock(value: RegoValue): RegoValue {
  const wall = wallClock(tzTime(value).time)
  return regoArray([regoNumber(wall.hour), regoNumber(wall.minute), regoNumber(wall.second)])
}

export function timeWeekday(value: RegoValue): RegoValue {
  return regoString(weekdayName(wallClock(tzTime(value).time).days))
}

export function timeAddDate(
  value: RegoValue,
  years: RegoValue,
  months: RegoValue,
  days: RegoValue
): RegoValue {
  const { time } = tzTime(value)
  const addYears = Number(intOperand(years, 2))
  const addMonths = Number(intOperand(months, 3))
  const addDays = Number(intOperand(days, 4))
  const wall = wallClock(time)
  const result = goDate(
    wall.year + addYears,
    wall.month + addMonths,
    wall.day + addDays,
    wall.hour,
    wall.minute,
    wall.second,
    wall.nanosecond,
    time.zone
  )
  return safeUnixNanos(result)
}

/** time.diff: [years, months, days, hours, minutes, seconds] between two times. */
export function timeDiff(first: RegoValue, other: RegoValue): RegoValue {
  const a = tzTime(first).time
  // The second time is seen in the first one's zone.
  const b: GoTime = { unixNanos: tzTime(other).time.unixNanos, zone: a.zone }
  const [earlier, later] = a.unixNanos > b.unixNanos ? [b, a] : [a, b]
  const w1 = wallClock(earlier)
  const w2 = wallClock(later)
  let year = w2.year - w1.year
  let month = w2.month - w1.month
  let day = w2.day - w1.day
  let hour = w2.hour - w1.hour
  let minute = w2.minute - w1.minute
  let second = w2.second - w1.second
  if (second < 0) {
    second += 60
    minute--
  }
  if (minute < 0) {
    minute += 60
    hour--
  }
  if (hour < 0) {
    hour += 24
    day--
  }
  if (day < 0) {
    day += daysIn(w1.month, w1.year)
    month--
  }
  if (month < 0) {
    month += 12
    year--
  }
  return regoArray([year, month, day, hour, minute, second].map(n => regoNumber(n)))
}
