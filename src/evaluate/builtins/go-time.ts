// The parts of Go's time package OPA's time built-ins use, ported from Go 1.26 (time/format.go,
// time/time.go): the proleptic Gregorian calendar, layouts ("2006-01-02T15:04:05Z07:00") for
// parsing and formatting, ParseDuration, and IANA zones, whose offsets come from Node's Intl
// (ICU's copy of the tz database) instead of Go's zoneinfo files.
//
// Go's time.Local is taken to be UTC, as it is on CI runners; conftest reads it from TZ and
// /etc/localtime.

export const NANOS_PER_SECOND = 1_000_000_000n
const SECONDS_PER_DAY = 86400

// ---------------------------------------------------------------------------------------------
// Calendar

export const LONG_DAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday'
]
const SHORT_DAY_NAMES = LONG_DAY_NAMES.map(name => name.slice(0, 3))
export const LONG_MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]
const SHORT_MONTH_NAMES = LONG_MONTH_NAMES.map(name => name.slice(0, 3))

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** The proleptic Gregorian date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365
  )
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Go's norm: moves whole multiples of base from lo into hi so 0 <= lo < base. */
function norm(hi: number, lo: number, base: number): [number, number] {
  if (lo < 0) {
    const n = Math.floor((-lo - 1) / base) + 1
    hi -= n
    lo += n * base
  }
  if (lo >= base) {
    const n = Math.floor(lo / base)
    hi += n
    lo -= n * base
  }
  return [hi, lo]
}

// ---------------------------------------------------------------------------------------------
// Zones

export interface Zone {
  /** The name Go's Location has ("UTC", "America/New_York", or "" for a fixed offset). */
  readonly name: string
  /** Offset east of UTC in seconds at a Unix time in seconds. */
  offsetAt(unixSeconds: number): number
  /** Go's zone abbreviation at a Unix time ("EST", "+04"); for the MST layout element. */
  abbreviationAt(unixSeconds: number): string
}

export const UTC_ZONE: Zone = { name: 'UTC', offsetAt: () => 0, abbreviationAt: () => 'UTC' }

export function fixedZone(name: string, offsetSeconds: number): Zone {
  return { name, offsetAt: () => offsetSeconds, abbreviationAt: () => name }
}

export class ZoneError extends Error {}

const zoneCache = new Map<string, Zone>()

function numericAbbreviation(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+'
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60)
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0')
  return sign + hours + (minutes % 60 === 0 ? '' : String(minutes % 60).padStart(2, '0'))
}

/** English locales whose CLDR short zone names include tz database abbreviations. */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-NZ']

/**
 * Zones that older tz databases (the one Go reads on Linux runners among them) define as fixed
 * offsets, while ICU's newer one links them to cities with local mean time before 1900.
 */
const LEGACY_FIXED_ZONES: Record<string, number> = {
  EST: -5 * 3600,
  MST: -7 * 3600,
  HST: -10 * 3600
}

class IanaZone implements Zone {
  private readonly wallClock: Intl.DateTimeFormat
  private readonly names: Intl.DateTimeFormat[]

  constructor(readonly name: string) {
    const options = { timeZone: name }
    this.wallClock = new Intl.DateTimeFormat('en-US', {
      ...options,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short'
    })
    this.names = ABBREVIATION_LOCALES.map(
      locale => new Intl.DateTimeFormat(locale, { ...options, timeZoneName: 'short' })
    )
  }

  offsetAt(unixSeconds: number): number {
    const parts: Record<string, string> = {}
    for (const part of this.wallClock.formatToParts(new Date(unixSeconds * 1000)))
      parts[part.type] = part.value
    let year = Number(parts.year)
    if (parts.era === 'BC' || parts.era === 'B') year = 1 - year
    const localSeconds =
      daysFromCivil(year, Number(parts.month), Number(parts.day)) * SECONDS_PER_DAY +
      Number(parts.hour) * 3600 +
      Number(parts.minute) * 60 +
      Number(parts.second)
    return localSeconds - unixSeconds
  }

  abbreviationAt(unixSeconds: number): string {
    const date = new Date(unixSeconds * 1000)
    for (const format of this.names) {
      const name =
        format.formatToParts(date).find(part => part.type === 'timeZoneName')?.value ?? ''
      if (/^[A-Z]{3,5}$/.test(name)) return name
    }
    return numericAbbreviation(this.offsetAt(unixSeconds))
  }
}

