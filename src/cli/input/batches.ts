/**
 * Rows of JSON-decoded values to Arrow record batches in a table's logical schema (the shape
 * `Transaction.append` takes): every column present, missing nullable columns null, unknown
 * columns and bad values reported as {@link InvalidWriteError} naming the place in the input.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { InvalidWriteError } from '../../errors.js'
import { toArrowSchema } from '../../protocol/arrow-types.js'
import type { StructType } from '../../protocol/schema-types.js'
import { StructBuilder } from './columns.js'
import { BadValue } from './scalars.js'

/** Rows per record batch (bounds the size of one Arrow buffer, not the whole input). */
export const DEFAULT_BATCH_ROWS = 64 * 1024

/** Dotted path of a value inside a column: `s.a`, `tags[2]`, `m[0].key`. */
function joinPath(path: readonly string[]): string {
  return path.reduce((out, seg) => (out === '' ? seg : seg.startsWith('[') ? out + seg : `${out}.${seg}`), '')
}

/** Accumulates rows (objects keyed by column name) into record batches of `schema`. */
export class RecordBatchBuilder {
  readonly #schema: StructType
  readonly #arrowSchema: A.Schema
  readonly #columns: ReadonlySet<string>
  readonly #batchRows: number
  #rows: StructBuilder
  #batches: A.RecordBatch[] = []
  #count = 0

  constructor(schema: StructType, batchRows = DEFAULT_BATCH_ROWS) {
    this.#schema = schema
    this.#arrowSchema = toArrowSchema(schema)
    this.#columns = new Set(schema.fields.map((f) => f.name))
    this.#batchRows = batchRows
    this.#rows = new StructBuilder(schema, false)
  }

  /** Rows appended so far. */
  get rowCount(): number {
    return this.#count
  }

  /**
   * Appends one row; `where` names it in errors (`data.ndjson: line 3`). Throws
   * `InvalidWriteError` for an unknown column or a value that does not fit its column.
   */
  appendRow(row: Record<string, unknown>, where: () => string): void {
    for (const key of Object.keys(row)) {
      if (!this.#columns.has(key)) {
        throw new InvalidWriteError(`${where()}: unknown column ${JSON.stringify(key)} (table columns: ${[...this.#columns].join(', ')})`)
      }
    }
    try {
      this.#rows.appendRow(row)
    } catch (e) {
      if (!(e instanceof BadValue)) throw e
      throw new InvalidWriteError(`${where()}, column ${joinPath(e.path)}: ${e.message}`)
    }
    this.#count++
    if (this.#rows.length >= this.#batchRows) this.#flush()
  }

  #flush(): void {
    const length = this.#rows.length
    if (length === 0) return
    const children = this.#rows.finishChildren()
    this.#rows = new StructBuilder(this.#schema, false)
    const data = A.makeData({ type: new A.Struct(this.#arrowSchema.fields), length, nullCount: 0, children })
    this.#batches.push(new A.RecordBatch(this.#arrowSchema, data))
  }

  /** The batches of every row appended. */
  finish(): A.RecordBatch[] {
    this.#flush()
    const out = this.#batches
    this.#batches = []
    return out
  }
}
