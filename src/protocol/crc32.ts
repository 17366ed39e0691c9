/**
 * CRC-32 (IEEE 802.3 / ISO-HDLC, reflected polynomial 0xEDB88320), the checksum stored after
 * each deletion vector in a DV file (PROTOCOL.md, "Deletion Vector File Storage Format").
 * Slicing-by-8 tables: eight bytes per step, so checksumming a large DV costs little next to
 * reading it.
 *
 * @packageDocumentation
 */

const TABLES: Int32Array = (() => {
  const t = new Int32Array(256 * 8)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  // Table k advances a byte through k more zero bytes, which lets one step fold eight bytes.
  for (let n = 0; n < 256; n++) {
    let c = t[n]!
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8)
      t[k * 256 + n] = c
    }
  }
  return t
})()

/**
 * Updates a running CRC-32 with `bytes`. Start with `crc = 0`; the result of one call can be
 * passed as `crc` to the next to checksum data that arrives in pieces. Returns an unsigned value.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = TABLES
  let c = ~crc
  let i = 0
  const n = bytes.length
  for (; i + 8 <= n; i += 8) {
    const lo = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
