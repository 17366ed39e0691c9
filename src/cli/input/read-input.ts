/**
 * The input of `append --from <file>`: picks the format (flag, else the file extension) and
 * turns the file into Arrow record batches in the table's logical schema. Errors about the
 * content are `InvalidWriteError`s naming the file, the line (or row) and the column.
 *
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import type * as A from 'apache-arrow'
import type { Engine } from '../../engine/engine.js'
import { DeltaError, InvalidWriteError } from '../../errors.js'
import type { StructType } from '../../protocol/schema-types.js'
import { UsageError } from '../context.js'
import { readCsv } from './csv.js'
import { readNdjson } from './ndjson.js'
import { readParquet } from './parquet.js'

/** Input formats of `append`. */
export const INPUT_FORMATS = ['parquet', 'ndjson', 'csv'] as const
/** One of {@link INPUT_FORMATS}. */
export type InputFormat = (typeof INPUT_FORMATS)[number]

const EXTENSIONS: Readonly<Record<string, InputFormat>> = {
  parquet: 'parquet',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'ndjson',
  csv: 'csv',
}

/** The format given by `--format`, else by the file's extension; a {@link UsageError} when neither says. */
export function inputFormatOf(file: string, flag: string | undefined): InputFormat {
  if (flag !== undefined) {
    if (!(INPUT_FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--format must be one of ${INPUT_FORMATS.join(', ')}, got '${flag}'`)
    return flag as InputFormat
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase()
  const format = ext === undefined ? undefined : EXTENSIONS[ext]
  if (format === undefined) throw new UsageError(`cannot tell the format of '${file}' from its extension; pass --format ${INPUT_FORMATS.join('|')}`)
  return format
}

/** A local path (or file: URL) as a path. */
function localPath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : resolve(process.cwd(), file)
}

/**
 * Reads `file` as batches of `schema`. Parquet goes through `engine.parquet`; NDJSON and CSV are
 * decoded here. Failures to read the file itself are reported as the file's, never as the table's.
 */
export async function readInput(file: string, format: InputFormat, schema: StructType, engine: Engine): Promise<A.RecordBatch[]> {
  const path = localPath(file)
  try {
    switch (format) {
      case 'parquet':
        return await readParquet(engine, pathToFileURL(path).href, schema, file)
      case 'ndjson': {
        const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
        return await readNdjson(lines, schema, file)
      }
      case 'csv':
        return readCsv(await readFile(path, 'utf8'), schema, file)
    }
  } catch (e) {
    if (e instanceof InvalidWriteError || (e instanceof DeltaError && e.code === 'ABORTED')) throw e
    const code = (e as { code?: unknown }).code
    if (code === 'ENOENT' || (e instanceof DeltaError && e.code === 'FILE_NOT_FOUND')) throw new UsageError(`--from: no such file '${file}'`)
    if (e instanceof DeltaError || typeof code === 'string') {
      throw new InvalidWriteError(`${file}: cannot read it as ${format}: ${(e as Error).message}`, { cause: e })
    }
    throw e
  }
}
