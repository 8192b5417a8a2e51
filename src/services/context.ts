/**
 * The composition root: wires config, store, gazetteer and logger for one command run.
 * Heavy parts (better-sqlite3, the gazetteer file) load on first use.
 */
import { loadConfig, type LoadedConfig, type RegionResolver } from '../config/load.js'
import { systemClock, type Clock } from '../core/clock.js'
import { createLogger, type Logger } from '../core/logger.js'
import { loadGazetteer, type Gazetteer } from '../gazetteer/index.js'
import { SqliteStore, type OpenOptions } from '../store/sqlite.js'

export interface AppContext extends LoadedConfig {
  log: Logger
  clock: Clock
  /** Opens the database (migrating it) on first call. */
  store(opts?: OpenOptions): SqliteStore
  gazetteer(): Gazetteer
  close(): void
}

export interface ContextOptions {
  configFlag?: string
  dbFlag?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  log?: Logger
  clock?: Clock
}

/** Resolves region names and codes against the gazetteer, for config validation. */
export const gazetteerResolver: RegionResolver = (q) => {
  const r = loadGazetteer().resolve(q)
  return { match: r.match, candidates: r.candidates, via: r.via }
}

export function createContext(opts: ContextOptions = {}): AppContext {
  const loaded = loadConfig({ ...opts, resolveRegion: gazetteerResolver })
  let store: SqliteStore | undefined
  return {
    ...loaded,
    log: opts.log ?? createLogger('info'),
    clock: opts.clock ?? systemClock,
    store(o?: OpenOptions) {
      store ??= SqliteStore.open(loaded.dbPath, o)
      return store
    },
    gazetteer: loadGazetteer,
    close() {
      store?.close()
    },
  }
}
