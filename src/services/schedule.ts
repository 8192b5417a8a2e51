/**
 * The schedule use cases behind `yuqing schedule …` and `yuqing worker status`: the configured
 * jobs with their next times, one job run now under its lease, the run history, and the
 * workers' heartbeats. Times are shown in the schedule's time zone (with offset), stored in UTC.
 */
import os from 'node:os'
import { UsageError } from '../core/errors.js'
import { isoWithOffset } from '../core/time.js'
import type { CronTimes } from '../schedule/cron.js'
import type { JobSpec, RunEnd } from '../schedule/scheduler.js'
import type { JobRunRow } from '../store/jobs.js'
import type { AppContext } from './context.js'

export interface JobListing {
  name: string
  task: string
  cron: string
  enabled: boolean
  sources: string[] | null
  jitterSeconds: number
  timeoutMinutes: number
  /** The next times, in the schedule's zone (empty when disabled). */
  next: string[]
  last: { id: number; status: string; trigger: string; startedAt: string; finishedAt: string | null; error: string | null } | null
  /** Who holds the job's lease now (a run in progress), or null. */
  runningIn: string | null
}

export async function jobTimes(ctx: AppContext): Promise<CronTimes[]> {
  const { loadCron, cronTimes } = await import('../schedule/cron.js')
  await loadCron()
  return ctx.config.schedule.jobs.map((j) => cronTimes(j.cron, ctx.config.schedule.timezone))
}

const local = (ctx: AppContext, iso: string | null) => (iso ? isoWithOffset(new Date(iso), ctx.config.schedule.timezone) : null)

export function runView(ctx: AppContext, r: JobRunRow) {
  return {
    id: r.id,
    job: r.job,
    task: r.task,
    trigger: r.trigger,
    scheduledFor: local(ctx, r.scheduled_for),
    status: r.status,
    startedAt: local(ctx, r.started_at)!,
    finishedAt: local(ctx, r.finished_at),
    seconds: r.finished_at ? Math.round((Date.parse(r.finished_at) - Date.parse(r.started_at)) / 100) / 10 : null,
    worker: r.worker_id,
    counts: r.counts_json ? (JSON.parse(r.counts_json) as unknown) : null,
    error: r.error,
  }
}
export type RunView = ReturnType<typeof runView>

export async function listSchedule(ctx: AppContext, count = 3): Promise<{ timezone: string; jobs: JobListing[] }> {
  const times = await jobTimes(ctx)
  const jobs = ctx.store().jobs()
  const last = jobs.lastRuns()
  const now = ctx.clock.now()
  return {
    timezone: ctx.config.schedule.timezone,
    jobs: ctx.config.schedule.jobs.map((j, i) => {
      const next: string[] = []
      if (j.enabled) for (let t = times[i]!.next(now); next.length < count; t = times[i]!.next(t)) next.push(isoWithOffset(t, ctx.config.schedule.timezone))
      const l = last.get(j.name)
      const lease = jobs.lease(j.name)
      return {
        name: j.name,
        task: j.task,
        cron: j.cron,
        enabled: j.enabled,
        sources: j.sources ?? null,
        jitterSeconds: j.jitterSeconds,
        timeoutMinutes: j.timeoutMinutes,
        next,
        last: l ? { id: l.id, status: l.status, trigger: l.trigger, startedAt: local(ctx, l.started_at)!, finishedAt: local(ctx, l.finished_at), error: l.error } : null,
        runningIn: lease && lease.expires_at > now.toISOString() ? lease.holder : null,
      }
    }),
  }
}

export function findJob(ctx: AppContext, name: string): JobSpec {
  const job = ctx.config.schedule.jobs.find((j) => j.name === name)
  if (!job) {
    const names = ctx.config.schedule.jobs.map((j) => j.name)
    throw new UsageError(`no job named "${name}"`, names.length ? `the jobs are ${names.join(', ')} (schedule.jobs in the config)` : 'schedule.jobs in the config is empty')
  }
  return job
}

/** Runs a job now, under the same lease as the worker's runs (refused while one is running). */
export async function runScheduledJob(ctx: AppContext, name: string, signal?: AbortSignal): Promise<RunView> {
  const job = findJob(ctx, name)
  const { runJobNow } = await import('../schedule/scheduler.js')
  const { taskRunner } = await import('./jobs.js')
  const store = ctx.store().jobs()
  const res = await runJobNow({
    job,
    store,
    run: taskRunner(ctx),
    holder: `manual:${process.pid}@${os.hostname()}`,
    clock: ctx.clock,
    log: ctx.log.child(job.name),
    signal,
    leaseMs: ctx.config.schedule.worker.leaseSeconds * 1000,
  })
  if ('held' in res) throw new UsageError(`job ${name} is running in ${res.held.holder} (since ${local(ctx, res.held.since)})`, 'wait for it to finish (`yuqing schedule history --job ' + name + '`), or stop that worker')
  return runView(ctx, store.history({ job: name, limit: 1 }).find((r) => r.id === (res as RunEnd).runId)!)
}

export function scheduleHistory(ctx: AppContext, opts: { job?: string; limit?: number } = {}): RunView[] {
  if (opts.job) findJob(ctx, opts.job)
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit > 10_000)) throw new UsageError(`--limit must be 1–10000, got ${opts.limit}`)
  return ctx.store().jobs().history(opts).map((r) => runView(ctx, r))
}

export interface WorkerView {
  id: string
  pid: number
  host: string
  alive: boolean
  state: string
  startedAt: string
  heartbeatAt: string
  stoppedAt: string | null
  running: Array<{ job: string; runId: number; since: string }>
  next: { job: string; at: string } | null
}

/**
 * The workers seen on this database: alive when the heartbeat is fresher than three intervals
 * and the worker did not stop. Also the latest runs.
 */
export function workerStatus(ctx: AppContext): { alive: number; workers: WorkerView[]; recent: RunView[] } {
  const store = ctx.store().jobs()
  const now = ctx.clock.now().getTime()
  const stale = 3 * ctx.config.schedule.worker.heartbeatSeconds * 1000
  const workers = store.workers().map((w) => {
    const alive = w.state !== 'stopped' && now - Date.parse(w.heartbeat_at) <= stale
    return {
      id: w.id,
      pid: w.pid,
      host: w.host,
      alive,
      state: alive ? w.state : w.state === 'stopped' ? 'stopped' : 'lost',
      startedAt: local(ctx, w.started_at)!,
      heartbeatAt: local(ctx, w.heartbeat_at)!,
      stoppedAt: local(ctx, w.stopped_at),
      running: alive ? (JSON.parse(w.running_json) as Array<{ job: string; runId: number; since: string }>).map((r) => ({ ...r, since: local(ctx, r.since)! })) : [],
      next: alive && w.next_job && w.next_at ? { job: w.next_job, at: local(ctx, w.next_at)! } : null,
    }
  })
  return { alive: workers.filter((w) => w.alive).length, workers, recent: store.history({ limit: 10 }).map((r) => runView(ctx, r)) }
}
