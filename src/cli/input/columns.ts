/**
 * Arrow column builders for JSON-decoded values of a Delta type: values are appended one at a
 * time and the column is assembled from plain buffers with `makeData`, in exactly the Arrow type
 * of `protocol/arrow-types.ts` (Int64 and timestamps as BigInt64Array, decimals as four
 * little-endian 32-bit words per value), so nothing passes through a lossy conversion.
 *
 * Nested JSON shapes follow the `--format ndjson` contract: a struct is an object (unknown keys
 * are errors, missing keys are null), an array is an array, a map is an array of `[key, value]`
 * pairs (an object is accepted too when the keys are strings). Nullability is checked at every
 * level; a value that does not fit throws {@link BadValue} with its path inside the column.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { toArrowType } from '../../protocol/arrow-types.js'
import { describeType } from '../../protocol/schema.js'
import type { DataType, DecimalType, PrimitiveType, StructField, StructType } from '../../protocol/schema-types.js'
import { BadValue, decodeScalar, shown, type TypedValue } from './scalars.js'

const UTF8 = new TextEncoder()

/** Builds one Arrow column from values appended in row order. */
export interface ColumnBuilder {
  /** Appends a JSON value (`null` or `undefined` is null); throws {@link BadValue}. */
  append(value: unknown): void
  /** Appends a null without the nullability check (a slot under a null struct). */
  appendNull(): void
  /** Number of values appended. */
  readonly length: number
  /** The column so far; the builder starts empty again. */
  finish(): A.Data
}

/** A builder for values of `type` in a slot that may (or may not) hold nulls. */
export function columnBuilder(type: DataType, nullable: boolean): ColumnBuilder {
  switch (type.type) {
    case 'struct':
      return new StructBuilder(type, nullable)
    case 'variant':
      // The Arrow layout of a variant is this struct (arrow-types.ts); values are its JSON encoding.
      return new StructBuilder(VARIANT_STRUCT, nullable, toArrowType(type))
    case 'array':
      return new ListBuilder(type.elementType, type.containsNull, nullable, toArrowType(type))
    case 'map':
      return new MapBuilder(type.keyType, type.valueType, type.valueContainsNull, nullable, toArrowType(type))
    default:
      return new PrimitiveBuilder(type, nullable)
  }
}

const VARIANT_STRUCT: StructType = {
  type: 'struct',
  fields: [
    { name: 'metadata', type: { type: 'binary' }, nullable: false, metadata: {} },
    { name: 'value', type: { type: 'binary' }, nullable: false, metadata: {} },
  ],
}

function inside(e: unknown, segment: string): never {
  if (e instanceof BadValue) e.path.unshift(segment)
  throw e
}

/** Validity bytes (one per slot) packed to Arrow's LSB-first bitmap. */
function packBits(flags: readonly number[] | Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8))
  for (let i = 0; i < n; i++) if (flags[i]) out[i >> 3]! |= 1 << (i & 7)
  return out
}

abstract class Base implements ColumnBuilder {
  protected valid: number[] = []
  protected nulls = 0
  constructor(protected readonly nullable: boolean) {}

  get length(): number {
    return this.valid.length
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      if (!this.nullable) throw new BadValue('null in a non-nullable field')
      return this.appendNull()
    }
    this.appendValue(value)
    this.valid.push(1)
  }

  appendNull(): void {
    this.appendEmpty()
    this.valid.push(0)
    this.nulls++
  }

  protected takeValidity(): { length: number; nullCount: number; nullBitmap: Uint8Array | undefined } {
    const length = this.valid.length
    const nullCount = this.nulls
    const nullBitmap = nullCount > 0 ? packBits(this.valid, length) : undefined
    this.valid = []
    this.nulls = 0
    return { length, nullCount, nullBitmap }
  }

  protected abstract appendValue(value: unknown): void
  protected abstract appendEmpty(): void
  abstract finish(): A.Data
}

class PrimitiveBuilder extends Base {
  readonly #type: PrimitiveType | DecimalType
  readonly #arrowType: A.DataType
  #values: TypedValue[] = []
  #byteLength = 0

