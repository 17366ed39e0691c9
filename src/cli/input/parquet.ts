/**
 * Parquet input: the file is read through the engine's `ParquetHandler`, requesting the table's
 * logical schema by column name (field metadata dropped, so neither column-mapping names nor
 * field ids of the table apply to a file written outside it). The handler produces exactly the
 * table's Arrow types and null columns for missing nullable columns; a top-level column of the
 * file that the table does not have is an error rather than silently dropped.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { parquetSchema } from 'hyparquet'
import type { Engine } from '../../engine/engine.js'
import { InvalidWriteError } from '../../errors.js'
import { loadFooter } from '../../engines/hyparquet/footer.js'
import type { DataType, StructType } from '../../protocol/schema-types.js'

/** `t` without field metadata at any depth. */
function withoutMetadata(t: DataType): DataType {
  switch (t.type) {
    case 'struct':
      return stripFields(t)
    case 'array':
      return { ...t, elementType: withoutMetadata(t.elementType) }
    case 'map':
      return { ...t, keyType: withoutMetadata(t.keyType), valueType: withoutMetadata(t.valueType) }
    default:
      return t
  }
}

function stripFields(s: StructType): StructType {
  return { type: 'struct', fields: s.fields.map((f) => ({ name: f.name, type: withoutMetadata(f.type), nullable: f.nullable, metadata: {} })) }
}

/** Reads the Parquet file at `location` (a URL the engine's file system reads) as batches of `schema`. */
export async function readParquet(engine: Engine, location: string, schema: StructType, source: string): Promise<A.RecordBatch[]> {
  const file = await engine.fileSystem.head(location)
  const { metadata } = await loadFooter(engine.fileSystem, file)
  const columns = new Set(schema.fields.map((f) => f.name))
  for (const child of parquetSchema(metadata).children) {
    const name = child.element.name
    if (!columns.has(name)) {
      throw new InvalidWriteError(`${source}: column ${JSON.stringify(name)} of the Parquet file is not a table column (table columns: ${[...columns].join(', ')})`)
    }
  }
  const batches: A.RecordBatch[] = []
  for await (const { batch } of engine.parquet.read(file, { schema: stripFields(schema) })) batches.push(batch)
  return batches
}
