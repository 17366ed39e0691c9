/**
 * Azure Blob Storage locations: `az://container/path` (also `azure://`), and the Hadoop
 * spellings `abfss://container@account.dfs.core.windows.net/path` (also `abfs://`, `wasbs://`,
 * `wasb://`, any host under the account). All name a container and a blob name; the abfss form
 * also names the account, which must match the engine's when both are known.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../../errors.js'
import { decodeKeyPath, parseLocation } from '../object-store/keys.js'

/** Location schemes the Azure engine accepts. */
export const AZURE_SCHEMES = ['az', 'azure', 'abfss', 'abfs', 'wasbs', 'wasb'] as const

/** Where a location points. */
export interface AzureBlobRef {
  readonly container: string
  /** Blob name (the percent-decoded path); ends in `/` for a directory. */
  readonly name: string
  /** Account named by the host of an abfss/wasbs location. */
  readonly account?: string
}

/** Parses an Azure location; `InvalidArgumentError` for anything else. */
export function parseAzureLocation(location: string): AzureBlobRef {
  const url = parseLocation(location, AZURE_SCHEMES, 'azure')
  const name = decodeKeyPath(url.pathname, 'azure', location)
  if (url.protocol === 'az:' || url.protocol === 'azure:') {
    if (url.host === '' || url.username !== '') {
      throw new InvalidArgumentError(`azure: expected az://<container>/<path>, got '${location}'`)
    }
    return { container: url.host, name }
  }
  const container = decodeURIComponent(url.username)
  const account = url.hostname.split('.')[0] ?? ''
  if (container === '' || account === '') {
    throw new InvalidArgumentError(
      `azure: expected ${url.protocol}//<container>@<account>.dfs.core.windows.net/<path>, got '${location}'`,
    )
  }
  return { container, name, account }
}