  constructor(type: PrimitiveType | DecimalType, nullable: boolean) {
    super(nullable)
    this.#type = type
    this.#arrowType = toArrowType(type)
  }

  protected appendValue(value: unknown): void {
    const v = decodeScalar(this.#type, value)
    if (v instanceof Uint8Array) this.#byteLength += v.length
    else if (typeof v === 'string') {
      const bytes = UTF8.encode(v)
      this.#byteLength += bytes.length
      this.#values.push(bytes)
      return
    }
    this.#values.push(v)
  }

  protected appendEmpty(): void {
    this.#values.push(EMPTY[this.#type.type] ?? 0)
  }

  finish(): A.Data {
    const values = this.#values
    const byteLength = this.#byteLength
    this.#values = []
    this.#byteLength = 0
    const v = this.takeValidity()
    const type = this.#arrowType
    const base = { type, length: v.length, nullCount: v.nullCount, nullBitmap: v.nullBitmap }
    switch (this.#type.type) {
      case 'void':
        return A.makeData({ type: new A.Null(), length: v.length })
      case 'string':
      case 'binary': {
        const offsets = new Int32Array(values.length + 1)
        const data = new Uint8Array(byteLength)
        let at = 0
        values.forEach((b, i) => {
          data.set(b as Uint8Array, at)
          at += (b as Uint8Array).length
          offsets[i + 1] = at
        })
        return A.makeData({ ...base, type: type as A.Utf8, valueOffsets: offsets, data }) as A.Data
      }
      case 'boolean':
        return A.makeData({ ...base, type: type as A.Bool, data: packBits(values.map((b) => (b ? 1 : 0)), values.length) })
      case 'long':
      case 'timestamp':
      case 'timestamp_ntz':
        return A.makeData({ ...base, type: type as A.Int64, data: BigInt64Array.from(values as bigint[]) })
      case 'decimal': {
        const words = new Uint32Array(values.length * 4)
        values.forEach((u, i) => {
          let x = BigInt.asUintN(128, u as bigint)
          for (let k = 0; k < 4; k++, x >>= 32n) words[i * 4 + k] = Number(x & 0xffffffffn)
        })
        return A.makeData({ ...base, type: type as A.Decimal, data: words })
      }
      default: {
        const Ctor = (type as A.Int | A.Float | A.DateDay).ArrayType as unknown as { from(v: readonly number[]): Int32Array }
        return A.makeData({ ...base, type: type as A.Int32, data: Ctor.from(values as number[]) })
      }
    }
  }
}

const EMPTY_BYTES = new Uint8Array(0)
const EMPTY: Partial<Record<string, TypedValue>> = {
  string: EMPTY_BYTES,
  binary: EMPTY_BYTES,
  boolean: false,
  long: 0n,
  timestamp: 0n,
  timestamp_ntz: 0n,
  decimal: 0n,
}

/** The fields of a struct as builders; `append` takes a JSON object. */
export class StructBuilder extends Base {
  readonly #fields: readonly StructField[]
  readonly #children: ColumnBuilder[]
  readonly #byName: Map<string, number>
  readonly #arrowType: A.DataType

  constructor(type: StructType, nullable: boolean, arrowType: A.DataType = toArrowType(type)) {
    super(nullable)
    this.#fields = type.fields
    this.#children = type.fields.map((f) => columnBuilder(f.type, f.nullable))
    this.#byName = new Map(type.fields.map((f, i) => [f.name, i]))
    this.#arrowType = arrowType
  }

  /** Field names, for messages. */
  get names(): string[] {
    return this.#fields.map((f) => f.name)
  }

