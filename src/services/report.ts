/**
 * `yuqing report daily|weekly|monthly`, the worker's report-daily job, `yuqing run` and the
 * demo: build the report model from stored rows (report/build.ts), render it in each format and
 * write the files under report.outputDir with predictable names:
 * `daily-440306-2026-12-02.html`, `weekly-440306-2026-11-30.md` (the week's last day),
 * `monthly-440306-2026-11.pdf`.
 */
import type { PdfPrinter } from '../report/pdf.js'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UsageError } from '../core/errors.js'
import { addDays } from '../core/time.js'
import type { WatchedRegion } from '../config/load.js'
import { REPORT_FORMATS, type ReportFormat, type ReportKind, type ReportModel } from '../report/model.js'
import { assembleReport, loadReportData, type ReportWindow } from '../report/build.js'
import { INDEX_VERSION } from '../index/compute.js'
import type { AppContext } from './context.js'
import { localToday, rankWindows, type RankResult } from './rank.js'

export interface ReportRequest {
  kind?: ReportKind
  /** The report's (last) day, YYYY-MM-DD in report.timezone; default yesterday. */
  date?: string
  /** Region code or name; default the config's first region. */
  region?: string
  /** Default: report.formats from the config. 'terminal' renders to `terminal`, writes no file. */
  formats?: ReportFormat[]
  /** Default: report.outputDir (relative to the config file). */
  outDir?: string
  /** Render the terminal view with colours (a TTY). */
  color?: boolean
}

export interface ReportFile {
  format: ReportFormat
  path: string
  bytes: number
}

export interface ReportResult {
  model: ReportModel
  files: ReportFile[]
  /** The terminal rendering, when 'terminal' was asked for. */
  terminal: string | null
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

function validDay(s: string): string {
  if (!DAY.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) !== s) throw new UsageError(`--date must be a date YYYY-MM-DD, got "${s}"`)
  return s
}

/** ISO weekday of a YYYY-MM-DD day, Monday 1 … Sunday 7. */
function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/**
 * The report window. daily: the day (default yesterday). weekly: Monday to the day, default the
 * last full week (Monday–Sunday). monthly: the 1st to the day, default the last full month.
 * A `date` inside a week or month gives that week or month up to the date.
 */
export function reportWindow(kind: ReportKind, date: string | undefined, today: string): ReportWindow {
  const yesterday = addDays(today, -1)
  if (kind === 'daily') {
    const d = date ? validDay(date) : yesterday
    return { kind, from: d, to: d, days: 1, label: d }
  }
  if (kind === 'weekly') {
    const to = date ? validDay(date) : addDays(today, -weekday(today))
    const from = addDays(to, 1 - weekday(to))
    return { kind, from, to, days: daysBetween(from, to), label: `${from} 至 ${to}` }
  }
  const to = date ? validDay(date) : addDays(`${today.slice(0, 8)}01`, -1)
  const from = `${to.slice(0, 8)}01`
  const full = addDays(`${addDays(from, 32).slice(0, 8)}01`, -1) === to
  const label = `${to.slice(0, 4)}年${Number(to.slice(5, 7))}月${full ? '' : `（截至 ${Number(to.slice(8, 10))} 日）`}`
  return { kind, from, to, days: daysBetween(from, to), label }
}

/** The config's region by code or name, or any gazetteer unit (then without official accounts). */
export function reportRegion(ctx: AppContext, q: string | undefined): WatchedRegion {
  if (q === undefined) {
    const first = ctx.regions[0]
    if (!first) throw new UsageError('no region to report on: the config has no regions', 'add one under regions: in yuqing.yaml, or pass --region CODE')
    return first
  }
  const watched = ctx.regions.find((r) => r.code === q || r.name === q || r.aliases.includes(q))
  if (watched) return watched
  const res = ctx.gazetteer().resolve(q)
  if (!res.match) {
    const c = res.candidates.slice(0, 5).map((r) => `${r.code} ${r.prefecture.name}${r.name}`)
    throw new UsageError(
      res.candidates.length && res.via !== 'suggestion' ? `--region ${JSON.stringify(q)} is ambiguous: ${c.join(', ')}` : `unknown region ${JSON.stringify(q)}`,
      c.length ? `pass a 6-digit code, e.g. --region ${res.candidates[0]!.code}` : 'find it with `yuqing regions search NAME`',
    )
  }
  const u = res.match
  return { code: u.code, name: u.name, prefecture: u.prefecture.name, province: u.province.name, aliases: [], keywords: [], excludeKeywords: [], officialAccounts: [] } as unknown as WatchedRegion
}