/**
 * Go's time.LoadLocation: "" and "UTC" are UTC, "Local" is (here) UTC, anything else an IANA
 * zone name, matched case-sensitively as Go's zoneinfo lookup is.
 */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC' || name === 'Local') return UTC_ZONE
  if (Object.hasOwn(LEGACY_FIXED_ZONES, name))
    return { ...fixedZone(name, LEGACY_FIXED_ZONES[name]), name }
  const cached = zoneCache.get(name)
  if (cached !== undefined) return cached
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) {
    throw new ZoneError(`time: invalid location name`)
  }
  let zone: IanaZone
  try {
    zone = new IanaZone(name)
  } catch {
    throw new ZoneError(`unknown time zone ${name}`)
  }
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
    throw new ZoneError(`unknown time zone ${name}`)
  }
  zoneCache.set(name, zone)
  return zone
}

// ---------------------------------------------------------------------------------------------
// Instants

/** A Go time.Time: an instant in nanoseconds since the Unix epoch, seen in a zone. */
export interface GoTime {
  readonly unixNanos: bigint
  readonly zone: Zone
}

export interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  nanosecond: number
  /** Days since 1970-01-01 of the local date. */
  days: number
  offset: number
  abbreviation: string
}

function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient
}

/** The local date and clock of a time in its zone. */
export function wallClock(time: GoTime): WallClock {
  const unixSeconds = Number(floorDivide(time.unixNanos, NANOS_PER_SECOND))
  const nanosecond = Number(time.unixNanos - BigInt(unixSeconds) * NANOS_PER_SECOND)
  const offset = time.zone.offsetAt(unixSeconds)
  const local = unixSeconds + offset
  const days = Math.floor(local / SECONDS_PER_DAY)
  const secondOfDay = local - days * SECONDS_PER_DAY
  return {
    ...civilFromDays(days),
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    nanosecond,
    days,
    offset,
    abbreviation: time.zone.abbreviationAt(unixSeconds)
  }
}

export function weekdayName(days: number): string {
  return LONG_DAY_NAMES[(((days + 4) % 7) + 7) % 7]
}

/**
 * Go's time.Date: normalizes out-of-range fields (month 13, day 0, ...) and resolves the wall
 * clock in the zone the way Go does around offset changes.
 */
export function goDate(
  yearIn: number,
  monthIn: number,
  dayIn: number,
  hourIn: number,
  minuteIn: number,
  secondIn: number,
  nanosecondIn: number,
  zone: Zone
): GoTime {
  const [year, month0] = norm(yearIn, monthIn - 1, 12)
  const [secondCarry, nanosecond] = norm(secondIn, nanosecondIn, 1e9)
  const [minuteCarry, second] = norm(minuteIn, secondCarry, 60)
  const [hourCarry, minute] = norm(hourIn, minuteCarry, 60)
  const [day, hour] = norm(dayIn, hourCarry, 24)
  const days = daysFromCivil(year, month0 + 1, 1) + day - 1
  let unix = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
  // Look up the offset for the wall clock read as UTC, then re-check it at the adjusted instant
  // (Go re-looks it up when the adjusted instant falls outside the zone period it found).
  let offset = zone.offsetAt(unix)
  if (offset !== 0) {
    const utc = unix - offset
    const atUtc = zone.offsetAt(utc)
    if (atUtc !== offset) offset = atUtc
    unix -= offset
  }
  return { unixNanos: BigInt(unix) * NANOS_PER_SECOND + BigInt(nanosecond), zone }
}

// ---------------------------------------------------------------------------------------------
// Layouts

const enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9
}

interface Chunk {
  prefix: string
  std: Std
  /** For fractional seconds: the number of digits and the separator. */
  digits: number
  separator: string
  suffix: string
}

const STD_0X = [
  Std.ZeroMonth,
  Std.ZeroDay,
  Std.ZeroHour12,
  Std.ZeroMinute,
  Std.ZeroSecond,
  Std.Year
]

function isDigitAt(text: string, i: number): boolean {
  return i < text.length && text[i] >= '0' && text[i] <= '9'
}

function startsWithLowerCase(text: string): boolean {
  return text.length > 0 && text[0] >= 'a' && text[0] <= 'z'
}

