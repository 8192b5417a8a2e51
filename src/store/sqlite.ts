/**
 * The SQLite store: the only file that imports better-sqlite3 (loaded on first open, so
 * `--help` never pays for the native addon). Prepared statements only; every write path is a
 * transaction, so a killed process leaves the database consistent (WAL mode).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { StoreError, errorMessage } from '../core/errors.js'
import { parseIsoWithOffset, type MentionInput, INTERCHANGE_FIELDS } from '../core/mention.js'
import { canonicalUrl } from '../core/url.js'
import { P, prepareMention, type PreparedMention } from './prepare.js'
import { adjacencyFilterSql, compilePlainQuery, indexTokens, termsHoldFunction, textHasFunction } from './fts-tokens.js'
import { Rollups, registerRollupFunctions } from './rollups.js'
import { AlertStore } from './alerts.js'
import { JobStore } from './jobs.js'
import { LATEST_VERSION, MIGRATIONS } from './migrations.js'

type Database = BetterSqlite3.Database
type Statement = BetterSqlite3.Statement

let driver: typeof BetterSqlite3 | undefined
function loadDriver(): typeof BetterSqlite3 {
  if (!driver) {
    try {
      driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
    } catch (err) {
      throw new StoreError(
        `cannot load better-sqlite3: ${errorMessage(err).split('\n')[0]}`,
        'rebuild the native addon with `npm rebuild better-sqlite3` (needs python3, make and g++)',
        err,
      )
    }
  }
  return driver
}

/** SQLite version and whether FTS5 works, for `yuqing doctor`. */
export function sqliteCapabilities(): { version: string; fts5: boolean } {
  const Db = loadDriver()
  const db = new Db(':memory:')
  try {
    const version = (db.prepare('select sqlite_version() as v').get() as { v: string }).v
    let fts5 = true
    try {
      db.exec("create virtual table t using fts5(x, tokenize='unicode61'); insert into t values('宝安 安区'); ")
      fts5 = (db.prepare("select count(*) as n from t where t match '宝安'").get() as { n: number }).n === 1
    } catch {
      fts5 = false
    }
    return { version, fts5 }
  } finally {
    db.close()
  }
}

export interface OpenOptions {
  /** Apply pending migrations on open (default true). `db status` opens without. */
  migrate?: boolean
  readonly?: boolean
  /** Milliseconds to wait for a lock held by another process (default 10 s). */
  busyTimeoutMs?: number
}

export interface UpsertOutcome {
  status: 'inserted' | 'updated' | 'unchanged' | 'rejected'
  id?: number
  reason?: string
}

export interface UpsertSummary {
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  /** One per row, in batch order (empty from a bulk writer, which reports only `refused`). */
  outcomes: UpsertOutcome[]
  /** The rows the database refused: their index in the batch and why. */
  refused: Array<{ index: number; reason: string }>
}

/** See SqliteStore.bulkWriter. */
export interface BulkWriter {
  /** Writes a batch into the open transaction (opening one if needed); may commit. */
  write(batch: PreparedMention[], fetchedAt?: Date): UpsertSummary
  /** Commits what is open and ends the session. */
  finish(): void
  /** Rolls back what is not committed and ends the session. */
  abort(): void
}

export interface MentionFilter {
  /** Inclusive lower bound on published_at. */
  from?: Date
  /** Exclusive upper bound on published_at. */
  to?: Date
  regions?: string[]
  sources?: string[]
}

/** What the analysis pipeline reads of a stored mention. */
export interface MentionForAnalysis {
  id: number
  title: string | null
  text: string
  extraJson: string | null
}

/** One mention's analysis as stored (analyses + mention_regions). */
export interface StoredAnalysis {
  mentionId: number
  version: string
  sentiment: { score: number; label: 'pos' | 'neu' | 'neg'; confidence: number }
  keywords: ReadonlyArray<{ word: string; weight: number }>
  topics: readonly string[]
  simhash: string | null
  clusterId: number | null
  regions: ReadonlyArray<{ code: string; evidence: string; confidence: number }>
}

/** A stored mention in the interchange shape (what export writes). */
export type InterchangeRecord = Record<string, unknown>

interface MentionRow {
  id: number
  source: string
  platform_id: string | null
  url: string | null
  title: string | null
  text: string
  author_id: string | null
  author_name: string | null
  author_followers: number | null
  author_verified: number | null
  published_at: string
  published_raw: string | null
  reposts: number | null
  comments: number | null
  likes: number | null
  extra_json: string | null
}

/** The columns of a MentionRow. */
const MENTION_COLUMNS = `id, source, platform_id, url, title, text, author_id, author_name, author_followers, author_verified, published_at,
  published_raw, reposts, comments, likes, extra_json`

