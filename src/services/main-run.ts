/**
 * `yuqing run`: the production main job in one command, for a cron line or a systemd timer
 * instead of (or beside) the worker: crawl the configured sources once (as `yuqing crawl` with
 * no arguments), check alerts, then write the daily report.
 *
 * Which report: the daily report (日报) of yesterday in report.timezone, which the crawl has just
 * completed; that is the one an office reads in the morning. `date` picks another day. Like the
 * worker's daily-report job, one report per watched region (`region` picks one), in
 * report.formats (`formats` overrides).
 *
 * A failed source does not stop the job: the report is written from what is stored, and its
 * 数据说明 lists the failed runs (the report reads crawl_runs). So the caller's exit code says
 * what went wrong, and the files are there either way.
 */
import { AppError, ExitCode, errorMessage } from '../core/errors.js'
import { addDays, isoWithOffset } from '../core/time.js'
import { SOURCE_IDS } from '../crawlers/types.js'
import type { AlertCheck } from './alerts.js'
import type { AppContext } from './context.js'
import type { CrawlRequest, CrawlSummary } from './crawl.js'

export interface MainRunRequest {
  /** The report day, YYYY-MM-DD in report.timezone (default yesterday). */
  date?: string
  /** Report formats, each may be a comma-separated list (default report.formats); checked before the crawl. */
  formats?: readonly string[]
  /** One region (code or name) instead of every watched region. */
  region?: string
  /** The crawl window, as `yuqing crawl --since` (default: since each source's last run). */
  since?: string
  /** A TTY: the crawl's live per-source display on stderr. */
  live?: boolean
  /** One progress line (stderr). */
  progress?: (line: string) => void
  /** Runs the crawl (default: runCrawlCli, which stops cleanly on SIGINT/SIGTERM). */
  crawl?: (ctx: AppContext, req: CrawlRequest & { live?: boolean }) => Promise<CrawlSummary>
}

export interface MainRunReport {
  region: { code: string; name: string }
  title: string
  mentions: number
  files: Array<{ format: string; path: string; bytes: number }>
  terminal: string | null
}

export interface MainRunResult {
  /** ok, partial (exit 3) or failed (exit 1). */
  status: 'ok' | 'partial' | 'failed'
  date: string
  /** The crawl window asked for, or null for "since each source's last run". */
  since: string | null
  crawl: CrawlSummary | null
  alerts: AlertCheck | null
  reports: MainRunReport[]
  /** One line per problem, naming the step. */
  problems: string[]
  seconds: number
}

/** Yesterday in `tz` at `now`. */
export function yesterdayIn(now: Date, tz: string): string {
  return addDays(isoWithOffset(now, tz).slice(0, 10), -1)
}

/**
 * The crawl window: `since` when given; else, when an enabled source has never completed a run
 * (a new workspace), from the start of the report day, so that its first report is whole (the
 * crawl's own first window is only 24 hours); else null (each source from its last run).
 */
function crawlSince(ctx: AppContext, req: MainRunRequest, day: string): string | null {
  if (req.since) return req.since
  const store = ctx.store()
  const fresh = SOURCE_IDS.filter((s) => ctx.config.sources[s].enabled).some((s) => store.lastCompletedCrawl(s) === null)
  return fresh ? day : null
}

