/**
 * Counters a scan keeps as it plans and runs (what the CLI's `--explain` prints).
 *
 * @packageDocumentation
 */

/** Files and row groups considered, skipped and read by one scan. */
export interface ScanMetrics {
  /** Live files of the snapshot. */
  filesTotal: number
  /** Files skipped because their partition values cannot match the predicate. */
  filesSkippedByPartition: number
  /** Files skipped because their statistics show no row can match. */
  filesSkippedByStats: number
  /** Files actually opened. */
  filesRead: number
  /** Sum of the sizes of the files opened. */
  bytesRead: number
  /** Row groups of the opened files. */
  rowGroupsTotal: number
  /** Row groups skipped by their footer statistics. */
  rowGroupsSkipped: number
}

/** Zeroed counters. */
export function newScanMetrics(): ScanMetrics {
  return { filesTotal: 0, filesSkippedByPartition: 0, filesSkippedByStats: 0, filesRead: 0, bytesRead: 0, rowGroupsTotal: 0, rowGroupsSkipped: 0 }
}