const SQL = {
  bySourcePid: 'select id, content_hash from mentions where source = ? and platform_id = ?',
  byUrl: 'select id, content_hash from mentions where canonical_url = ?',
  // (RETURNING would be neater but makes the following FTS insert ~3x slower in better-sqlite3.)
  // Bulk inserts bind 18 values per row; the three timestamps are the same for a whole batch and
  // are written into the statement (see insertStmt), which saves converting them per row.
  insert: `insert into mentions (source, platform_id, url, canonical_url, title, text, author_id, author_name,
      author_followers, author_verified, published_at, published_raw, reposts, comments, likes, extra_json, raw_json,
      content_hash, fetched_at, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, $NOW, $NOW, $NOW)
    on conflict do nothing`,
  update: `update mentions set platform_id = coalesce(platform_id, ?), url = ?,
      canonical_url = coalesce(?, canonical_url), title = ?, text = ?, author_id = ?, author_name = ?,
      author_followers = ?, author_verified = ?, published_at = ?, published_raw = ?,
      reposts = ?, comments = ?, likes = ?, extra_json = ?, raw_json = coalesce(?, raw_json),
      content_hash = ?, fetched_at = ?, updated_at = ?
    where id = ?`,
  ftsDelete: 'delete from mentions_fts where rowid = ?',
  ftsInsert: 'insert into mentions_fts (rowid, title, text) values (?, ?, ?)',
} as const

/** The expression of the mentions_published_day index (migration 3): the UTC day of published_at. */
const PUBLISHED_DAY = (alias: string) => `substr(${alias}.published_at, 1, 10)`

/** SQL conditions on mentions aliased `m` for a time range, sources and regions (prepared-statement params). */
export function mentionFilterClauses(f: MentionFilter): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = []
  const params: unknown[] = []
  if (f.from || f.to) {
    const range = publishedRangeSql(f.from, f.to, 'm')
    clauses.push(range.sql)
    params.push(...range.params)
  }
  if (f.sources?.length) {
    clauses.push(`m.source in (${f.sources.map(() => '?').join(',')})`)
    params.push(...f.sources)
  }
  if (f.regions?.length) {
    clauses.push(`exists (select 1 from mention_regions r where r.mention_id = m.id and r.region_code in (${f.regions.map(() => '?').join(',')}))`)
    params.push(...f.regions)
  }
  return { clauses, params }
}

/**
 * SQL for `from <= published_at < to` (either bound optional) that SQLite answers from the
 * mentions_published_day index: the days as an index range, the exact times as a filter.
 * Every query on a time range of mentions goes through here.
 */
export function publishedRangeSql(from: Date | undefined, to: Date | undefined, alias = 'mentions'): { sql: string; params: string[] } {
  const day = PUBLISHED_DAY(alias)
  const clauses: string[] = []
  const params: string[] = []
  if (from) {
    const iso = from.toISOString()
    clauses.push(`${day} >= ?`, `${alias}.published_at >= ?`)
    params.push(iso.slice(0, 10), iso)
  }
  if (to) {
    const iso = to.toISOString()
    clauses.push(`${day} <= ?`, `${alias}.published_at < ?`)
    params.push(iso.slice(0, 10), iso)
  }
  return { sql: clauses.length ? clauses.join(' and ') : '1', params }
}

/** Publication order (then id) that the day index delivers day by day; only a day's rows are sorted. */
const PUBLISHED_ORDER = `${PUBLISHED_DAY('m')}, m.published_at, m.id`

/** Runs `f`, retrying for up to `ms` while SQLite answers SQLITE_BUSY (sleeping 10–50 ms between tries). */
function withBusyRetry<T>(f: () => T, ms: number): T {
  const end = Date.now() + ms
  for (let wait = 10; ; wait = Math.min(50, wait * 2)) {
    try {
      return f()
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > end) throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait)
    }
  }
}

/** Checksum of a migration's SQL, recorded to notice edited migrations. */
function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16)
}

export class SqliteStore {
  readonly db: Database
  readonly path: string
  private stmts = new Map<string, Statement>()
  private insertFor: { now: string; stmt: Statement } | undefined

  private constructor(db: Database, file: string) {
    this.db = db
    this.path = file
  }