/** Go's nextStdChunk: the text before the first layout element, the element, the rest. */
function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, length: number, digits = 0, separator = '.'): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    separator,
    suffix: layout.slice(i + length)
  })
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i)
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return chunk(i, Std.LongMonth, 7)
          if (!startsWithLowerCase(rest.slice(3))) return chunk(i, Std.Month, 3)
        }
        break
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return chunk(i, Std.LongWeekDay, 6)
          if (!startsWithLowerCase(rest.slice(3))) return chunk(i, Std.WeekDay, 3)
        }
        if (rest.startsWith('MST')) return chunk(i, Std.TZ, 3)
        break
      case '0':
        if (rest.length >= 2 && rest[1] >= '1' && rest[1] <= '6')
          return chunk(i, STD_0X[rest.charCodeAt(1) - 49], 2)
        if (rest.startsWith('002')) return chunk(i, Std.ZeroYearDay, 3)
        break
      case '1':
        if (rest.startsWith('15')) return chunk(i, Std.Hour, 2)
        return chunk(i, Std.NumMonth, 1)
      case '2':
        if (rest.startsWith('2006')) return chunk(i, Std.LongYear, 4)
        return chunk(i, Std.Day, 1)
      case '_':
        if (rest.length >= 2 && rest[1] === '2') {
          // _2006 is a literal _ followed by the long year.
          if (rest.startsWith('_2006')) {
            return {
              prefix: layout.slice(0, i + 1),
              std: Std.LongYear,
              digits: 0,
              separator: '.',
              suffix: layout.slice(i + 5)
            }
          }
          return chunk(i, Std.UnderDay, 2)
        }
        if (rest.startsWith('__2')) return chunk(i, Std.UnderYearDay, 3)
        break
      case '3':
        return chunk(i, Std.Hour12, 1)
      case '4':
        return chunk(i, Std.Minute, 1)
      case '5':
        return chunk(i, Std.Second, 1)
      case 'P':
        if (rest.startsWith('PM')) return chunk(i, Std.PM, 2)
        break
      case 'p':
        if (rest.startsWith('pm')) return chunk(i, Std.pm, 2)
        break
      case '-':
        if (rest.startsWith('-070000')) return chunk(i, Std.NumSecondsTz, 7)
        if (rest.startsWith('-07:00:00')) return chunk(i, Std.NumColonSecondsTZ, 9)
        if (rest.startsWith('-0700')) return chunk(i, Std.NumTZ, 5)
        if (rest.startsWith('-07:00')) return chunk(i, Std.NumColonTZ, 6)
        if (rest.startsWith('-07')) return chunk(i, Std.NumShortTZ, 3)
        break
      case 'Z':
        if (rest.startsWith('Z070000')) return chunk(i, Std.ISO8601SecondsTZ, 7)
        if (rest.startsWith('Z07:00:00')) return chunk(i, Std.ISO8601ColonSecondsTZ, 9)
        if (rest.startsWith('Z0700')) return chunk(i, Std.ISO8601TZ, 5)
        if (rest.startsWith('Z07:00')) return chunk(i, Std.ISO8601ColonTZ, 6)
        if (rest.startsWith('Z07')) return chunk(i, Std.ISO8601ShortTZ, 3)
        break
      case '.':
      case ',':
        if (rest.length >= 2 && (rest[1] === '0' || rest[1] === '9')) {
          const digit = rest[1]
          let j = 1
          while (j < rest.length && rest[j] === digit) j++
          // The run of digits must end here: only a fractional second is all digits.
          if (!isDigitAt(rest, j)) {
            const std = digit === '9' ? Std.FracSecond9 : Std.FracSecond0
            // Go keeps the digit count in 12 bits.
            return chunk(i, std, j, (j - 1) & 0xfff, layout[i])
          }
        }
        break
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, separator: '.', suffix: '' }
}

function appendInt(value: number, width: number): string {
  const negative = value < 0
  const digits = String(Math.abs(value))
  return (negative ? '-' : '') + digits.padStart(width, '0')
}

function appendNano(nanosecond: number, std: Std, digits: number, separator: string): string {
  const trim = std === Std.FracSecond9
  if (trim && (digits === 0 || nanosecond === 0)) return ''
  let text = separator + String(nanosecond).padStart(9, '0')
  if (digits < 9) text = text.slice(0, text.length - 9 + digits)
  if (trim) {
    text = text.replace(/0+$/, '')
    if (text === separator) text = ''
  }
  return text
}

