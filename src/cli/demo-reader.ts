/**
 * The demo's streaming reader: tails the table with `streamChanges`, keeps live per-device
 * aggregates, and records every `(device, seq)` it is delivered so the end of the demo can check
 * that the stream, too, saw each event exactly once.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { type StreamOptions, streamChanges } from '../stream/source.js'
import type { Table } from '../table.js'

/** Live aggregates of one device. */
export interface DeviceStats {
  count: number
  temperatureSum: number
  lastTemperature: number
  battery: number
  /** Highest seq seen. */
  maxSeq: number
}

/** Tails a table and aggregates what it reads. */
export class DemoReader {
  readonly devices = new Map<string, DeviceStats>()
  /** Seqs delivered per device (a bitmap that grows). */
  readonly #seen = new Map<string, Uint8Array>()
  events = 0
  duplicates = 0
  microBatches = 0
  files = 0
  /** First table version not yet fully read. */
  nextVersion = 0
  latestKnownVersion = 0

  #record(device: string, seq: number): void {
    let bits = this.#seen.get(device)
    if (!bits || bits.length * 8 <= seq) {
      const grown = new Uint8Array(Math.max(64, (bits?.length ?? 0) * 2, (seq >> 3) + 1))
      if (bits) grown.set(bits)
      this.#seen.set(device, (bits = grown))
    }
    const mask = 1 << (seq & 7)
    if (bits[seq >> 3]! & mask) this.duplicates++
    else bits[seq >> 3]! |= mask
  }

  /** Whether the stream delivered `(device, seq)`. */
  seen(device: string, seq: number): boolean {
    const bits = this.#seen.get(device)
    return bits !== undefined && seq >> 3 < bits.length && (bits[seq >> 3]! & (1 << (seq & 7))) !== 0
  }

  #consume(batch: A.RecordBatch): void {
    const device = batch.getChild('device')!
    const seq = batch.getChild('seq')!
    const temperature = batch.getChild('temperature')!
    const battery = batch.getChild('battery')!
    for (let i = 0; i < batch.numRows; i++) {
      const d = device.get(i) as string
      const s = Number(seq.get(i) as bigint)
      const t = temperature.get(i) as number
      let stats = this.devices.get(d)
      if (!stats) this.devices.set(d, (stats = { count: 0, temperatureSum: 0, lastTemperature: t, battery: 100, maxSeq: -1 }))
      stats.count++
      stats.temperatureSum += t
      if (s > stats.maxSeq) {
        stats.maxSeq = s
        stats.lastTemperature = t
        stats.battery = battery.get(i) as number
      }
      this.#record(d, s)
      this.events++
    }
  }

  /** Reads the table until `signal` aborts (tail mode). */
  async run(table: Table, options: Pick<StreamOptions, 'signal' | 'maxFilesPerTrigger'> = {}): Promise<void> {
    for await (const mb of streamChanges(table, { ...options, tail: true, pollIntervalMs: 25, maxPollIntervalMs: 250 })) {
      for await (const b of mb.batches()) this.#consume(b)
      this.microBatches++
      this.files += mb.files.length
      // (v, -1) means all of v-1 was read; (v, i) that v is partly read: v is next either way.
      this.nextVersion = mb.endOffset.reservoirVersion
      this.latestKnownVersion = Math.max(this.latestKnownVersion, mb.latestVersion)
    }
  }

  /** The busiest devices, for the live view. */
  top(n: number): [string, DeviceStats][] {
    return [...this.devices].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).slice(0, n)
  }
}