  /** Opens (creating if needed) the database file, sets pragmas and, by default, migrates. */
  static open(file: string, opts: OpenOptions = {}): SqliteStore {
    const Db = loadDriver()
    if (file !== ':memory:' && !opts.readonly) {
      try {
        mkdirSync(path.dirname(file), { recursive: true })
      } catch (err) {
        throw new StoreError(`cannot create the database directory for ${file}: ${errorMessage(err)}`, 'check the path and permissions, or pass --db')
      }
    }
    let db: Database
    try {
      db = new Db(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`)
      if (!opts.readonly) {
        // Switching a new file to WAL needs an exclusive lock and SQLite does not wait for it
        // (no busy handler): two processes opening a fresh database at once retry here.
        withBusyRetry(() => db.pragma('journal_mode = WAL'), opts.busyTimeoutMs ?? 10_000)
        db.pragma('synchronous = NORMAL')
      }
      db.pragma('cache_size = -65536') // 64 MiB: keeps index pages hot during bulk upserts
      if (!opts.readonly) db.pragma('wal_autocheckpoint = 10000') // fewer re-copies of hot FTS pages during bulk writes
      db.pragma('foreign_keys = ON')
      registerFunctions(db)
      // Probe: fails here, not later, on a file that is not a database.
      db.prepare('select count(*) from sqlite_schema').get()
    } catch (err) {
      throw new StoreError(`cannot open database ${file}: ${errorMessage(err)}`, 'check that the file is a yuqing SQLite database and is writable, or pass --db')
    }
    const store = new SqliteStore(db, file)
    if (opts.migrate ?? !opts.readonly) store.migrate()
    else store.assertNotNewer()
    return store
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  private alertStore: AlertStore | undefined
  /** The alert tables, and the reads the alert rules need. */
  alerts(): AlertStore {
    this.alertStore ??= new AlertStore(this.db)
    return this.alertStore
  }

  private rollupStore: Rollups | undefined
  /** The ingest-maintained rollups (rollups.ts). */
  rollups(): Rollups {
    this.rollupStore ??= new Rollups(this.db)
    return this.rollupStore
  }

  private jobStore: JobStore | undefined
  /** The worker's tables: job runs, leases, heartbeats. */
  jobs(): JobStore {
    this.jobStore ??= new JobStore(this.db)
    return this.jobStore
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /** The mentions insert with `now` (a UTC ISO string we made) written in as its timestamps. */
  private insertStmt(now: string): Statement {
    if (this.insertFor?.now !== now) {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(now)) throw new Error(`not a UTC ISO time: ${now}`)
      this.insertFor = { now, stmt: this.db.prepare(SQL.insert.replaceAll('$NOW', `'${now}'`)) }
    }
    return this.insertFor.stmt
  }

  // ---------------------------------------------------------------- migrations

  private ensureMigrationTable(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  }

  private appliedVersions(): Array<{ version: number; name: string; checksum: string; applied_at: string }> {
    const exists = this.db.prepare("select 1 from sqlite_schema where type='table' and name='schema_migrations'").get()
    if (!exists) return []
    return this.db.prepare('select version, name, checksum, applied_at from schema_migrations order by version').all() as Array<{
      version: number
      name: string
      checksum: string
      applied_at: string
    }>
  }

  private assertNotNewer(): void {
    const applied = this.appliedVersions()
    const max = applied.length ? applied[applied.length - 1]!.version : 0
    if (max > LATEST_VERSION)
      throw new StoreError(
        `database ${this.path} has schema version ${max}, newer than this yuqing knows (${LATEST_VERSION})`,
        'upgrade yuqing; never open a newer database with an older version',
      )
  }

  /** Applies pending migrations, each in its own transaction. Returns the versions applied. */
  migrate(): number[] {
    this.assertNotNewer()
    this.ensureMigrationTable()
    const done = new Set(this.appliedVersions().map((r) => r.version))
    const applied: number[] = []
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue
      const run = this.db.transaction(() => {
        // Another process may have migrated while we waited for the lock.
        if (this.db.prepare('select 1 from schema_migrations where version = ?').get(m.version)) return false
        this.db.exec(m.sql)
        if (m.after === 'rebuild-fts') this.fillFts()
        // Each migration rebuilds the rollups it created (migration 7's step predates rollup_topic).
        if (m.after === 'rebuild-rollups') new Rollups(this.db).rebuild(['day', 'cluster'])
        if (m.after === 'rebuild-topic-rollup') new Rollups(this.db).rebuild(['topic'])
        if (m.after === 'rebuild-story-region-rollups') new Rollups(this.db).rebuild(['region', 'story'])
        this.db
          .prepare('insert into schema_migrations (version, name, checksum, applied_at) values (?, ?, ?, ?)')
          .run(m.version, m.name, checksum(m.sql), new Date().toISOString())
        return true
      })
      try {
        if (run.immediate()) applied.push(m.version)
      } catch (err) {
        throw new StoreError(`migration ${m.version} (${m.name}) failed: ${errorMessage(err)}`, 'the database was left at the previous version; report this with `yuqing db status`', err)
      }
    }
    return applied
  }

  /** Schema version, pending migrations and edited ones. */
  status(): {
    path: string
    version: number
    latest: number
    pending: Array<{ version: number; name: string }>
    applied: Array<{ version: number; name: string; appliedAt: string; modified: boolean }>
  } {
    const applied = this.appliedVersions()
    const known = new Map(MIGRATIONS.map((m) => [m.version, m]))
    const have = new Set(applied.map((a) => a.version))
    return {
      path: this.path,
      version: applied.length ? applied[applied.length - 1]!.version : 0,
      latest: LATEST_VERSION,
      pending: MIGRATIONS.filter((m) => !have.has(m.version)).map((m) => ({ version: m.version, name: m.name })),
      applied: applied.map((a) => ({
        version: a.version,
        name: a.name,
        appliedAt: a.applied_at,
        modified: known.has(a.version) && checksum(known.get(a.version)!.sql) !== a.checksum,
      })),
    }
  }

  // ---------------------------------------------------------------- maintenance

  /** Row counts and sizes. */
  stats(): {
    path: string
    sizeBytes: number
    walBytes: number
    tables: Record<string, number>
    bySource: Array<{ source: string; mentions: number; first: string | null; last: string | null }>
  } {
    const tables: Record<string, number> = {}
    for (const t of ['mentions', 'mention_regions', 'analyses', 'crawl_runs', 'job_runs', 'alerts'])
      tables[t] = (this.stmt(`select count(*) as n from ${t}`).get() as { n: number }).n
    const bySource = this.stmt(
      'select source, count(*) as mentions, min(published_at) as first, max(published_at) as last from mentions group by source order by mentions desc',
    ).all() as Array<{ source: string; mentions: number; first: string | null; last: string | null }>
    const size = (f: string) => {
      try {
        return statSync(f).size
      } catch {
        return 0
      }
    }
    return {
      path: this.path,
      sizeBytes: this.path === ':memory:' ? 0 : size(this.path),
      walBytes: this.path === ':memory:' ? 0 : size(this.path + '-wal'),
      tables,
      bySource,
    }
  }

  /** integrity_check, foreign_key_check, the FTS index and the identity invariants. */
  check(): { ok: boolean; problems: string[] } {
    const problems: string[] = []
    const integrity = this.db.prepare('pragma integrity_check').all() as Array<{ integrity_check: string }>
    for (const r of integrity) if (r.integrity_check !== 'ok') problems.push(`integrity_check: ${r.integrity_check}`)
    const fks = this.db.prepare('pragma foreign_key_check').all() as Array<{ table: string; rowid: number; parent: string }>
    for (const r of fks.slice(0, 20)) problems.push(`foreign_key_check: ${r.table} row ${r.rowid} points to a missing ${r.parent}`)
    if (fks.length > 20) problems.push(`foreign_key_check: … and ${fks.length - 20} more`)
    if (!this.db.readonly) {
      // FTS5's own structure check is a write-shaped command; a read-only handle skips it.
      try {
        this.db.prepare("insert into mentions_fts(mentions_fts, rank) values('integrity-check', 0)").run()
      } catch (err) {
        problems.push(`full-text index: ${errorMessage(err)} (rebuild with \`yuqing db vacuum\`)`)
      }
    }
    const ftsRows = (this.db.prepare('select count(*) as n from mentions_fts').get() as { n: number }).n
    const mentions = (this.db.prepare('select count(*) as n from mentions').get() as { n: number }).n
    if (ftsRows !== mentions) problems.push(`full-text index has ${ftsRows} rows for ${mentions} mentions (rebuild with \`yuqing db vacuum\`)`)
    const dups = this.db
      .prepare('select source, platform_id, count(*) as n from mentions where platform_id is not null group by 1, 2 having n > 1 limit 5')
      .all() as Array<{ source: string; platform_id: string; n: number }>
    for (const d of dups) problems.push(`duplicate mention ${d.source}/${d.platform_id} ×${d.n}`)
    return { ok: problems.length === 0, problems }
  }

