/**
 * Where the shared conformance corpora live: `../shared/corpora` next to the repository, wherever
 * the repository is checked out.
 */
import { resolve } from 'node:path'

/** Absolute path of `../shared/corpora` relative to the repository root. */
export const CORPORA_ROOT = resolve(import.meta.dirname, '../../shared/corpora')