/** Go's Time.Format. */
export function formatTime(time: GoTime, layoutIn: string): string {
  const wall = wallClock(time)
  const yearDay = wall.days - daysFromCivil(wall.year, 1, 1) + 1
  let layout = layoutIn
  let out = ''
  while (layout !== '') {
    const { prefix, std, digits, separator, suffix } = nextStdChunk(layout)
    out += prefix
    if (std === Std.None) break
    layout = suffix
    switch (std) {
      case Std.Year:
        out += appendInt(Math.abs(wall.year) % 100, 2)
        break
      case Std.LongYear:
        out += appendInt(wall.year, 4)
        break
      case Std.Month:
        out += SHORT_MONTH_NAMES[wall.month - 1]
        break
      case Std.LongMonth:
        out += LONG_MONTH_NAMES[wall.month - 1]
        break
      case Std.NumMonth:
        out += appendInt(wall.month, 0)
        break
      case Std.ZeroMonth:
        out += appendInt(wall.month, 2)
        break
      case Std.WeekDay:
        out += weekdayName(wall.days).slice(0, 3)
        break
      case Std.LongWeekDay:
        out += weekdayName(wall.days)
        break
      case Std.Day:
        out += appendInt(wall.day, 0)
        break
      case Std.UnderDay:
        out += (wall.day < 10 ? ' ' : '') + appendInt(wall.day, 0)
        break
      case Std.ZeroDay:
        out += appendInt(wall.day, 2)
        break
      case Std.UnderYearDay:
        out += (yearDay < 100 ? (yearDay < 10 ? '  ' : ' ') : '') + appendInt(yearDay, 0)
        break
      case Std.ZeroYearDay:
        out += appendInt(yearDay, 3)
        break
      case Std.Hour:
        out += appendInt(wall.hour, 2)
        break
      case Std.Hour12:
        out += appendInt(wall.hour % 12 === 0 ? 12 : wall.hour % 12, 0)
        break
      case Std.ZeroHour12:
        out += appendInt(wall.hour % 12 === 0 ? 12 : wall.hour % 12, 2)
        break
      case Std.Minute:
        out += appendInt(wall.minute, 0)
        break
      case Std.ZeroMinute:
        out += appendInt(wall.minute, 2)
        break
      case Std.Second:
        out += appendInt(wall.second, 0)
        break
      case Std.ZeroSecond:
        out += appendInt(wall.second, 2)
        break
      case Std.PM:
        out += wall.hour >= 12 ? 'PM' : 'AM'
        break
      case Std.pm:
        out += wall.hour >= 12 ? 'pm' : 'am'
        break
      case Std.ISO8601TZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumShortTZ:
      case Std.NumColonSecondsTZ:
        out += formatOffset(wall.offset, std)
        break
      case Std.TZ:
        if (wall.abbreviation !== '') {
          out += wall.abbreviation
        } else {
          const zone = Math.trunc(wall.offset / 60)
          out +=
            (zone < 0 ? '-' : '+') +
            appendInt(Math.trunc(Math.abs(zone) / 60), 2) +
            appendInt(Math.abs(zone) % 60, 2)
        }
        break
      case Std.FracSecond0:
      case Std.FracSecond9:
        out += appendNano(wall.nanosecond, std, digits, separator)
        break
    }
  }
  return out
}

function formatOffset(offset: number, std: Std): string {
  const iso = [
    Std.ISO8601TZ,
    Std.ISO8601ColonTZ,
    Std.ISO8601SecondsTZ,
    Std.ISO8601ShortTZ,
    Std.ISO8601ColonSecondsTZ
  ]
  if (offset === 0 && iso.includes(std)) return 'Z'
  let zone = Math.trunc(offset / 60)
  let absOffset = offset
  let out: string
  if (zone < 0) {
    out = '-'
    zone = -zone
    absOffset = -absOffset
  } else {
    out = '+'
  }
  out += appendInt(Math.trunc(zone / 60), 2)
  if (
    [Std.ISO8601ColonTZ, Std.NumColonTZ, Std.ISO8601ColonSecondsTZ, Std.NumColonSecondsTZ].includes(
      std
    )
  )
    out += ':'
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += appendInt(zone % 60, 2)
  if (
    [
      Std.ISO8601SecondsTZ,
      Std.NumSecondsTz,
      Std.NumColonSecondsTZ,
      Std.ISO8601ColonSecondsTZ
    ].includes(std)
  ) {
    if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) out += ':'
    out += appendInt(absOffset % 60, 2)
  }
  return out
}