  /** Routine upkeep (the worker's maintenance job): quick_check, PRAGMA optimize, a WAL checkpoint. */
  maintain(): { quickCheck: string; walPagesCheckpointed: number; rollupRowsPruned: number } {
    const rollupRowsPruned = this.rollups().prune()
    const qc = (this.db.prepare('pragma quick_check').all() as Array<{ quick_check: string }>).map((r) => r.quick_check)
    this.db.pragma('optimize')
    const cp = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ checkpointed: number }>
    return { quickCheck: qc.join('; '), walPagesCheckpointed: cp[0]?.checkpointed ?? 0, rollupRowsPruned }
  }

  /** Rebuilds the full-text index if it drifted, then VACUUM and ANALYZE. */
  vacuum(): { beforeBytes: number; afterBytes: number; ftsRebuilt: boolean } {
    const before = this.stats().sizeBytes
    const ftsRows = (this.db.prepare('select count(*) as n from mentions_fts').get() as { n: number }).n
    const mentions = (this.db.prepare('select count(*) as n from mentions').get() as { n: number }).n
    let ftsRebuilt = false
    if (ftsRows !== mentions) {
      this.rebuildFts()
      ftsRebuilt = true
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.exec('VACUUM')
    this.db.exec('ANALYZE')
    return { beforeBytes: before, afterBytes: this.stats().sizeBytes, ftsRebuilt }
  }

  /** Re-creates the full-text index from the mentions table, in one transaction. */
  rebuildFts(): void {
    this.db.transaction(() => {
      this.db.prepare("insert into mentions_fts(mentions_fts) values('delete-all')").run()
      this.fillFts()
    })()
  }

  /** Indexes every mention into an empty full-text index (inside the caller's transaction). */
  private fillFts(): void {
    const ins = this.db.prepare('insert into mentions_fts (rowid, title, text) values (?, ?, ?)')
    // Read in id-ordered chunks: better-sqlite3 cannot write while an iterator is open.
    const chunk = this.db.prepare('select id, title, text from mentions where id > ? order by id limit 2000')
    let last = 0
    for (;;) {
      const rows = chunk.all(last) as Array<{ id: number; title: string | null; text: string }>
      if (rows.length === 0) break
      for (const r of rows) ins.run(r.id, indexTokens(r.title), indexTokens(r.text))
      last = rows[rows.length - 1]!.id
    }
  }

  /** Online backup (SQLite backup API) to a new file; safe while others write. */
  async backup(dest: string): Promise<{ path: string; bytes: number; pages: number }> {
    mkdirSync(path.dirname(path.resolve(dest)), { recursive: true })
    const res = await this.db.backup(dest)
    return { path: path.resolve(dest), bytes: statSync(dest).size, pages: res.totalPages }
  }

  // ---------------------------------------------------------------- mentions

  /**
   * Inserts or updates a batch of mentions in one transaction. Identity: (source, platformId),
   * else canonical URL. A row whose content hash is unchanged is not written. A row that cannot
   * be stored is reported as rejected and does not affect the others.
   */
  upsertMentions(batch: MentionInput[], fetchedAt: Date = new Date()): UpsertSummary {
    return this.upsertPrepared(batch.map(prepareMention), fetchedAt)
  }

  /** As upsertMentions, for mentions already prepared (e.g. on an import worker thread). */
  upsertPrepared(batch: PreparedMention[], fetchedAt: Date = new Date()): UpsertSummary {
    let summary: UpsertSummary | undefined
    try {
      this.db.transaction(() => (summary = this.upsertRows(batch, fetchedAt.toISOString(), true))).immediate()
    } catch (err) {
      throw new StoreError(`writing ${batch.length} mentions failed, nothing of the batch was stored: ${errorMessage(err)}`, 'check disk space and that no other process holds the database', err)
    }
    return summary!
  }

  /**
   * A bulk write session (imports): batches go into one open transaction that is committed
   * every `commitRows` rows or `commitMs` milliseconds, whichever comes first. Far fewer commits
   * than one per batch (each rewrites every index page the batch touched), with a larger page
   * cache for the session; a kill loses only the uncommitted rows, which re-running the same
   * import writes again. Call finish() at the end, or abort() to roll back the open part.
   */
  bulkWriter(opts: { commitRows?: number; commitMs?: number; cacheMiB?: number } = {}): BulkWriter {
    const commitRows = opts.commitRows ?? 50_000
    const commitMs = opts.commitMs ?? 2_000
    const db = this.db
    const cacheBefore = db.pragma('cache_size', { simple: true }) as number
    const checkpointBefore = db.pragma('wal_autocheckpoint', { simple: true }) as number
    db.pragma(`cache_size = -${(opts.cacheMiB ?? 256) * 1024}`)
    // Checkpoint every ~400 MB of WAL instead of ~40 MB: index pages that every commit dirties
    // are copied into the database file 10x less often (~15% of a bulk import's write time).
    db.pragma('wal_autocheckpoint = 100000')
    let open = false
    let pendingRows = 0
    let openedAt = 0
    let closed = false
    // A commit the idle timer attempted and that failed: reported by the next call.
    let deferred: unknown
    let idleTimer: NodeJS.Timeout | undefined
    const fail = (err: unknown, what: string, unwritten = 0): never => {
      const lost = pendingRows + unwritten
      if (db.inTransaction) db.exec('ROLLBACK')
      open = false
      pendingRows = 0
      throw new StoreError(`${what} failed, the ${lost} mentions written since the last commit were not stored: ${errorMessage(err)}`, 'check disk space and that no other process holds the database; re-running the same import resumes', err)
    }
    const commit = () => {
      clearTimeout(idleTimer)
      if (!open) return
      try {
        db.exec('COMMIT')
      } catch (err) {
        fail(err, 'commit')
      }
      open = false
      pendingRows = 0
    }
    // When no batch follows (a slow producer, stdin), commit anyway once commitMs has passed:
    // the transaction must not hold the write lock, or leave rows uncommitted, while we wait.
    const armIdleCommit = () => {
      clearTimeout(idleTimer)
      if (!open) return
      idleTimer = setTimeout(
        () => {
          try {
            commit()
          } catch (err) {
            deferred = err
          }
        },
        Math.max(0, commitMs - (Date.now() - openedAt)),
      )
      idleTimer.unref()
    }
    const raiseDeferred = () => {
      if (deferred === undefined) return
      const err = deferred
      deferred = undefined
      throw err
    }
    const restore = () => {
      clearTimeout(idleTimer)
      if (closed) return
      closed = true
      if (!db.open) return
      db.pragma(`cache_size = ${cacheBefore}`)
      db.pragma(`wal_autocheckpoint = ${checkpointBefore}`)
    }
    return {
      write: (batch, fetchedAt = new Date()) => {
        if (closed) throw new Error('bulk writer is closed')
        raiseDeferred()
        // A transaction never holds more than commitRows rows unless one batch alone does.
        if (open && pendingRows + batch.length > commitRows) commit()
        if (!open) {
          try {
            db.exec('BEGIN IMMEDIATE')
          } catch (err) {
            throw new StoreError(`cannot start writing: ${errorMessage(err)}`, 'another process holds the database for writing; try again', err)
          }
          open = true
          openedAt = Date.now()
        }
        let summary: UpsertSummary
        try {
          summary = this.upsertRows(batch, fetchedAt.toISOString(), false)
        } catch (err) {
          return fail(err, `writing ${batch.length} mentions`, batch.length)
        }
        pendingRows += batch.length
        if (pendingRows >= commitRows || Date.now() - openedAt >= commitMs) commit()
        else armIdleCommit()
        return summary
      },
      finish: () => {
        try {
          raiseDeferred()
          commit()
          // Leave the WAL as a normal session would (the import pays for its own checkpoint).
          if (!this.db.readonly && this.path !== ':memory:') db.pragma('wal_checkpoint(PASSIVE)')
        } finally {
          restore()
        }
      },
      abort: () => {
        try {
          deferred = undefined
          if (open && db.open && db.inTransaction) db.exec('ROLLBACK')
          open = false
        } finally {
          restore()
        }
      },
    }
  }

  /** Upserts rows one by one inside the caller's transaction; a refused row does not stop the rest. */
  private upsertRows(batch: PreparedMention[], now: string, withOutcomes: boolean): UpsertSummary {
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, outcomes: [], refused: [] }
    for (let i = 0; i < batch.length; i++) {
      let outcome: UpsertOutcome
      try {
        outcome = this.upsertOne(batch[i]!, now)
      } catch (err) {
        // A row-level refusal undoes only that statement; an error that ended the transaction
        // (disk full, I/O) must stop the batch, or the next rows would commit one by one.
        if (!this.db.inTransaction) throw err
        outcome = { status: 'rejected', reason: `database refused the row: ${errorMessage(err)}` }
      }
      summary[outcome.status]++
      if (withOutcomes) summary.outcomes.push(outcome)
      if (outcome.status === 'rejected') summary.refused.push({ index: i, reason: outcome.reason ?? 'rejected by the database' })
    }
    return summary
  }

  private upsertOne(p: PreparedMention, now: string): UpsertOutcome {
    type Found = { id: number; content_hash: string } | undefined
    // Insert first: most rows of a crawl or bulk import are new. A conflict on either identity
    // (source + platform id, canonical URL) means the mention exists; then look it up.
    const title = p[P.titleTokens]
    const text = p[P.textTokens]
    // Arguments, not an array: better-sqlite3 reads an array's elements through property lookups.
    const info = this.insertStmt(now).run(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17])
    if (info.changes === 1) {
      const id = Number(info.lastInsertRowid)
      this.stmt(SQL.ftsInsert).run(id, title, text)
      return { status: 'inserted', id }
    }
    const platformId = p[P.platformId] as string | null
    const canonical = p[P.canonicalUrl] as string | null
    let target: Found = platformId === null ? undefined : (this.stmt(SQL.bySourcePid).get(p[P.source], platformId) as Found)
    if (!target && canonical !== null) target = this.stmt(SQL.byUrl).get(canonical) as Found
    if (!target) return { status: 'rejected', reason: 'database refused the row (constraint)' }
    if (target.content_hash === p[P.contentHash]) return { status: 'unchanged', id: target.id }
    if (canonical !== null) {
      const other = this.stmt(SQL.byUrl).get(canonical) as Found
      if (other && other.id !== target.id)
        return { status: 'rejected', reason: `platformId matches mention ${target.id} but url matches mention ${other.id}` }
    }
    this.rollups().apply([target.id], -1)
    this.stmt(SQL.update).run(...p.slice(P.platformId, P.contentHash + 1), now, now, target.id)
    this.rollups().apply([target.id], 1)
    this.stmt(SQL.ftsDelete).run(target.id)
    this.stmt(SQL.ftsInsert).run(target.id, title, text)
    return { status: 'updated', id: target.id }
  }

  private filterSql(f: MentionFilter): { where: string; params: unknown[] } {
    const { clauses, params } = mentionFilterClauses(f)
    return { where: clauses.length ? `where ${clauses.join(' and ')}` : '', params }
  }


  /** Keys of `extra` fields present in the filtered mentions (CSV export needs its columns up front). */
  extraKeys(f: MentionFilter = {}): string[] {
    const { where, params } = this.filterSql(f)
    const rows = this.db
      .prepare(`select distinct j.key as k from mentions m, json_each(m.extra_json) j ${where} ${where ? 'and' : 'where'} m.extra_json is not null order by 1`)
      .all(...params) as Array<{ k: string }>
    return rows.map((r) => r.k)
  }

  /** Streams mentions in the interchange shape, ordered by publication time then id. */
  *exportMentions(f: MentionFilter = {}): Generator<InterchangeRecord> {
    const { where, params } = this.filterSql(f)
    const stmt = this.db.prepare(
      `select ${MENTION_COLUMNS} from mentions m ${where} order by ${PUBLISHED_ORDER}`,
    )
    for (const r of stmt.iterate(...params) as Iterable<MentionRow>) yield toInterchange(r)
  }

  // ---------------------------------------------------------------- analyses

  /**
   * The next mentions to analyse, in id order after `afterId`: those with no analysis or one made
   * by another pipeline version. Re-running after an interruption continues where it stopped,
   * because rows already done carry the current version.
   */
  mentionsToAnalyze(opts: { afterId: number; version: string; limit: number; from?: Date }): MentionForAnalysis[] {
    const range = opts.from ? publishedRangeSql(opts.from, undefined, 'm') : undefined
    return this.stmt(
      `select m.id, m.title, m.text, m.extra_json as extraJson from mentions m left join analyses a on a.mention_id = m.id
        where m.id > ? and (a.mention_id is null or a.model_version <> ?) ${range ? `and ${range.sql}` : ''}
        order by m.id limit ?`,
    ).all(opts.afterId, opts.version, ...(range?.params ?? []), opts.limit) as MentionForAnalysis[]
  }

  /** How many mentions still need analysis by `version` (optionally published since `from`). */
  countToAnalyze(version: string, from?: Date): number {
    const range = from ? publishedRangeSql(from, undefined, 'm') : undefined
    return (
      this.stmt(
        `select count(*) as n from mentions m left join analyses a on a.mention_id = m.id
          where (a.mention_id is null or a.model_version <> ?) ${range ? `and ${range.sql}` : ''}`,
      ).get(version, ...(range?.params ?? [])) as { n: number }
    ).n
  }

  /** Stores analyses and region attributions, replacing earlier ones, in one transaction. */
  saveAnalyses(rows: readonly StoredAnalysis[], at: Date = new Date()): void {
    const now = at.toISOString()
    const up = this.stmt(`insert into analyses (mention_id, sentiment_score, sentiment_label, sentiment_confidence, model_version,
        keywords_json, topics_json, simhash, cluster_id, analyzed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (mention_id) do update set sentiment_score = excluded.sentiment_score, sentiment_label = excluded.sentiment_label,
        sentiment_confidence = excluded.sentiment_confidence, model_version = excluded.model_version, keywords_json = excluded.keywords_json,
        topics_json = excluded.topics_json, simhash = excluded.simhash, cluster_id = excluded.cluster_id, analyzed_at = excluded.analyzed_at`)
    const del = this.stmt('delete from mention_regions where mention_id = ?')
    const ins = this.stmt('insert into mention_regions (mention_id, region_code, evidence, confidence) values (?, ?, ?, ?)')
    const ids = rows.map((r) => r.mentionId)
    this.db.transaction(() => {
      this.rollups().apply(ids, -1)
      for (const r of rows) {
        up.run(r.mentionId, r.sentiment.score, r.sentiment.label, r.sentiment.confidence, r.version, JSON.stringify(r.keywords), JSON.stringify(r.topics), r.simhash, r.clusterId, now)
        del.run(r.mentionId)
        for (const g of r.regions) ins.run(r.mentionId, g.code, g.evidence, g.confidence)
      }
      this.rollups().apply(ids, 1)
    }).immediate()
  }

  /** Recent fingerprints (newest `limit` analysed mentions), to seed near-duplicate clustering. */
  recentFingerprints(limit: number): Array<{ id: number; simhash: string; clusterId: number | null }> {
    return this.stmt(
      `select mention_id as id, simhash, cluster_id as clusterId from analyses where simhash is not null order by mention_id desc limit ?`,
    ).all(limit) as Array<{ id: number; simhash: string; clusterId: number | null }>
  }

  /** Mention ids whose title or text contains every term of a plain query (see fts-tokens.ts). */
  searchIds(query: string, limit = 50): number[] {
    const q = compilePlainQuery(query)
    if (!q) return []
    const filter = adjacencyFilterSql(q.terms, 'm.title', 'm.text')
    if (!filter)
      return this.stmt('select rowid from mentions_fts where mentions_fts match ? order by rowid desc limit ?').pluck().all(q.match, limit) as number[]
    // The index has no positions: keep the candidates whose terms' tokens are adjacent.
    return this.stmt(
      `select f.rowid from mentions_fts f join mentions m on m.id = f.rowid
        where mentions_fts match ? and ${filter.sql} order by f.rowid desc limit ?`,
    )
      .pluck()
      .all(q.match, ...filter.params, limit) as number[]
  }

  // ---------------------------------------------------------------- crawl runs

  /** Records the start of a crawl of one source; returns the run id. */
  startCrawlRun(source: string, query: unknown, at: Date): number {
    const info = this.stmt(`insert into crawl_runs (source, query, started_at, status) values (?, ?, ?, 'running')`).run(source, JSON.stringify(query), at.toISOString())
    return Number(info.lastInsertRowid)
  }

  /** Updates a running crawl's counts and resume cursor (each page, after its mentions commit). */
  updateCrawlRun(id: number, c: CrawlRunCounts, cursor: unknown): void {
    this.stmt(`update crawl_runs set pages = ?, fetched = ?, inserted = ?, updated = ?, unchanged = ?, filtered = ?, errors = ?, cursor_json = ? where id = ?`).run(c.pages, c.fetched, c.inserted, c.updated, c.unchanged, c.filtered, c.errors, JSON.stringify(cursor), id)
  }

  finishCrawlRun(id: number, status: CrawlRunStatus, at: Date, c: CrawlRunCounts, error: string | null, stopReason: string | null): void {
    this.stmt(`update crawl_runs set status = ?, finished_at = ?, pages = ?, fetched = ?, inserted = ?, updated = ?, unchanged = ?, filtered = ?, errors = ?, error = ?, stop_reason = ? where id = ?`).run(status, at.toISOString(), c.pages, c.fetched, c.inserted, c.updated, c.unchanged, c.filtered, c.errors, error, stopReason, id)
  }

  /**
   * Marks runs of `source` left 'running' by a killed process as aborted (a live crawl of the
   * same source in another process is excluded by the caller's lease); returns how many.
   */
  abortStaleCrawlRuns(source: string, at: Date): number {
    return this.stmt(`update crawl_runs set status = 'aborted', finished_at = ?, error = coalesce(error, 'interrupted (the process was killed or stopped)') where source = ? and status = 'running'`).run(at.toISOString(), source).changes
  }

  /** Start of the last run of `source` that finished ok or partial: the next run's window reaches back to it. */
  lastCompletedCrawl(source: string): Date | null {
    const r = this.stmt(`select max(started_at) as t from crawl_runs where source = ? and status in ('ok', 'partial')`).get(source) as { t: string | null }
    return r.t ? new Date(r.t) : null
  }

  crawlRuns(opts: { source?: string; limit?: number } = {}): CrawlRunRow[] {
    const rows = opts.source
      ? this.stmt(`select * from crawl_runs where source = ? order by id desc limit ?`).all(opts.source, opts.limit ?? 20)
      : this.stmt(`select * from crawl_runs order by id desc limit ?`).all(opts.limit ?? 20)
    return rows as CrawlRunRow[]
  }

  /** Whether a mention with this URL (compared canonically) is stored: crawlers skip refetching it. */
  hasUrl(url: string): boolean {
    let canonical: string
    try {
      canonical = canonicalUrl(url)
    } catch {
      return false
    }
    return this.stmt(SQL.byUrl).get(canonical) !== undefined
  }

  /**
   * The stored mentions of a source with these platform ids, as MentionInput (raw not kept),
   * by platform id: what a crawler that sees only part of a post reconciles with.
   */
  storedByPlatformId(source: string, platformIds: readonly string[]): Map<string, MentionInput> {
    const out = new Map<string, MentionInput>()
    const stmt = this.stmt(
      `select ${MENTION_COLUMNS} from mentions where source = ? and platform_id = ?`,
    )
    for (const pid of new Set(platformIds)) {
      const r = stmt.get(source, pid) as MentionRow | undefined
      if (!r) continue
      out.set(pid, {
        ...commonFields(r),
        publishedAt: new Date(r.published_at),
        publishedRaw: r.published_raw,
        reposts: r.reposts,
        comments: r.comments,
        likes: r.likes,
        extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : null,
        raw: null,
      })
    }
    return out
  }

  countMentions(): number {
    return (this.stmt('select count(*) as n from mentions').get() as { n: number }).n
  }
}

