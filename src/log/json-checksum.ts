/**
 * The `_last_checkpoint` checksum (PROTOCOL.md "JSON checksum"): canonicalise the JSON into sorted
 * `path=value` pairs with strictly URL-encoded strings, then MD5 the result.
 *
 * @packageDocumentation
 */
import { md5Hex } from './md5.js'

const UNRESERVED = /[A-Za-z0-9\-._~]/

/**
 * Percent-encodes every UTF-8 octet except `A-Z a-z 0-9 - . _ ~`, with upper-case hex (the spec's
 * strict variant; `encodeURIComponent` would leave `!'()*` alone and break the checksum).
 */
export function strictUrlEncode(s: string): string {
  let out = ''
  for (const ch of s) {
    if (UNRESERVED.test(ch)) {
      out += ch
      continue
    }
    for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return `"${strictUrlEncode(v)}"`
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  throw new TypeError(`JSON checksum: cannot canonicalise a ${typeof v}`)
}

function collect(v: unknown, path: string, out: [string, string][]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => collect(x, path === '' ? String(i) : `${path}+${i}`, out))
    return
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue
      const seg = `"${strictUrlEncode(k)}"`
      collect(x, path === '' ? seg : `${path}+${seg}`, out)
    }
    return
  }
  out.push([path, scalar(v)])
}

/**
 * The canonical form of a JSON object: every leaf as `path=value`, paths joined by `+`, sorted by
 * the bytes of the path, joined by `,`. The top-level `checksum` key is left out. Empty objects and
 * arrays have no leaves and so contribute nothing.
 */
export function canonicalizeJson(value: Readonly<Record<string, unknown>>): string {
  const pairs: [string, string][] = []
  for (const [k, x] of Object.entries(value)) {
    if (k === 'checksum' || x === undefined) continue
    collect(x, `"${strictUrlEncode(k)}"`, pairs)
  }
  // Paths are pure ASCII after encoding, so UTF-16 order equals UTF-8 byte order here.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return pairs.map(([p, v]) => `${p}=${v}`).join(',')
}

/** The spec's checksum of a JSON object: MD5 of its canonical form, 32 lower-case hex digits. */
export function jsonChecksum(value: Readonly<Record<string, unknown>>): string {
  return md5Hex(canonicalizeJson(value))
}
