/**
 * Ordering of location strings by their UTF-8 bytes, the order every `FileSystem.list` yields.
 *
 * JavaScript's `<` compares UTF-16 code units, which disagrees with UTF-8 byte order once a string
 * holds both a supplementary character (a surrogate pair, 0xD800-0xDFFF) and a BMP character at
 * 0xE000 or above: UTF-16 puts the pair first, UTF-8 puts it last. UTF-8 byte order equals code
 * point order, so comparing code points is enough, without encoding either string.
 *
 * @packageDocumentation
 */

/**
 * Compares two strings by the UTF-8 bytes they encode to: negative when `a` sorts first, zero when
 * equal, positive otherwise. Usable directly as an `Array.prototype.sort` comparator.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Only the first differing unit matters. Surrogates stand for code points above 0xFFFF, so
    // they must outrank 0xE000-0xFFFF: lift surrogates above that range and shift it down.
    return rank(x) - rank(y)
  }
  return a.length - b.length
}

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}