export function parseFormats(spec: string | readonly string[] | undefined, fallback: readonly string[]): ReportFormat[] {
  const list = (spec === undefined ? fallback : typeof spec === 'string' ? spec.split(',') : spec.flatMap((s) => s.split(','))).map((s) => s.trim()).filter(Boolean)
  const bad = list.find((f) => !(REPORT_FORMATS as readonly string[]).includes(f))
  if (bad !== undefined) throw new UsageError(`unknown report format "${bad}"`, `use one or more of ${REPORT_FORMATS.join(', ')}, separated by commas`)
  if (!list.length) throw new UsageError('no report format given', `use one or more of ${REPORT_FORMATS.join(', ')}`)
  return [...new Set(list)] as ReportFormat[]
}

/** Rankings by window, shared by the reports of one job run (every region is ranked from the same two). */
export type RankCache = Map<string, RankResult>

/**
 * What the reports of one run share (the daily job and `yuqing run` write one per watched
 * region): the rankings by window, and one Chromium for their PDFs, started on the first PDF
 * (a start costs ~1–2 s; each report then prints in a fresh context). close() when done.
 */
export class ReportSession {
  readonly ranks: RankCache = new Map()
  private printer: Promise<PdfPrinter> | undefined

  pdfPrinter(ctx: AppContext): Promise<PdfPrinter> {
    this.printer ??= import('../report/pdf.js')
      .then((m) => m.openReportPrinter({ executablePath: ctx.config.sources['weibo-search'].chromiumPath, env: process.env }))
      .catch((err: unknown) => {
        this.printer = undefined
        throw err
      })
    return this.printer
  }

  async close(): Promise<void> {
    const p = this.printer
    this.printer = undefined
    if (p) await (await p.catch(() => null))?.close()
  }
}

function rankOne(ctx: AppContext, cache: RankCache, w: { from: string; to: string }): RankResult {
  const key = `${w.from}..${w.to}`
  let r = cache.get(key)
  if (!r) cache.set(key, (r = rankWindows(ctx, [w])[0]!))
  return r
}

/** The rankings of both windows, computed together in one pass over the rollups when not cached. */
function rankPair(ctx: AppContext, cache: RankCache, a: { from: string; to: string }, b: { from: string; to: string }): [RankResult, RankResult] {
  const key = (w: { from: string; to: string }) => `${w.from}..${w.to}`
  const missing = [a, b].filter((w) => !cache.has(key(w)))
  if (missing.length) rankWindows(ctx, missing).forEach((r, i) => cache.set(key(missing[i]!), r))
  return [cache.get(key(a))!, cache.get(key(b))!]
}

/** Where a request's files go: --out (relative to the working directory) or report.outputDir (relative to the config). */
function reportDir(ctx: AppContext, req: Pick<ReportRequest, 'outDir'>): string {
  return path.resolve(req.outDir ? process.cwd() : ctx.baseDir, req.outDir ?? ctx.config.report.outputDir)
}

/**
 * The region's rank in the previous report of this kind, when that report's JSON is in `dir`
 * and was ranked over exactly the previous index window with this index version and these
 * weights (the daily job writes one every morning). Δrank then compares with what the office
 * read, and the report ranks one window instead of two.
 */
function previousReportRank(dir: string, kind: ReportKind, code: string, prev: { from: string; to: string }, weights: Record<string, number>): number | null | undefined {
  const when = kind === 'monthly' ? prev.to.slice(0, 7) : prev.to
  let m: ReportModel
  try {
    m = JSON.parse(readFileSync(path.join(dir, `${kind}-${code}-${when}.json`), 'utf8')) as ReportModel
  } catch {
    return undefined
  }
  const ix = m?.sections?.index
  if (m.schema !== 'yuqing-report-1' || m.kind !== kind || m.region?.code !== code || !ix || ix.version !== INDEX_VERSION) return undefined
  if (ix.window?.from !== prev.from || ix.window?.to !== prev.to || JSON.stringify(ix.weights) !== JSON.stringify(weights)) return undefined
  return ix.row ? ix.row.rank : null
}

