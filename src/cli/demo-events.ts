/**
 * The sensor events of the ingestion demo: their table schema, their Arrow form, and the messages
 * writer processes send the coordinator (one JSON object per stdout line).
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import type { StructType } from '../protocol/schema-types.js'

const field = (name: string, type: 'string' | 'long' | 'double' | 'integer', nullable = false) => ({ name, type: { type }, nullable, metadata: {} })

/** One reading from a phone. `(device, seq)` is unique: seq counts the phone's readings from 0. */
export interface SensorEvent {
  readonly device: string
  readonly seq: number
  /** When the phone took the reading, ms since the epoch. */
  readonly ts: number
  readonly temperature: number
  readonly humidity: number
  readonly battery: number
}

/** Table schema of the demo. */
export const SENSOR_SCHEMA: StructType = {
  type: 'struct',
  fields: [field('device', 'string'), field('seq', 'long'), field('ts', 'long'), field('temperature', 'double'), field('humidity', 'double'), field('battery', 'integer')],
}

/** Events as one Arrow record batch of {@link SENSOR_SCHEMA}. */
export function sensorBatch(events: readonly SensorEvent[]): A.RecordBatch {
  const n = events.length
  const seq = new BigInt64Array(n)
  const ts = new BigInt64Array(n)
  const temperature = new Float64Array(n)
  const humidity = new Float64Array(n)
  const battery = new Int32Array(n)
  events.forEach((e, i) => {
    seq[i] = BigInt(e.seq)
    ts[i] = BigInt(e.ts)
    temperature[i] = e.temperature
    humidity[i] = e.humidity
    battery[i] = e.battery
  })
  return new A.Table({
    device: A.vectorFromArray(events.map((e) => e.device), new A.Utf8()),
    seq: A.makeVector(seq),
    ts: A.makeVector(ts),
    temperature: A.makeVector(temperature),
    humidity: A.makeVector(humidity),
    battery: A.makeVector(battery),
  }).batches[0]!
}

/** A simulated phone: a slowly drifting temperature and humidity, a draining battery. */
export class Phone {
  readonly device: string
  #seq = 0
  #temperature: number
  #humidity: number
  #battery = 100

  constructor(device: string, random: () => number) {
    this.device = device
    this.#temperature = 15 + random() * 15
    this.#humidity = 30 + random() * 40
  }

  /** Readings sent so far (the next reading's seq). */
  get sent(): number {
    return this.#seq
  }

  /** The next reading. */
  read(now: number, random: () => number): SensorEvent {
    this.#temperature += (random() - 0.5) * 0.4
    this.#humidity = Math.min(100, Math.max(0, this.#humidity + (random() - 0.5)))
    if (random() < 0.02) this.#battery = Math.max(1, this.#battery - 1)
    return { device: this.device, seq: this.#seq++, ts: now, temperature: round(this.#temperature), humidity: round(this.#humidity), battery: this.#battery }
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}

/** A seeded pseudo-random generator (mulberry32), so a writer's phones are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What a writer process reports, one JSON object per stdout line. */
export type WriterMessage =
  | {
      readonly type: 'commit'
      readonly writer: number
      readonly batchId: number
      readonly version: number
      readonly rows: number
      /** End to end: snapshot load, data file write, commit (with retries). */
      readonly latencyMs: number
      readonly snapshotMs: number
      readonly conflictsRetried: number
    }
  /** A commit attempt ran out of retries; the batch is tried again (the txn id makes that safe). */
  | { readonly type: 'retry'; readonly writer: number; readonly batchId: number; readonly error: string }
  | {
      readonly type: 'done'
      readonly writer: number
      /** Readings committed per device (seqs 0 .. n-1 of each). */
      readonly sent: Readonly<Record<string, number>>
      readonly commits: number
      /** When the writer began and stopped writing, ms since the epoch (its process start excluded). */
      readonly startedAt: number
      readonly endedAt: number
    }
