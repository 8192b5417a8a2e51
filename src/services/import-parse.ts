/**
 * The parse stage of an import: bytes → lines or CSV records → validated, prepared mentions, in
 * batches. Runs on a worker thread for files (see import-worker.ts) so that parsing, hashing and
 * tokenising overlap with the SQLite writes on the main thread; or in-thread (stdin, tests).
 */
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import { errorMessage } from '../core/errors.js'
import { validateInterchange } from '../core/mention.js'
import { prepareMention, type PreparedMention } from '../store/prepare.js'

export type ImportFormat = 'jsonl' | 'csv'

/** One input row after parsing: prepared, or rejected with a reason. */
export interface ParsedRow {
  line: number
  row?: PreparedMention
  error?: string
  /** The row as read, kept only when rejected rows are written out (--rejects). */
  raw?: unknown
}

export interface ParsedBatch {
  rows: ParsedRow[]
  /** Bytes of the file read so far (compressed bytes for .gz). */
  bytesRead: number
}

interface Item {
  line: number
  value?: unknown
  error?: string
}

/** Splits a byte stream into lines (LF or CRLF) without readline's per-line overhead. */
async function* lines(input: Readable): AsyncGenerator<string> {
  let rest: Buffer | null = null
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
    let start = 0
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl
      yield buf.toString('utf8', start, end)
      start = nl + 1
    }
    rest = start < buf.length ? buf.subarray(start) : null
  }
  if (rest && rest.length) yield rest.toString('utf8').replace(/\r$/, '')
}

async function* jsonlItems(input: Readable): AsyncGenerator<Item> {
  let line = 0
  for await (const text of lines(input)) {
    line++
    const t = line === 1 ? text.replace(/^\uFEFF/, '') : text
    if (t.length === 0 || t.trim() === '') continue
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
    skip_records_with_error: true,
    info: true,
  })
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, error: `bad CSV row: ${err.message}` })
  })
  input.on('error', (err) => parser.destroy(err))
  input.pipe(parser)
  for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!
    yield { line: rec.info.lines, value: rec.record }
  }
  while (skipped.length) yield skipped.shift()!
}

/** Opens a file (decompressing .gz) and reports how many raw bytes were read. */
export function openInput(file: string): { stream: Readable; bytesRead: () => number } {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 })
  const stream = file.toLowerCase().endsWith('.gz') ? raw.pipe(createGunzip()) : raw
  if (stream !== raw) raw.on('error', (err) => stream.destroy(err))
  return { stream, bytesRead: () => raw.bytesRead }
}

/** Parses, validates and prepares rows, yielding batches of `batchSize` rows. */
export async function* parseBatches(
  input: Readable,
  format: ImportFormat,
  opts: { batchSize: number; keepRaw: boolean; bytesRead: () => number },
): AsyncGenerator<ParsedBatch> {
  let rows: ParsedRow[] = []
  const items = format === 'jsonl' ? jsonlItems(input) : csvItems(input)
  for await (const item of items) {
    if (item.error !== undefined) rows.push({ line: item.line, error: item.error })
    else {
      const v = validateInterchange(item.value)
      if (v.ok) rows.push({ line: item.line, row: prepareMention(v.mention), raw: opts.keepRaw ? item.value : undefined })
      else rows.push({ line: item.line, error: v.reason, raw: opts.keepRaw ? item.value : undefined })
    }
    if (rows.length >= opts.batchSize) {
      yield { rows, bytesRead: opts.bytesRead() }
      rows = []
    }
  }
  if (rows.length) yield { rows, bytesRead: opts.bytesRead() }
}