/** Builds the model only (for tests and the JSON view). */
export function buildReport(ctx: AppContext, req: Pick<ReportRequest, 'kind' | 'date' | 'region' | 'outDir'> = {}, cache: RankCache = new Map()): ReportModel {
  const kind = req.kind ?? 'daily'
  const tz = ctx.config.report.timezone
  const now = ctx.clock.now()
  const window = reportWindow(kind, req.date, localToday(now))
  const region = reportRegion(ctx, req.region)
  const store = ctx.store()
  // The index window: a daily report ranks over index.windowDays ending at its day; a weekly
  // or monthly report over its own window. The previous window gives Δrank.
  const idxDays = kind === 'daily' ? ctx.config.index.windowDays : window.days
  const idxFrom = kind === 'daily' ? addDays(window.to, 1 - idxDays) : window.from
  const prevTo = kind === 'daily' ? addDays(window.to, -1) : addDays(window.from, -1)
  const prevFrom = addDays(prevTo, 1 - idxDays)
  const prev = { from: prevFrom, to: prevTo }
  const fromFile = previousReportRank(reportDir(ctx, req), kind, region.code, prev, ctx.config.index.weights)
  let rankNow: RankResult
  let previousRank: { rank: number | null; via: 'report' | 'computed'; from: string; to: string }
  if (fromFile !== undefined) {
    rankNow = rankOne(ctx, cache, { from: idxFrom, to: window.to })
    previousRank = { rank: fromFile, via: 'report', ...prev }
  } else {
    const [a, b] = rankPair(ctx, cache, { from: idxFrom, to: window.to }, prev)
    rankNow = a
    previousRank = { rank: b.rows.find((x) => x.code === region.code)?.rank ?? null, via: 'computed', ...prev }
  }
  const enabledSources = Object.entries(ctx.config.sources)
    .filter(([, s]) => (s as { enabled?: boolean }).enabled)
    .map(([k]) => k)
  const data = loadReportData(store, { window, tz, now, region, unit: ctx.gazetteer().get(region.code) ?? null, enabledSources, rank: rankNow, previousRank })
  return assembleReport(data)
}

function fileStem(m: ReportModel): string {
  const when = m.kind === 'monthly' ? m.period.to.slice(0, 7) : m.period.to
  return `${m.kind}-${m.region.code}-${when}`
}

function writeAtomic(file: string, body: string | Uint8Array): number {
  const partial = `${file}.partial`
  try {
    writeFileSync(partial, body)
    renameSync(partial, file)
  } catch (e) {
    rmSync(partial, { force: true })
    throw e
  }
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
}

/** Writes one report in its formats; `session` (else one of its own, closed here) is shared by a run's reports. */
export async function writeReport(ctx: AppContext, req: ReportRequest = {}, session?: ReportSession): Promise<ReportResult> {
  if (!session) {
    const own = new ReportSession()
    try {
      return await writeReport(ctx, req, own)
    } finally {
      await own.close()
    }
  }
  const formats = req.formats ?? parseFormats(undefined, ctx.config.report.formats)
  const model = buildReport(ctx, req, session.ranks)
  let terminal: string | null = null
  const files: ReportFile[] = []
  const fileFormats = formats.filter((f) => f !== 'terminal')
  const dir = reportDir(ctx, req)
  if (fileFormats.length) mkdirSync(dir, { recursive: true })
  const stem = path.join(dir, fileStem(model))
  let html: string | null = null
  for (const f of formats) {
    switch (f) {
      case 'terminal': {
        const { renderTerminal } = await import('../report/terminal.js')
        terminal = renderTerminal(model, { color: req.color ?? false })
        break
      }
      case 'md': {
        const { renderMarkdown } = await import('../report/markdown.js')
        files.push({ format: f, path: `${stem}.md`, bytes: writeAtomic(`${stem}.md`, renderMarkdown(model)) })
        break
      }
      case 'json':
        files.push({ format: f, path: `${stem}.json`, bytes: writeAtomic(`${stem}.json`, `${JSON.stringify(model, null, 2)}\n`) })
        break
      case 'html': {
        html ??= await (await import('../report/html.js')).renderHtml(model)
        files.push({ format: f, path: `${stem}.html`, bytes: writeAtomic(`${stem}.html`, html) })
        break
      }
      case 'pdf': {
        html ??= await (await import('../report/html.js')).renderHtml(model)
        const { renderPdf } = await import('../report/pdf.js')
        const pdf = await renderPdf(html, { printer: await session.pdfPrinter(ctx) })
        files.push({ format: f, path: `${stem}.pdf`, bytes: writeAtomic(`${stem}.pdf`, pdf) })
        break
      }
      case 'docx': {
        const { renderDocx } = await import('../report/docx.js')
        const docx = await renderDocx(model)
        files.push({ format: f, path: `${stem}.docx`, bytes: writeAtomic(`${stem}.docx`, docx) })
        break
      }
    }
  }
  return { model, files, terminal }
}

/** The worker's report-daily job: yesterday's daily report for every configured region, in report.formats. */
export async function dailyReportJob(ctx: AppContext): Promise<{ files: string[]; regions: number; mentions: number }> {
  const files: string[] = []
  let mentions = 0
  const session = new ReportSession()
  try {
    for (const r of ctx.regions) {
      const res = await writeReport(ctx, { kind: 'daily', region: r.code, formats: parseFormats(undefined, ctx.config.report.formats).filter((f) => f !== 'terminal') }, session)
      files.push(...res.files.map((f) => f.path))
      mentions += res.model.sections.overview.mentions
    }
  } finally {
    await session.close()
  }
  return { files, regions: ctx.regions.length, mentions }
}

