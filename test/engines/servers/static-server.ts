/**
 * A static file server for tests, on node:http at 127.0.0.1 and a random port: GET and HEAD of
 * files under mounted folders, single byte ranges (206 / 416), Content-Length, Last-Modified,
 * 404 for anything else, CORS for browser pages. It cannot list, like static hosting. Switches
 * turn off ranges or HEAD to act like weaker servers; every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

/** A request as the server saw it. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly range: string | undefined
}

/** A running server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly requests: SeenRequest[]
  /** Behaviour switches, changeable between requests. */
  readonly options: { ranges: boolean; head: boolean }
  close(): Promise<void>
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' }

/** Serves `mounts` (URL prefix like `/golden/` → folder) until `close`. */
export async function startStaticServer(mounts: Readonly<Record<string, string>>): Promise<StaticServer> {
  const requests: SeenRequest[] = []
  const options = { ranges: true, head: true }
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500).end(String(e))
    })
  })
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!
    const range = req.headers.range
    requests.push({ method: req.method ?? '', path, range })
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-allow-headers', 'range')
    res.setHeader('access-control-expose-headers', 'content-range, content-length, last-modified')
    if (req.method === 'OPTIONS') return void res.writeHead(204).end()
    if (req.method === 'HEAD' && !options.head) return void res.writeHead(405).end()
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
    const file = resolveFile(mounts, path)
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined)
    if (file === undefined || info === undefined || !info.isFile()) return void res.writeHead(404).end()
    const bytes = await readFile(file)
    const headers: Record<string, string | number> = {
      'last-modified': info.mtime.toUTCString(),
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'accept-ranges': options.ranges ? 'bytes' : 'none',
      'cache-control': 'no-store',
    }
    const m = options.ranges && range !== undefined ? /^bytes=(\d+)-(\d*)$/.exec(range) : null
    if (m) {
      const start = Number(m[1])
      const end = Math.min(m[2] === '' ? bytes.length - 1 : Number(m[2]), bytes.length - 1)
      if (start >= bytes.length) {
        return void res.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` }).end()
      }
      const body = bytes.subarray(start, end + 1)
      res.writeHead(206, { ...headers, 'content-length': body.length, 'content-range': `bytes ${start}-${end}/${bytes.length}` })
      return void res.end(req.method === 'HEAD' ? undefined : body)
    }
    res.writeHead(200, { ...headers, 'content-length': bytes.length })
    res.end(req.method === 'HEAD' ? undefined : bytes)
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The file a URL path names under the mounts; undefined for anything outside them. */
function resolveFile(mounts: Readonly<Record<string, string>>, urlPath: string): string | undefined {
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (!urlPath.startsWith(prefix)) continue
    let rel: string
    try {
      rel = urlPath.slice(prefix.length).split('/').map(decodeURIComponent).join('/')
    } catch {
      return undefined
    }
    const file = normalize(join(dir, rel))
    return file.startsWith(normalize(dir + sep)) ? file : undefined
  }
  return undefined
}
