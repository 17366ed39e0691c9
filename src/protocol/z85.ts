/**
 * Z85 (ZeroMQ RFC 32), the Base85 variant Delta uses for UUIDs in `u` deletion-vector
 * descriptors and for inline (`i`) deletion vectors (PROTOCOL.md, "Deletion Vector Descriptor
 * Schema"). Every 4 bytes (big-endian) become 5 characters.
 *
 * Strict Z85 only encodes multiples of 4 bytes. Delta's codec pads other lengths with zero bytes
 * and the reader truncates to the descriptor's `sizeInBytes`, so {@link z85Encode} pads and
 * {@link z85Decode} takes the wanted length; for multiples of 4 both agree with strict Z85.
 *
 * Tables written through the Rust `z85` crate use its own tail convention instead: a final block
 * starting with k `#` characters (impossible in Z85, as 84 * 85^4 > 2^32) holds only 4 - k bytes,
 * the big-endian value of its remaining digits. Real logs contain such inline DVs (the kernel-rs
 * `cdf-table-with-dv` corpus), so the decoder accepts that tail too.
 *
 * @packageDocumentation
 */
import { DeletionVectorError } from '../errors.js'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

/** Character code -> digit value, -1 for characters outside the alphabet. */
const DIGITS: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1)
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i
  return t
})()

/** Encodes bytes as Z85, zero-padding the input to a multiple of 4 bytes (Delta's convention). */
export function z85Encode(bytes: Uint8Array): string {
  const blocks = Math.ceil(bytes.length / 4)
  const out = new Array<string>(blocks)
  for (let b = 0; b < blocks; b++) {
    const i = b * 4
    // Multiplication instead of << keeps the block an unsigned 32-bit value.
    let value = (bytes[i] ?? 0) * 0x1000000 + ((bytes[i + 1] ?? 0) << 16) + ((bytes[i + 2] ?? 0) << 8) + (bytes[i + 3] ?? 0)
    const chars = new Array<string>(5)
    for (let c = 4; c >= 0; c--) {
      chars[c] = ALPHABET[value % 85]!
      value = Math.floor(value / 85)
    }
    out[b] = chars.join('')
  }
  return out.join('')
}

/**
 * Decodes Z85 text. `byteLength` (default: all decoded bytes) truncates the zero padding that
 * {@link z85Encode} added; it may be at most 3 bytes shorter than the decoded data.
 * Throws `DeletionVectorError` for a length that is not a multiple of 5, a character outside
 * the alphabet, a block above 2^32 - 1, or an impossible `byteLength`.
 */
export function z85Decode(text: string, byteLength?: number): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new DeletionVectorError(`z85: expected a length that is a multiple of 5, found ${text.length} characters in '${clip(text)}'`)
  }
  const tailPadding = text.length === 0 ? 0 : leadingHashes(text, text.length - 5)
  const full = (text.length / 5) * 4 - tailPadding
  const want = byteLength ?? full
  if (!Number.isInteger(want) || want < 0 || want > full || full - want > 3) {
    throw new DeletionVectorError(`z85: '${clip(text)}' decodes to ${full} bytes, cannot take ${want} of them`)
  }
  const out = new Uint8Array((text.length / 5) * 4)
  for (let b = 0, i = 0; i < text.length; b += 4, i += 5) {
    const skip = i === text.length - 5 ? tailPadding : 0
    let value = 0
    for (let c = skip; c < 5; c++) {
      const code = text.charCodeAt(i + c)
      const digit = code < 128 ? DIGITS[code]! : -1
      if (digit < 0) {
        throw new DeletionVectorError(`z85: invalid character '${text[i + c]}' at position ${i + c} of '${clip(text)}'`)
      }
      value = value * 85 + digit
    }
    if (value >= 2 ** (8 * (4 - skip))) {
      throw new DeletionVectorError(`z85: block '${text.slice(i, i + 5)}' at position ${i} exceeds ${8 * (4 - skip)} bits`)
    }
    // A padded tail block holds 4 - skip bytes, right-aligned in the value.
    for (let k = 4 - skip - 1, at = b; k >= 0; k--, at++) out[at] = Math.floor(value / 2 ** (8 * k)) & 0xff
  }
  return out.subarray(0, want)
}

/** Number of leading '#' (1-3) marking a Rust-`z85`-style padded tail block at `at`, else 0. */
function leadingHashes(text: string, at: number): number {
  let k = 0
  while (k < 3 && text[at + k] === '#') k++
  return k
}

/** Formats 16 bytes as a canonical lower-case UUID (big-endian, as Java's UUID). */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new DeletionVectorError(`uuid: expected 16 bytes, found ${bytes.length}`)
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Parses a canonical UUID string into its 16 bytes. */
export function uuidToBytes(uuid: string): Uint8Array {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) {
    throw new DeletionVectorError(`uuid: expected the canonical 8-4-4-4-12 hex form, found '${uuid}'`)
  }
  const hex = uuid.replace(/-/g, '')
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