export class TimeParseError extends Error {}

/** Go's time.ParseError message: parsing time "value" as "layout": cannot parse "x" as "y". */
function parseError(
  layout: string,
  value: string,
  layoutElem: string,
  valueElem: string,
  message: string
): TimeParseError {
  const quoted = (text: string): string => JSON.stringify(text)
  if (message === '') {
    return new TimeParseError(
      `parsing time ${quoted(value)} as ${quoted(layout)}: cannot parse ${quoted(valueElem)} as ${quoted(layoutElem)}`
    )
  }
  return new TimeParseError(`parsing time ${quoted(value)}${message}`)
}

class Bad extends Error {}

function getnum(text: string, fixed: boolean): [number, string] {
  if (!isDigitAt(text, 0)) throw new Bad()
  if (!isDigitAt(text, 1)) {
    if (fixed) throw new Bad()
    return [text.charCodeAt(0) - 48, text.slice(1)]
  }
  return [(text.charCodeAt(0) - 48) * 10 + (text.charCodeAt(1) - 48), text.slice(2)]
}

function getnum3(text: string, fixed: boolean): [number, string] {
  let n = 0
  let i = 0
  for (; i < 3 && isDigitAt(text, i); i++) n = n * 10 + (text.charCodeAt(i) - 48)
  if (i === 0 || (fixed && i !== 3)) throw new Bad()
  return [n, text.slice(i)]
}

function cutspace(text: string): string {
  let i = 0
  while (i < text.length && text[i] === ' ') i++
  return text.slice(i)
}

/** Go's skip: removes prefix from value, runs of spaces matching runs of spaces. */
function skip(valueIn: string, prefixIn: string): string {
  let value = valueIn
  let prefix = prefixIn
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new Bad()
      prefix = cutspace(prefix)
      value = cutspace(value)
      continue
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad()
    prefix = prefix.slice(1)
    value = value.slice(1)
  }
  return value
}

/** Go's match + lookup: a case-insensitive (ASCII) prefix match against a table. */
function lookup(table: readonly string[], value: string): [number, string] {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]
    if (
      value.length >= name.length &&
      value.slice(0, name.length).toLowerCase() === name.toLowerCase()
    ) {
      // Go folds only ASCII letters; JS's toLowerCase would also fold e.g. "İ".
      const ascii = [...value.slice(0, name.length)].every(char => char.charCodeAt(0) < 0x80)
      if (ascii) return [i, value.slice(name.length)]
    }
  }
  throw new Bad()
}

/** Go's leadingInt: the leading decimal digits, failing on overflow of 2^63. */
function leadingInt(text: string): [bigint, string] {
  let i = 0
  let x = 0n
  for (; i < text.length; i++) {
    const c = text[i]
    if (c < '0' || c > '9') break
    if (x > (1n << 63n) / 10n) throw new Bad()
    x = x * 10n + BigInt(c.charCodeAt(0) - 48)
    if (x > 1n << 63n) throw new Bad()
  }
  return [x, text.slice(i)]
}

function atoi(textIn: string): number {
  let text = textIn
  let negative = false
  if (text.length > 0 && (text[0] === '-' || text[0] === '+')) {
    negative = text[0] === '-'
    text = text.slice(1)
  }
  const [value, rest] = leadingInt(text)
  if (rest.length > 0) throw new Bad()
  return negative ? -Number(value) : Number(value)
}

function commaOrPeriod(char: string | undefined): boolean {
  return char === '.' || char === ','
}

/** Go's parseNanoseconds: [nanoseconds, range error]. */
function parseNanoseconds(valueIn: string, nbytesIn: number): [number, string] {
  let value = valueIn
  let nbytes = nbytesIn
  if (!commaOrPeriod(value[0])) throw new Bad()
  if (nbytes > 10) {
    value = value.slice(0, 10)
    nbytes = 10
  }
  let ns = atoi(value.slice(1, nbytes))
  if (ns < 0) return [0, 'fractional second']
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10
  return [ns, '']
}