export type CrawlRunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'aborted'

export interface CrawlRunCounts {
  pages: number
  fetched: number
  inserted: number
  updated: number
  unchanged: number
  filtered: number
  errors: number
}

export interface CrawlRunRow extends CrawlRunCounts {
  id: number
  source: string
  query: string | null
  started_at: string
  finished_at: string | null
  status: CrawlRunStatus
  cursor_json: string | null
  error: string | null
  stop_reason: string | null
}

/**
 * SQL functions the store's queries use. yq_terms_hold(title, text, termsJson): whether every
 * compiled search term (fts-tokens.ts CompiledTerm[] as JSON) has its tokens adjacent in the
 * title or the text; the full-text index stores no positions, so searches check candidates.
 */
function registerFunctions(db: Database): void {
  db.function('yq_terms_hold', { deterministic: true }, termsHoldFunction())
  db.function('yq_text_has', { deterministic: true }, textHasFunction())
  registerRollupFunctions(db)
}

/** The fields a stored row gives as they are, in interchange order (source … authorVerified). */
function commonFields(r: MentionRow) {
  return {
    source: r.source,
    platformId: r.platform_id,
    url: r.url,
    title: r.title,
    text: r.text,
    authorId: r.author_id,
    authorName: r.author_name,
    authorFollowers: r.author_followers,
    authorVerified: r.author_verified === null ? null : r.author_verified === 1,
  }
}

/** A stored row in the interchange shape: every schema field (null when absent), then extras. */
function toInterchange(r: MentionRow): InterchangeRecord {
  const raw = r.published_raw
  const rawDate = raw ? parseIsoWithOffset(raw) : null
  const out: InterchangeRecord = {
    ...commonFields(r),
    // The source's own ISO string when it is one (keeps its offset), else the UTC instant.
    publishedAt: rawDate && rawDate.toISOString() === r.published_at ? raw : r.published_at,
    reposts: r.reposts,
    comments: r.comments,
    likes: r.likes,
  }
  if (r.extra_json) {
    const extra = JSON.parse(r.extra_json) as Record<string, unknown>
    for (const [k, v] of Object.entries(extra)) if (!(INTERCHANGE_FIELDS as readonly string[]).includes(k)) out[k] = v
  }
  return out
}