export async function runMain(ctx: AppContext, req: MainRunRequest = {}): Promise<MainRunResult> {
  const t0 = performance.now()
  const say = req.progress ?? (() => undefined)
  const tz = ctx.config.report.timezone
  const { parseFormats, reportRegion, writeReport, ReportSession } = await import('./report.js')
  const { UsageError } = await import('../core/errors.js')
  // Bad flags fail before anything is fetched.
  const formats = parseFormats(req.formats, ctx.config.report.formats)
  if (req.date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(req.date) || Number.isNaN(Date.parse(`${req.date}T00:00:00Z`)) || new Date(`${req.date}T00:00:00Z`).toISOString().slice(0, 10) !== req.date))
    throw new UsageError(`--date must be a date YYYY-MM-DD, got "${req.date}"`)
  const date = req.date ?? yesterdayIn(ctx.clock.now(), tz)
  const regions = req.region ? [reportRegion(ctx, req.region).code] : ctx.regions.map((r) => r.code)
  if (!regions.length) throw new UsageError('no region to report on: the config has no regions', 'add one under regions: in yuqing.yaml (see `yuqing init`)')
  const problems: string[] = []
  let failed = false

  // 1. Crawl.
  const since = crawlSince(ctx, req, date)
  say(`① 抓取 crawl${since ? ` (since ${since})` : ''} …`)
  const crawlFn = req.crawl ?? (await import('./crawl-run.js')).runCrawlCli
  const crawl = await crawlFn(ctx, { since: since ?? undefined, live: req.live })
  const ran = crawl.sources.filter((s) => s.status !== 'disabled')
  for (const s of ran) {
    say(`   ${s.source.padEnd(12)} ${s.status.padEnd(7)} 页 pages ${s.pages}, 新增 new ${s.inserted}, 更新 updated ${s.updated}, 错误 errors ${s.errors}`)
    if (s.status !== 'ok') problems.push(`crawl: ${s.source} ${s.status}${s.stopReason ? ` (${s.stopReason})` : ''}: ${s.problems[0] ?? `${s.errors} errors`}`)
  }
  if (ran.length && ran.every((s) => s.status === 'failed')) failed = true
  if (crawl.analysis) say(`   分析 analysed ${crawl.analysis.analyzed}`)
  const stopped = crawl.sources.some((s) => s.status === 'aborted')

  // 2. Alerts (after the crawl, so a source that just failed raises its crawler-health alert).
  let alerts: AlertCheck | null = null
  if (!stopped) {
    say('② 预警检查 alerts …')
    try {
      const { checkAlerts } = await import('./alerts.js')
      alerts = await checkAlerts(ctx)
      say(`   新预警 new ${alerts.created}, 已发送 sent ${alerts.sent}${alerts.failedDeliveries + alerts.retrying ? `, 发送失败 failed ${alerts.failedDeliveries + alerts.retrying}` : ''}`)
      if (alerts.failedDeliveries + alerts.retrying) problems.push(`alerts: ${alerts.failedDeliveries + alerts.retrying} deliveries failed (${alerts.retrying} to be retried; see \`yuqing alerts list\`)`)
    } catch (err) {
      problems.push(`alerts: ${errorMessage(err)}`)
    }
  }

  // 3. The daily report, from whatever is stored, even when a source failed.
  const reports: MainRunReport[] = []
  if (!stopped) {
    say(`③ 日报 daily report ${date} (${formats.join(', ')}) …`)
    // One ranking of the windows and one Chromium for every region's report.
    const session = new ReportSession()
    try {
      for (const region of regions) {
        try {
          const r = await writeReport(ctx, { kind: 'daily', date, region, formats }, session)
          reports.push({ region: { code: r.model.region.code, name: r.model.region.name }, title: r.model.title, mentions: r.model.sections.overview.mentions, files: r.files.map((f) => ({ format: f.format, path: f.path, bytes: f.bytes })), terminal: r.terminal })
          for (const f of r.files) say(`   ${f.path}`)
        } catch (err) {
          if (err instanceof AppError && err.exitCode === ExitCode.Usage) throw err
          failed = true
          problems.push(`report ${region}: ${errorMessage(err)}`)
        }
      }
    } finally {
      await session.close()
    }
  } else problems.push('stopped by a signal: no alerts checked, no report written')
  const status = failed || stopped ? 'failed' : problems.length ? 'partial' : 'ok'
  return { status, date, since, crawl, alerts, reports, problems, seconds: Math.round(performance.now() - t0) / 1000 }
}
