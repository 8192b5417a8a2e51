/**
 * `yuqing export`: streams stored mentions back in the interchange schema (JSONL or CSV), so
 * that export → import round-trips exactly.
 */
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { once } from 'node:events'
import { stringify } from 'csv-stringify/sync'
import { UsageError } from '../core/errors.js'
import { INTERCHANGE_FIELDS } from '../core/mention.js'
import { parseBound } from '../core/time.js'
import type { MentionFilter, SqliteStore } from '../store/sqlite.js'
import type { AppContext } from './context.js'

export interface ExportRequest {
  format: 'jsonl' | 'csv'
  from?: string
  to?: string
  /** Region codes or names. */
  regions?: string[]
  sources?: string[]
  /** File to write; stdout when absent. */
  out?: string
}

/** Turns user filter strings into a store filter. Throws UsageError naming what to fix. */
export function buildFilter(ctx: Pick<AppContext, 'config' | 'gazetteer'>, req: Omit<ExportRequest, 'format' | 'out'>): MentionFilter {
  const tz = ctx.config.report.timezone
  const f: MentionFilter = {}
  if (req.from) {
    const d = parseBound(req.from, tz, false)
    if (!d) throw new UsageError(`--from ${JSON.stringify(req.from)} is not a date`, 'use YYYY-MM-DD (a local day) or ISO 8601 with offset')
    f.from = d
  }
  if (req.to) {
    const d = parseBound(req.to, tz, true)
    if (!d) throw new UsageError(`--to ${JSON.stringify(req.to)} is not a date`, 'use YYYY-MM-DD (that day is included) or ISO 8601 with offset')
    f.to = d
  }
  if (f.from && f.to && f.from >= f.to) throw new UsageError('--from is not before --to', 'swap them')
  if (req.regions?.length) {
    f.regions = req.regions.map((r) => {
      const res = ctx.gazetteer().resolve(r)
      if (!res.match) throw new UsageError(`--region ${JSON.stringify(r)} is ${res.candidates.length && res.via !== 'suggestion' ? 'ambiguous' : 'unknown'}`, 'pass a 6-digit code (find it with `yuqing regions search`)')
      return res.match.code
    })
  }
  if (req.sources?.length) f.sources = req.sources
  return f
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain')
}

function csvCell(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** Writes the filtered mentions to `out`; returns the row count. */
export async function writeMentions(store: SqliteStore, out: Writable, format: 'jsonl' | 'csv', filter: MentionFilter): Promise<number> {
  let rows = 0
  let buf = ''
  const columns = format === 'csv' ? [...INTERCHANGE_FIELDS, ...store.extraKeys(filter).filter((k) => !(INTERCHANGE_FIELDS as readonly string[]).includes(k))] : []
  if (format === 'csv') buf += stringify([columns])
  for (const rec of store.exportMentions(filter)) {
    rows++
    buf += format === 'jsonl' ? JSON.stringify(rec) + '\n' : stringify([columns.map((c) => csvCell(rec[c]))])
    if (buf.length > 1 << 16) {
      await write(out, buf)
      buf = ''
    }
  }
  if (buf) await write(out, buf)
  return rows
}

export async function exportMentions(ctx: AppContext, req: ExportRequest): Promise<{ rows: number; file: string | null; format: string }> {
  const filter = buildFilter(ctx, req)
  const store = ctx.store()
  if (!req.out) {
    const rows = await writeMentions(store, process.stdout, req.format, filter)
    return { rows, file: null, format: req.format }
  }
  const out = createWriteStream(req.out)
  const rows = await writeMentions(store, out, req.format, filter)
  out.end()
  await once(out, 'close')
  return { rows, file: req.out, format: req.format }
}