function parseSignedOffset(value: string): number {
  const sign = value[0]
  if (sign !== '-' && sign !== '+') return 0
  let parsed: [bigint, string]
  try {
    parsed = leadingInt(value.slice(1))
  } catch {
    return 0
  }
  const [x, rest] = parsed
  if (value.slice(1) === rest) return 0
  if (x > 23n) return 0
  return value.length - rest.length
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of value, if any. */
function parseTimeZone(value: string): number | undefined {
  if (value.length < 3) return undefined
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3))
  if (value[0] === '+' || value[0] === '-') {
    const length = parseSignedOffset(value)
    return length > 0 ? length : undefined
  }
  let upper = 0
  for (; upper < 6; upper++) {
    if (upper >= value.length) break
    const c = value[upper]
    if (c < 'A' || c > 'Z') break
  }
  switch (upper) {
    case 5:
      return value[4] === 'T' ? 5 : undefined
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : undefined
    case 3:
      return 3
  }
  return undefined
}

function daysBefore(month: number): number {
  return [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365][month - 1]
}

/**
 * Go's time.Parse(layout, value): the instant the value denotes. With Local as UTC, a zone
 * abbreviation other than UTC does not move the instant (Go records it with a zero offset).
 */
export function parseTime(layoutIn: string, valueIn: string): GoTime {
  let layout = layoutIn
  let value = valueIn
  let rangeErr = ''
  let amSet = false
  let pmSet = false
  let year = 0
  let month = -1
  let day = -1
  let yday = -1
  let hour = 0
  let min = 0
  let sec = 0
  let nsec = 0
  let utcZone = false
  let zoneOffset = -1
  let zoneName = ''

  for (;;) {
    const { prefix, std, digits, suffix } = nextStdChunk(layout)
    const stdText = layout.slice(prefix.length, layout.length - suffix.length)
    try {
      value = skip(value, prefix)
    } catch {
      throw parseError(layoutIn, valueIn, prefix, value, '')
    }
    if (std === Std.None) {
      if (value.length !== 0)
        throw parseError(layoutIn, valueIn, '', value, `: extra text: ${JSON.stringify(value)}`)
      break
    }
    layout = suffix
    const hold = value
    try {
      switch (std) {
        case Std.Year: {
          if (value.length < 2) throw new Bad()
          const p = value.slice(0, 2)
          value = value.slice(2)
          year = atoi(p)
          year += year >= 69 ? 1900 : 2000
          break
        }
        case Std.LongYear: {
          if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad()
          const p = value.slice(0, 4)
          value = value.slice(4)
          year = atoi(p)
          break
        }
        case Std.Month:
          ;[month, value] = lookup(SHORT_MONTH_NAMES, value)
          month++
          break
        case Std.LongMonth:
          ;[month, value] = lookup(LONG_MONTH_NAMES, value)
          month++
          break
        case Std.NumMonth:
        case Std.ZeroMonth:
          ;[month, value] = getnum(value, std === Std.ZeroMonth)
          if (month <= 0 || month > 12) rangeErr = 'month'
          break
        case Std.WeekDay:
          value = lookup(SHORT_DAY_NAMES, value)[1]
          break
        case Std.LongWeekDay:
          value = lookup(LONG_DAY_NAMES, value)[1]
          break
        case Std.Day:
        case Std.UnderDay:
        case Std.ZeroDay:
          if (std === Std.UnderDay && value[0] === ' ') value = value.slice(1)
          ;[day, value] = getnum(value, std === Std.ZeroDay)
          break
        case Std.UnderYearDay:
        case Std.ZeroYearDay:
          for (let i = 0; i < 2; i++) {
            if (std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1)
          }
          ;[yday, value] = getnum3(value, std === Std.ZeroYearDay)
          break
        case Std.Hour:
          ;[hour, value] = getnum(value, false)
          if (hour < 0 || hour >= 24) rangeErr = 'hour'
          break
        case Std.Hour12:
        case Std.ZeroHour12:
          ;[hour, value] = getnum(value, std === Std.ZeroHour12)
          if (hour < 0 || hour > 12) rangeErr = 'hour'
          break
        case Std.Minute:
        case Std.ZeroMinute:
          ;[min, value] = getnum(value, std === Std.ZeroMinute)
          if (min < 0 || min >= 60) rangeErr = 'minute'
          break
        case Std.Second:
        case Std.ZeroSecond: {
          ;[sec, value] = getnum(value, std === Std.ZeroSecond)
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second'
            break
          }
          // A fractional second in the value that the layout does not mention.
          if (value.length >= 2 && commaOrPeriod(value[0]) && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std
            if (next === Std.FracSecond0 || next === Std.FracSecond9) break
            let n = 2
            while (n < value.length && isDigitAt(value, n)) n++
            ;[nsec, rangeErr] = parseNanoseconds(value, n)
            value = value.slice(n)
          }
          break
        }
        case Std.PM:
        case Std.pm: {
          if (value.length < 2) throw new Bad()
          const p = value.slice(0, 2)
          value = value.slice(2)
          const [pm, am] = std === Std.PM ? ['PM', 'AM'] : ['pm', 'am']
          if (p === pm) pmSet = true
          else if (p === am) amSet = true
          else throw new Bad()
          break
        }
        case Std.ISO8601TZ:
        case Std.ISO8601ShortTZ:
        case Std.ISO8601ColonTZ:
        case Std.ISO8601SecondsTZ:
        case Std.ISO8601ColonSecondsTZ:
        case Std.NumTZ:
        case Std.NumShortTZ:
        case Std.NumColonTZ:
        case Std.NumSecondsTz:
        case Std.NumColonSecondsTZ: {
          const iso = std <= Std.ISO8601ColonSecondsTZ
          if (iso && value[0] === 'Z') {
            value = value.slice(1)
            utcZone = true
            break
          }
          let sign: string
          let hh: string
          let mm: string
          let ss: string
          if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
            if (value.length < 6 || value[3] !== ':') throw new Bad()
            ;[sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(4, 6),
              '00',
              value.slice(6)
            ]
          } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
            if (value.length < 3) throw new Bad()
            ;[sign, hh, mm, ss, value] = [value[0], value.slice(1, 3), '00', '00', value.slice(3)]
          } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad()
            ;[sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(4, 6),
              value.slice(7, 9),
              value.slice(9)
            ]
          } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
            if (value.length < 7) throw new Bad()
            ;[sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(3, 5),
              value.slice(5, 7),
              value.slice(7)
            ]
          } else {
            if (value.length < 5) throw new Bad()
            ;[sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(3, 5),
              '00',
              value.slice(5)
            ]
          }
          const hr = getnum(hh, true)[0]
          const mi = getnum(mm, true)[0]
          const se = getnum(ss, true)[0]
          if (hr > 24) rangeErr = 'time zone offset hour'
          if (mi > 60) rangeErr = 'time zone offset minute'
          if (se > 60) rangeErr = 'time zone offset second'
          zoneOffset = (hr * 60 + mi) * 60 + se
          if (sign === '-') zoneOffset = -zoneOffset
          else if (sign !== '+') throw new Bad()
          break
        }
        case Std.TZ: {
          if (value.startsWith('UTC')) {
            utcZone = true
            value = value.slice(3)
            break
          }
          const n = parseTimeZone(value)
          if (n === undefined) throw new Bad()
          zoneName = value.slice(0, n)
          value = value.slice(n)
          break
        }
        case Std.FracSecond0: {
          const ndigit = 1 + digits
          if (value.length < ndigit) throw new Bad()
          ;[nsec, rangeErr] = parseNanoseconds(value, ndigit)
          value = value.slice(ndigit)
          break
        }
        case Std.FracSecond9: {
          if (value.length < 2 || !commaOrPeriod(value[0]) || value[1] < '0' || value[1] > '9')
            break
          let i = 0
          while (i + 1 < value.length && value[i + 1] >= '0' && value[i + 1] <= '9') i++
          ;[nsec, rangeErr] = parseNanoseconds(value, 1 + i)
          value = value.slice(1 + i)
          break
        }
      }
    } catch (error) {
      if (!(error instanceof Bad)) throw error
      if (rangeErr !== '')
        throw parseError(layoutIn, valueIn, stdText, value, `: ${rangeErr} out of range`)
      throw parseError(layoutIn, valueIn, stdText, hold, '')
    }
    if (rangeErr !== '')
      throw parseError(layoutIn, valueIn, stdText, value, `: ${rangeErr} out of range`)
  }
  if (pmSet && hour < 12) hour += 12
  else if (amSet && hour === 12) hour = 0

  if (yday >= 0) {
    let d = 0
    let m = 0
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2
        d = 29
      } else if (yday > 31 + 29) {
        yday--
      }
    }
    if (yday < 1 || yday > 365)
      throw parseError(layoutIn, valueIn, '', value, ': day-of-year out of range')
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1
      if (daysBefore(m + 1) < yday) m++
      d = yday - daysBefore(m)
    }
    if (month >= 0 && month !== m)
      throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match month')
    month = m
    if (day >= 0 && day !== d)
      throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match day')
    day = d
  } else {
    if (month < 0) month = 1
    if (day < 0) day = 1
  }
  if (day < 1 || day > daysIn(month, year))
    throw parseError(layoutIn, valueIn, '', value, ': day out of range')

  if (utcZone) return goDate(year, month, day, hour, min, sec, nsec, UTC_ZONE)
  if (zoneOffset !== -1) {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC_ZONE)
    return {
      unixNanos: t.unixNanos - BigInt(zoneOffset) * NANOS_PER_SECOND,
      zone: fixedZone(zoneName, zoneOffset)
    }
  }
  if (zoneName !== '') {
    // Not an abbreviation of Local (UTC): recorded with a zero offset, or GMT±h's hours.
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC_ZONE)
    const offset =
      zoneName.length > 3 && zoneName.startsWith('GMT') ? atoi(zoneName.slice(3)) * 3600 : 0
    return { unixNanos: t.unixNanos, zone: fixedZone(zoneName, offset) }
  }
  return goDate(year, month, day, hour, min, sec, nsec, UTC_ZONE)
}

