/**
 * An engine that does not see checkpoints or `_last_checkpoint`, so the same generated log can be
 * opened "without a checkpoint" (replaying every JSON commit) next to the normal, checkpointed load.
 */
import type { Engine, FileSystem } from '../../src/index.js'
import { FileNotFoundError } from '../../src/index.js'

const hidden = (location: string) => /\.checkpoint\.|\/_last_checkpoint$/.test(location)

export function withoutCheckpoints(engine: Engine): Engine {
  const fs = engine.fileSystem
  const view: FileSystem = {
    capabilities: fs.capabilities,
    async *list(dir, options) {
      for await (const m of fs.list(dir, options)) if (!hidden(m.location)) yield m
    },
    read: (loc, o) => (hidden(loc) ? Promise.reject(new FileNotFoundError(loc)) : fs.read(loc, o)),
    readRange: (loc, s, e, o) => fs.readRange(loc, s, e, o),
    head: (loc, o) => (hidden(loc) ? Promise.reject(new FileNotFoundError(loc)) : fs.head(loc, o)),
    putIfAbsent: (loc, d, o) => fs.putIfAbsent(loc, d, o),
    put: (loc, d, o) => fs.put(loc, d, o),
    delete: (loc, o) => fs.delete(loc, o),
  }
  return { ...engine, fileSystem: view }
}
