/**
 * What each scheduled task does: the worker and `yuqing schedule run` call `runTask`, which
 * calls the same services as the commands. Every task stops soon after its signal aborts,
 * leaving only committed batches (crawl: per page; reanalyze: per batch).
 */
import { readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { JobSpec, JobOutcome, JobRunner } from '../schedule/scheduler.js'
import type { AppContext } from './context.js'

/** Days of job history kept by the maintenance job. */
const HISTORY_DAYS = 90

export function taskRunner(ctx: AppContext): JobRunner {
  return (job, signal) => runTask(ctx, job, signal)
}

export async function runTask(ctx: AppContext, job: JobSpec, signal: AbortSignal): Promise<JobOutcome> {
  switch (job.task) {
    case 'crawl': {
      const { runCrawl } = await import('./crawl.js')
      const sum = await runCrawl(ctx, { sources: job.sources, signal })
      const ran = sum.sources.filter((s) => s.status !== 'disabled')
      const failed = ran.filter((s) => s.status === 'failed')
      const partial = ran.filter((s) => s.status === 'partial' || s.status === 'aborted')
      const counts = {
        sources: Object.fromEntries(ran.map((s) => [s.source, s.status])),
        pages: ran.reduce((n, s) => n + s.pages, 0),
        inserted: ran.reduce((n, s) => n + s.inserted, 0),
        updated: ran.reduce((n, s) => n + s.updated, 0),
        filtered: ran.reduce((n, s) => n + s.filtered, 0),
        errors: ran.reduce((n, s) => n + s.errors, 0),
        analyzed: sum.analysis?.analyzed ?? 0,
      }
      const problems = [...failed, ...partial].map((s) => `${s.source}: ${s.problems[0] ?? s.status}`)
      const status = ran.length > 0 && failed.length === ran.length ? 'failed' : failed.length || partial.length ? 'partial' : 'ok'
      return { status, counts, error: problems.length ? problems.join('; ') : null }
    }
    case 'reanalyze': {
      const { reanalyze } = await import('./analyze.js')
      const r = await reanalyze(ctx, { shouldStop: () => signal.aborted })
      return { status: r.stopped ? 'partial' : 'ok', counts: { analyzed: r.analyzed, withRegions: r.withRegions, clusters: r.clusters, remaining: r.remaining } }
    }
    case 'backup':
      return { status: 'ok', counts: await backupJob(ctx) }
    case 'maintenance': {
      const store = ctx.store()
      const m = store.maintain()
      const pruned = store.jobs().pruneHistory(new Date(ctx.clock.now().getTime() - HISTORY_DAYS * 86_400_000))
      const ok = m.quickCheck === 'ok'
      return { status: ok ? 'ok' : 'failed', counts: { ...m, jobRunsPruned: pruned }, error: ok ? null : `quick_check: ${m.quickCheck}; run \`yuqing db check\`` }
    }
    case 'alerts': {
      const { checkAlerts } = await import('./alerts.js')
      const r = await checkAlerts(ctx, { signal })
      const bad = r.failedDeliveries + r.retrying
      return { status: bad ? 'partial' : 'ok', counts: r, error: bad ? `${bad} deliveries failed (${r.retrying} to be retried; see \`yuqing alerts list\`)` : null }
    }
    case 'rank-weekly': {
      const { writeWeeklyRank } = await import('./rank.js')
      return { status: 'ok', counts: await writeWeeklyRank(ctx) }
    }
    case 'report-daily': {
      const { dailyReportJob } = await import('./report.js')
      return { status: 'ok', counts: await dailyReportJob(ctx) }
    }
    default:
      return { status: 'failed', error: `unknown task ${job.task}` }
  }
}

/**
 * Backs the database up to `schedule.backup.dir/yuqing-YYYYMMDD-HHMMSS.db` (UTC), written to a
 * .partial file and renamed, so a killed backup never leaves a file that looks complete; keeps
 * the newest `keep`.
 */
export async function backupJob(ctx: AppContext): Promise<{ path: string; bytes: number; removed: string[] }> {
  const dir = path.resolve(ctx.baseDir, ctx.config.schedule.backup.dir)
  const stamp = ctx.clock.now().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const file = path.join(dir, `yuqing-${stamp}.db`)
  const partial = `${file}.partial`
  rmSync(partial, { force: true })
  const b = await ctx.store().backup(partial)
  renameSync(partial, file)
  const all = readdirSync(dir)
    .filter((f) => /^yuqing-\d{8}-\d{6}\.db$/.test(f))
    .sort()
  const removed = all.slice(0, Math.max(0, all.length - ctx.config.schedule.backup.keep))
  for (const f of removed) rmSync(path.join(dir, f), { force: true })
  return { path: file, bytes: b.bytes, removed }
}