// ---------------------------------------------------------------------------------------------
// Durations

export class DurationError extends Error {}

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n
}

/** Go's leadingFraction: digits of a fraction, without failing on overflow. */
function leadingFraction(text: string): [bigint, number, string] {
  let i = 0
  let x = 0n
  let scale = 1
  let overflow = false
  for (; i < text.length; i++) {
    const c = text[i]
    if (c < '0' || c > '9') break
    if (overflow) continue
    if (x > ((1n << 63n) - 1n) / 10n) {
      overflow = true
      continue
    }
    const y = x * 10n + BigInt(c.charCodeAt(0) - 48)
    if (y > 1n << 63n) {
      overflow = true
      continue
    }
    x = y
    scale *= 10
  }
  return [x, scale, text.slice(i)]
}

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(textIn: string): bigint {
  const original = textIn
  const invalid = (message = 'invalid duration'): DurationError =>
    new DurationError(`time: ${message} ${JSON.stringify(original)}`)
  let text = textIn
  let negative = false
  if (text !== '' && (text[0] === '-' || text[0] === '+')) {
    negative = text[0] === '-'
    text = text.slice(1)
  }
  if (text === '0') return 0n
  if (text === '') throw invalid()
  let total = 0n
  while (text !== '') {
    if (!(text[0] === '.' || (text[0] >= '0' && text[0] <= '9'))) throw invalid()
    const before = text.length
    let whole: bigint
    try {
      ;[whole, text] = leadingInt(text)
    } catch {
      throw invalid()
    }
    const pre = before !== text.length
    let fraction = 0n
    let scale = 1
    let post = false
    if (text !== '' && text[0] === '.') {
      text = text.slice(1)
      const length = text.length
      ;[fraction, scale, text] = leadingFraction(text)
      post = length !== text.length
    }
    if (!pre && !post) throw invalid()
    let i = 0
    for (; i < text.length; i++) {
      const c = text[i]
      if (c === '.' || (c >= '0' && c <= '9')) break
    }
    if (i === 0) throw invalid('missing unit in duration')
    const unitText = text.slice(0, i)
    text = text.slice(i)
    const unit = UNIT_NANOS[unitText]
    if (unit === undefined) throw invalid(`unknown unit ${JSON.stringify(unitText)} in duration`)
    if (whole > (1n << 63n) / unit) throw invalid()
    let value = whole * unit
    if (fraction > 0n) {
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)))
      if (value > 1n << 63n) throw invalid()
    }
    total += value
    if (total > 1n << 63n) throw invalid()
  }
  if (negative) return -total
  if (total > (1n << 63n) - 1n) throw invalid()
  return total
}
