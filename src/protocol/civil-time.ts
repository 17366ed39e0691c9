/**
 * Proleptic-Gregorian calendar arithmetic on integers, shared by partition values and value
 * encoding. `Date` is avoided on purpose: it only has millisecond precision and a ±275 760-year
 * range, while Delta timestamps are int64 microseconds and dates are int32 days.
 *
 * @packageDocumentation
 */

/** Microseconds in one day. */
export const MICROS_PER_DAY = 86_400_000_000n

/** Smallest and largest int64: the range of Delta `long` and timestamp values. */
export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

/** A calendar date. `month` is 1..12, `day` 1..31. */
export interface CivilDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** Days since 1970-01-01 of a proleptic-Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The proleptic-Gregorian date `days` after 1970-01-01 (Hinnant's civil_from_days). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Number of days in `month` of `year` (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
    return leap ? 29 : 28
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Floor division and non-negative remainder for bigints (`/` truncates toward zero). */
export function floorDivMod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b
  let r = a % b
  if (r < 0n) {
    q -= 1n
    r += b
  }
  return [q, r]
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * Formats a year the way ISO 8601 and `Date.prototype.toISOString` do: four digits for
 * 0..9999, otherwise a sign and at least six digits (`+010000`, `-000001`), so the text stays
 * sortable and unambiguous for years a four-digit field cannot hold.
 */
export function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4)
  return (year < 0 ? '-' : '+') + pad(Math.abs(year), 6)
}

/** `YYYY-MM-DD` for a number of days since the epoch. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days)
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`
}

/** Calendar date and time of day of a microsecond timestamp. */
export interface CivilDateTime extends CivilDate {
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly micros: number
}

/** Splits microseconds since the epoch into calendar fields (UTC, or wall clock for NTZ). */
export function civilFromMicros(micros: bigint): CivilDateTime {
  const [days, microOfDay] = floorDivMod(micros, MICROS_PER_DAY)
  const m = Number(microOfDay)
  const secOfDay = Math.floor(m / 1_000_000)
  return {
    ...civilFromDays(Number(days)),
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor(secOfDay / 60) % 60,
    second: secOfDay % 60,
    micros: m % 1_000_000,
  }
}

/**
 * Formats microseconds since the epoch as `YYYY-MM-DD{sep}HH:MM:SS.ffffff` (always six
 * fraction digits; no zone designator, callers append `Z` when they mean UTC).
 */
export function formatTimestampMicros(micros: bigint, sep: 'T' | ' ' = 'T'): string {
  const c = civilFromMicros(micros)
  const date = `${formatYear(c.year)}-${pad(c.month, 2)}-${pad(c.day, 2)}`
  return `${date}${sep}${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}.${pad(c.micros, 6)}`
}

/** Microseconds since the epoch of calendar fields (no validation: callers check ranges). */
export function microsFromCivil(c: CivilDateTime): bigint {
  const days = BigInt(daysFromCivil(c.year, c.month, c.day))
  const secOfDay = BigInt(c.hour * 3600 + c.minute * 60 + c.second)
  return days * MICROS_PER_DAY + secOfDay * 1_000_000n + BigInt(c.micros)
}
