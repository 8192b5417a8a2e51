/**
 * `yuqing import FILE`: streams JSONL or CSV mentions in the interchange schema into the store.
 *
 * Constant memory (one batch at a time), one transaction per batch (a kill loses at most the
 * batch in flight, and re-running the same import is idempotent), and a bad row is reported with
 * its line number, never aborting the import. Mentions are analysed by the NLP pipeline once it
 * exists (issue 3); today they are stored and indexed for full-text search.
 */
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import { UsageError, errorMessage } from '../core/errors.js'
import { validateInterchange, type MentionInput } from '../core/mention.js'
import type { Clock } from '../core/clock.js'
import { systemClock } from '../core/clock.js'
import type { SqliteStore } from '../store/sqlite.js'

export type ImportFormat = 'jsonl' | 'csv'

export interface ImportProgress {
  bytesRead: number
  totalBytes: number | null
  rows: number
  inserted: number
  updated: number
  unchanged: number
  rejected: number
}

export interface ImportOptions {
  format?: ImportFormat
  /** Rows per transaction (default 5,000). */
  batchSize?: number
  /** Rejected rows kept in the summary (default 1,000); all of them go to `rejectsFile`. */
  maxErrors?: number
  /** Writes every rejected row as JSONL {line, reason, row}. */
  rejectsFile?: string
  onProgress?: (p: ImportProgress) => void
  clock?: Clock
  /** Readable to use instead of opening `file` (stdin). */
  input?: Readable
}

export interface ImportSummary {
  file: string
  format: ImportFormat
  rows: number
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  errors: Array<{ line: number; reason: string }>
  /** Rejected rows not listed in `errors` (see --rejects). */
  errorsOmitted: number
  seconds: number
}

/** The format a file name implies. */
export function detectFormat(file: string): ImportFormat | null {
  const f = file.toLowerCase().replace(/\.gz$/, '')
  if (/\.(jsonl|ndjson|json)$/.test(f)) return 'jsonl'
  if (/\.(csv|tsv)$/.test(f)) return f.endsWith('.tsv') ? null : 'csv'
  return null
}

interface Item {
  line: number
  value?: unknown
  error?: string
}

async function* jsonlItems(input: Readable): AsyncGenerator<Item> {
  const rl = createInterface({ input, crlfDelay: Infinity })
  let line = 0
  for await (const text of rl) {
    line++
    const t = line === 1 ? text.replace(/^\uFEFF/, '') : text
    if (t.trim() === '') continue
    try {
      yield { line, value: JSON.parse(t) }
    } catch (err) {
      yield { line, error: `invalid JSON: ${errorMessage(err)}` }
    }
  }
}

async function* csvItems(input: Readable): AsyncGenerator<Item> {
  const skipped: Item[] = []
  const parser = parseCsv({
    columns: (header: string[]) => header.map((h) => h.trim()),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    skip_records_with_error: true,
    info: true,
  })
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, error: `bad CSV row: ${err.message}` })
  })
  input.pipe(parser)
  for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!
    yield { line: rec.info.lines, value: rec.record }
  }
  while (skipped.length) yield skipped.shift()!
}

export async function importFile(store: SqliteStore, file: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const format = opts.format ?? detectFormat(file)
  if (!format) throw new UsageError(`cannot tell the format of ${file}`, 'name it .jsonl or .csv (optionally .gz), or pass --format jsonl|csv')
  const batchSize = opts.batchSize ?? 5000
  const maxErrors = opts.maxErrors ?? 1000
  const clock = opts.clock ?? systemClock
  const started = Date.now()

  let totalBytes: number | null = null
  let raw: Readable & { bytesRead?: number }
  if (opts.input) raw = opts.input
  else {
    try {
      const st = statSync(file)
      if (!st.isFile()) throw new Error('not a regular file')
      totalBytes = st.size
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${errorMessage(err)}`, 'check the path')
    }
    raw = createReadStream(file, { highWaterMark: 1 << 20 })
  }
  const input: Readable = file.toLowerCase().endsWith('.gz') ? raw.pipe(createGunzip()) : raw

  let rejects: WriteStream | undefined
  if (opts.rejectsFile) rejects = createWriteStream(opts.rejectsFile, { flags: 'w' })

  const sum: ImportSummary = { file, format, rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [], errorsOmitted: 0, seconds: 0 }
  const reject = (line: number, reason: string, row?: unknown) => {
    sum.rejected++
    if (sum.errors.length < maxErrors) sum.errors.push({ line, reason })
    else sum.errorsOmitted++
    rejects?.write(JSON.stringify({ line, reason, row }) + '\n')
  }
  const progress = () =>
    opts.onProgress?.({
      bytesRead: raw.bytesRead ?? 0,
      totalBytes,
      rows: sum.rows,
      inserted: sum.inserted,
      updated: sum.updated,
      unchanged: sum.unchanged,
      rejected: sum.rejected,
    })

  let batch: MentionInput[] = []
  let lines: number[] = []
  let rows: unknown[] = []
  const flush = () => {
    if (batch.length === 0) return
    const res = store.upsertMentions(batch, clock.now())
    sum.inserted += res.inserted
    sum.updated += res.updated
    sum.unchanged += res.unchanged
    res.outcomes.forEach((o, i) => {
      if (o.status === 'rejected') reject(lines[i]!, o.reason ?? 'rejected by the database', rows[i])
    })
    batch = []
    lines = []
    rows = []
    progress()
  }

  try {
    const items = format === 'jsonl' ? jsonlItems(input) : csvItems(input)
    for await (const item of items) {
      sum.rows++
      if (item.error !== undefined) {
        reject(item.line, item.error)
        continue
      }
      const v = validateInterchange(item.value)
      if (!v.ok) {
        reject(item.line, v.reason, item.value)
        continue
      }
      batch.push(v.mention)
      lines.push(item.line)
      if (rejects) rows.push(item.value)
      if (batch.length >= batchSize) flush()
    }
    flush()
  } catch (err) {
    if (err instanceof UsageError) throw err
    const e = err as NodeJS.ErrnoException
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR')
      throw new UsageError(`${file} is not valid gzip: ${e.message}`, 'check the file; rows before the damage were imported')
    throw err
  } finally {
    if (rejects) await new Promise<void>((resolve) => rejects!.end(resolve))
  }
  sum.seconds = (Date.now() - started) / 1000
  return sum
}