  protected appendValue(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      throw new BadValue(`expected a JSON object for struct<${this.names.join(', ')}>, found ${shown(value)}`)
    }
    const row = value as Record<string, unknown>
    for (const key of Object.keys(row)) {
      if (!this.#byName.has(key)) inside(new BadValue(`unknown field (expected one of: ${this.names.join(', ')})`), key)
    }
    this.#fields.forEach((f, i) => {
      try {
        this.#children[i]!.append(row[f.name])
      } catch (e) {
        inside(e, f.name)
      }
    })
  }

  protected appendEmpty(): void {
    for (const c of this.#children) c.appendNull()
  }

  /** The children's columns, for a record batch. */
  finishChildren(): A.Data[] {
    return this.#children.map((c) => c.finish())
  }

  finish(): A.Data {
    const children = this.finishChildren()
    const v = this.takeValidity()
    return A.makeData({ type: this.#arrowType as A.Struct, length: v.length, nullCount: v.nullCount, nullBitmap: v.nullBitmap, children })
  }

  /** Appends a whole record (a top-level row: never null), then resets nothing. */
  appendRow(row: Record<string, unknown>): void {
    this.appendValue(row)
    this.valid.push(1)
  }
}

class ListBuilder extends Base {
  readonly #child: ColumnBuilder
  readonly #arrowType: A.DataType
  #offsets: number[] = [0]

  constructor(element: DataType, containsNull: boolean, nullable: boolean, arrowType: A.DataType) {
    super(nullable)
    this.#child = columnBuilder(element, containsNull)
    this.#arrowType = arrowType
  }

  protected appendValue(value: unknown): void {
    if (!Array.isArray(value)) throw new BadValue(`expected a JSON array for ${String(this.#arrowType)}, found ${shown(value)}`)
    value.forEach((x: unknown, i) => {
      try {
        this.#child.append(x)
      } catch (e) {
        inside(e, `[${i}]`)
      }
    })
    this.#offsets.push(this.#child.length)
  }

  protected appendEmpty(): void {
    this.#offsets.push(this.#child.length)
  }

  finish(): A.Data {
    const offsets = Int32Array.from(this.#offsets)
    this.#offsets = [0]
    const child = this.#child.finish()
    const v = this.takeValidity()
    return A.makeData({ type: this.#arrowType as A.List, length: v.length, nullCount: v.nullCount, nullBitmap: v.nullBitmap, valueOffsets: offsets, child })
  }
}

class MapBuilder extends Base {
  readonly #keys: ColumnBuilder
  readonly #values: ColumnBuilder
  readonly #keyType: DataType
  readonly #valueType: DataType
  readonly #arrowType: A.Map_
  #offsets: number[] = [0]

  constructor(keyType: DataType, valueType: DataType, valueContainsNull: boolean, nullable: boolean, arrowType: A.DataType) {
    super(nullable)
    this.#keyType = keyType
    this.#valueType = valueType
    this.#keys = columnBuilder(keyType, false)
    this.#values = columnBuilder(valueType, valueContainsNull)
    this.#arrowType = arrowType as A.Map_
  }

  protected appendValue(value: unknown): void {
    let pairs: unknown[]
    if (Array.isArray(value)) pairs = value
    else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && this.#keyType.type === 'string') pairs = Object.entries(value)
    else throw new BadValue(`expected an array of [key, value] pairs for map<${describeType(this.#keyType)},${describeType(this.#valueType)}>, found ${shown(value)}`)
    pairs.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) inside(new BadValue(`expected a [key, value] pair, found ${shown(pair)}`), `[${i}]`)
      try {
        this.#keys.append(pair[0])
      } catch (e) {
        inside(e, `[${i}].key`)
      }
      try {
        this.#values.append(pair[1])
      } catch (e) {
        inside(e, `[${i}].value`)
      }
    })
    this.#offsets.push(this.#keys.length)
  }

  protected appendEmpty(): void {
    this.#offsets.push(this.#keys.length)
  }

  finish(): A.Data {
    const offsets = Int32Array.from(this.#offsets)
    this.#offsets = [0]
    const entriesType = this.#arrowType.children[0]!.type as A.Struct
    const keys = this.#keys.finish()
    const entries = A.makeData({ type: entriesType, length: keys.length, nullCount: 0, children: [keys, this.#values.finish()] })
    const v = this.takeValidity()
    return A.makeData({ type: this.#arrowType, length: v.length, nullCount: v.nullCount, nullBitmap: v.nullBitmap, valueOffsets: offsets, child: entries })
  }
}
