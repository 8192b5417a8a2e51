/**
 * `yuqing import FILE`: streams JSONL or CSV mentions in the interchange schema into the store.
 *
 * Constant memory (a bounded number of batches in flight), a commit every --batch-size rows or
 * 2 s (a kill loses at most the uncommitted rows, and re-running the same import is idempotent), and a
 * bad row is reported with its line number, never aborting the import. Parsing runs on a worker
 * thread while the main thread writes, which roughly doubles throughput on two cores.
 * Mentions are analysed by the NLP pipeline once it exists (issue 3); today they are stored
 * and indexed for full-text search.
 */
import { createWriteStream, existsSync, statSync, type WriteStream } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Readable } from 'node:stream'
import { StoreError, UsageError, errorMessage } from '../core/errors.js'
import type { Clock } from '../core/clock.js'
import { systemClock } from '../core/clock.js'
import type { SqliteStore } from '../store/sqlite.js'
import type { PreparedMention } from '../store/prepare.js'
import { openInput, parseBatches, type ImportFormat, type ParsedBatch } from './import-parse.js'
import type { WorkerMessage, WorkerRequest } from './import-worker.js'

export type { ImportFormat } from './import-parse.js'

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
  /** Rows per transaction at most (default 50,000; a transaction also commits after `commitMs`). */
  batchSize?: number
  /** Commit at least this often (default 2,000 ms), so a kill loses little and readers see progress. */
  commitMs?: number
  /** Rejected rows kept in the summary (default 1,000); all of them go to `rejectsFile`. */
  maxErrors?: number
  /** Writes every rejected row as JSONL {line, reason, row}. */
  rejectsFile?: string
  onProgress?: (p: ImportProgress) => void
  clock?: Clock
  /** Readable to use instead of opening `file` (stdin); parsed in-thread. */
  input?: Readable
  /** Parse on a worker thread (default: true for files, when the compiled worker exists). */
  threads?: boolean
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
  if (/\.csv$/.test(f)) return 'csv'
  return null
}

// The worker runs from compiled code (dist/) even when this module runs from src/ under a test
// runner; without a build, parsing falls back to the main thread.
const WORKER = new URL('../../dist/services/import-worker.js', import.meta.url)

/** Batches parsed on a worker thread, at most `window` ahead of the consumer. */
async function* workerBatches(req: WorkerRequest): AsyncGenerator<ParsedBatch> {
  const worker = new Worker(fileURLToPath(WORKER), { workerData: req })
  const queue: WorkerMessage[] = []
  let wake: (() => void) | undefined
  let failure: Error | undefined
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m)
    wake?.()
  })
  worker.on('error', (err) => {
    failure = err
    wake?.()
  })
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`import worker exited with code ${code}`)
    queue.push({ type: 'done' })
    wake?.()
  })
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r))
      if (failure) throw failure
      const m = queue.shift()!
      if (m.type === 'done') return
      if (m.type === 'error') throw Object.assign(new Error(m.message), { code: m.code })
      yield m.batch
      worker.postMessage({ type: 'credit' })
    }
  } finally {
    await worker.terminate()
  }
}

export async function importFile(store: SqliteStore, file: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const format = opts.format ?? detectFormat(file)
  if (!format) throw new UsageError(`cannot tell the format of ${file}`, 'name it .jsonl or .csv (optionally .gz), or pass --format jsonl|csv')
  const batchSize = opts.batchSize ?? 50_000
  // Parsed batches travel in messages of at most 5,000 rows that divide a transaction evenly.
  const messageRows = Math.ceil(batchSize / Math.ceil(batchSize / 5000))
  const maxErrors = opts.maxErrors ?? 1000
  const clock = opts.clock ?? systemClock
  const keepRaw = opts.rejectsFile !== undefined
  const started = Date.now()

  let totalBytes: number | null = null
  if (!opts.input) {
    try {
      const st = statSync(file)
      if (!st.isFile()) throw new Error('not a regular file')
      totalBytes = st.size
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${errorMessage(err)}`, 'check the path')
    }
  }
  const useWorker = !opts.input && (opts.threads ?? true) && existsSync(WORKER)
  let batches: AsyncGenerator<ParsedBatch>
  if (useWorker) batches = workerBatches({ file, format, batchSize: messageRows, keepRaw, window: 4 })
  else if (opts.input) batches = parseBatches(opts.input, format, { batchSize: messageRows, keepRaw, bytesRead: () => 0 })
  else {
    const { stream, bytesRead } = openInput(file)
    batches = parseBatches(stream, format, { batchSize: messageRows, keepRaw, bytesRead })
  }

  let rejects: WriteStream | undefined
  if (opts.rejectsFile) rejects = createWriteStream(opts.rejectsFile, { flags: 'w', mode: 0o600 })

  const sum: ImportSummary = { file, format, rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [], errorsOmitted: 0, seconds: 0 }
  const reject = (line: number, reason: string, row?: unknown) => {
    sum.rejected++
    if (sum.errors.length < maxErrors) sum.errors.push({ line, reason })
    else sum.errorsOmitted++
    rejects?.write(JSON.stringify({ line, reason, row }) + '\n')
  }

  const writer = store.bulkWriter({ commitRows: batchSize, commitMs: opts.commitMs ?? 2000 })
  let finished = false
  try {
    for await (const batch of batches) {
      sum.rows += batch.rows.length
      const good: PreparedMention[] = []
      const goodAt: number[] = [] // index in batch.rows of each good row
      batch.rows.forEach((r, i) => {
        if (Array.isArray(r)) {
          good.push(r)
          goodAt.push(i)
        } else reject(batch.lines[i]!, r.error, batch.raws?.[i])
      })
      if (good.length) {
        const res = writer.write(good, clock.now())
        sum.inserted += res.inserted
        sum.updated += res.updated
        sum.unchanged += res.unchanged
        for (const { index, reason } of res.refused) reject(batch.lines[goodAt[index]!]!, reason, batch.raws?.[goodAt[index]!])
      }
      opts.onProgress?.({
        bytesRead: batch.bytesRead,
        totalBytes,
        rows: sum.rows,
        inserted: sum.inserted,
        updated: sum.updated,
        unchanged: sum.unchanged,
        rejected: sum.rejected,
      })
    }
    writer.finish()
    finished = true
  } catch (err) {
    // The input failed (a damaged .gz, an unreadable file, the parse thread): keep the rows
    // already written. A store failure has rolled back its own transaction.
    if (!finished && !(err instanceof StoreError)) {
      try {
        writer.finish()
        finished = true
      } catch {
        // the input error is the one to report
      }
    }
    if (err instanceof UsageError) throw err
    const e = err as NodeJS.ErrnoException
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR')
      throw new UsageError(`${file} is not valid gzip: ${e.message}`, 'check the file; rows before the damage were imported')
    throw err
  } finally {
    if (!finished) writer.abort()
    if (rejects) await new Promise<void>((resolve) => rejects!.end(resolve))
  }
  sum.seconds = (Date.now() - started) / 1000
  return sum
}
