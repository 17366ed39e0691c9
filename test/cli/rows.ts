/**
 * Random rows of a schema with every Delta type, generated directly in the canonical
 * `--format ndjson` encoding (README): the expected output is computed here, independently of
 * the encoder under test (Date.toISOString for dates and times, Buffer for base64, bigint
 * arithmetic for decimals, Math.fround for the shortest float32 text).
 */
import fc from 'fast-check'

/** Every type, nested types inside nested types; `part` is the partition column. */
export const ALL_TYPES_DDL = [
  'id long NOT NULL',
  'b byte',
  'sh short',
  'i int',
  'l long',
  'f float',
  'db double',
  'dec decimal(38,6)',
  'dec2 decimal(5,2)',
  'bool boolean',
  's string',
  'bin binary',
  'd date',
  'ts timestamp',
  'tsn timestamp_ntz',
  'arr array<int>',
  'm map<string, decimal(10,2)>',
  'st struct<x: long, y: array<struct<z: string>>, w: map<int, timestamp>>',
  'part string',
].join(', ')

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const pad = (n: bigint | number, w: number) => String(n).padStart(w, '0')

function long(v: bigint): Json {
  return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v.toString()
}

function floating(v: number): Json {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  return v
}

/** The shortest decimal text that reads back as the same float32. */
function float32(v: number): Json {
  if (!Number.isFinite(v)) return floating(v)
  for (let p = 1; p <= 9; p++) {
    const n = Number(v.toPrecision(p))
    if (Math.fround(n) === v) return n
  }
  return v
}

function decimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n
  const digits = pad(neg ? -unscaled : unscaled, scale + 1)
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return neg ? `-${text}` : text
}

function date(days: number): string {
  return new Date(days * 86_400_000).toISOString().split('T')[0]!
}

function timestamp(micros: bigint, utc: boolean): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n)
  const sub = micros - ms * 1000n
  const iso = new Date(Number(ms)).toISOString()
  return iso.replace(/Z$/, pad(sub, 3)) + (utc ? 'Z' : '')
}

const MAX_MICROS = 8_640_000_000_000_000_000n // the range Date can format
const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 4 })

const decimalArb = (precision: number, scale: number) => fc.bigInt(-(10n ** BigInt(precision)) + 1n, 10n ** BigInt(precision) - 1n).map((u) => decimal(u, scale))
const timestampArb = (utc: boolean) => fc.bigInt(-MAX_MICROS, MAX_MICROS).map((m) => timestamp(m, utc))
const stringArb = fc.string({ unit: 'binary', maxLength: 12 })

/** One row in canonical JSON, keys in schema order. */
export const allTypesRow: fc.Arbitrary<{ [k: string]: Json }> = fc.record({
  id: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(long),
  b: nullable(fc.integer({ min: -128, max: 127 })),
  sh: nullable(fc.integer({ min: -32768, max: 32767 })),
  i: nullable(fc.integer()),
  l: nullable(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(long)),
  f: nullable(fc.float().map(float32)),
  db: nullable(fc.double().map(floating)),
  dec: nullable(decimalArb(38, 6)),
  dec2: nullable(decimalArb(5, 2)),
  bool: nullable(fc.boolean()),
  s: nullable(stringArb),
  bin: nullable(fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b).toString('base64'))),
  d: nullable(fc.integer({ min: -100_000_000, max: 100_000_000 }).map(date)),
  ts: nullable(timestampArb(true)),
  tsn: nullable(timestampArb(false)),
  arr: nullable(fc.array(nullable(fc.integer()), { maxLength: 4 })),
  m: nullable(fc.uniqueArray(fc.tuple(stringArb, nullable(decimalArb(10, 2))), { maxLength: 3, selector: (e) => e[0] })),
  st: nullable(
    fc.record({
      x: nullable(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(long)),
      y: nullable(fc.array(nullable(fc.record({ z: nullable(stringArb) })), { maxLength: 3 })),
      w: nullable(fc.uniqueArray(fc.tuple(fc.integer(), nullable(timestampArb(true))), { maxLength: 3, selector: (e) => e[0] })),
    }),
  ),
  part: nullable(fc.constantFrom('a', 'b c', 'x/y=1%')), // '' is null as a partition value (PROTOCOL.md)
}) as fc.Arbitrary<{ [k: string]: Json }>

/** An input NDJSON line for a canonical row: nulls left out or kept, keys in either order. */
export function ndjsonLine(row: { [k: string]: Json }, omitNulls: boolean, reverse: boolean): string {
  let entries = Object.entries(row).filter(([, v]) => !(omitNulls && v === null))
  if (reverse) entries = entries.reverse()
  return JSON.stringify(Object.fromEntries(entries))
}

/** One CSV field (RFC 4180) in the CLI's CSV encoding, written independently of the encoder. */
function csvField(v: Json): string {
  if (v === null) return ''
  const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A CSV text (header and rows, CRLF line ends) of canonical rows. */
export function csvText(columns: readonly string[], rows: readonly { [k: string]: Json }[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? null)).join(','))].join('\r\n') + '\r\n'
}
