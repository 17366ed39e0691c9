/**
 * String truncation for per-file statistics, with Delta Spark's rules (StatisticsCollection,
 * `truncateMinStringAgg` / `truncateMaxStringAgg`), lengths counted in UTF-16 code units as Java
 * counts them, ordering by UTF-8 bytes as readers compare:
 * - min: the first `prefixLength` units, one more if the cut would split a surrogate pair;
 * - max: that prefix, extended over any U+10FFFF characters, then a tie-breaker that sorts after
 *   every string with the prefix: U+007F if the next character is below it, else U+10FFFF. When
 *   the prefix would grow past twice `prefixLength`, there is no usable max (`undefined`).
 *
 * @packageDocumentation
 */

/** Default `delta.dataSkippingStringPrefixLength` (Delta Spark: 32). */
export const DEFAULT_STRING_PREFIX_LENGTH = 32

const MAX_CHAR = '\u{10FFFF}'
const ASCII_MAX = '\u007f'

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}

/** A lower bound of `s` at most `prefixLength` (+1) units long; undefined when `prefixLength` ≤ 0 and `s` is longer. */
export function truncateMinString(s: string, prefixLength: number): string | undefined {
  if (s.length <= prefixLength) return s
  if (prefixLength <= 0) return undefined
  const n = isHigh(s.charCodeAt(prefixLength - 1)) && isLow(s.charCodeAt(prefixLength)) ? prefixLength + 1 : prefixLength
  return s.slice(0, n)
}

/** An upper bound of `s` (in UTF-8 byte order) about `prefixLength` units long, or undefined if none is short enough. */
export function truncateMaxString(s: string, prefixLength: number): string | undefined {
  if (s.length <= prefixLength) return s
  if (prefixLength <= 0) return undefined
  const limit = 2 * prefixLength
  let n = truncateMinString(s, prefixLength)!.length
  while (n <= limit) {
    if (n >= s.length) return s
    if (s.startsWith(MAX_CHAR, n)) {
      n += 2
    } else {
      return s.slice(0, n) + (s.charCodeAt(n) < 0x7f ? ASCII_MAX : MAX_CHAR)
    }
  }
  return undefined
}
