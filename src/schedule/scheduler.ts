/**
 * The worker's scheduler: fires each configured job at its cron times (in the schedule's time
 * zone), one run of a job at a time across every process on the database (leases in SQLite),
 * each cron time at most once, with optional jitter and a timeout, and a heartbeat row.
 *
 * - Catch-up: on start, a job whose last recorded cron time is older than its latest due time
 *   runs once for that latest time (a worker down over two daily reports makes one report).
 *   A job never run before has nothing to catch up.
 * - Overlap: a cron time that arrives while the job's previous run is still going is recorded
 *   as skipped; a time another process holds or already ran is left to it.
 * - Stop: no new runs; running jobs are told to stop (their AbortSignal) and get `graceMs` to
 *   commit their current batch; a run that does not finish in time is recorded as aborted and
 *   its uncommitted batch is rolled back by SQLite when the process exits.
 *
 * Time comes from `clock` and waiting from `sleep`, so tests drive it through simulated days.
 */
import { errorMessage } from '../core/errors.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { JobStatus, JobStore, JobTrigger } from '../store/jobs.js'
import type { CronTimes } from './cron.js'

export interface JobSpec {
  name: string
  task: string
  cron: string
  enabled: boolean
  jitterSeconds: number
  timeoutMinutes: number
  sources?: string[]
}

export interface JobOutcome {
  status: Exclude<JobStatus, 'running' | 'timeout' | 'aborted'>
  counts?: unknown
  error?: string | null
}

export interface RunInfo {
  runId: number
  trigger: JobTrigger
  scheduledFor: Date | null
}

/** Runs one job; must stop soon after `signal` aborts, leaving only committed batches. */
export type JobRunner = (job: JobSpec, signal: AbortSignal, run: RunInfo) => Promise<JobOutcome>

/** Waits `ms` (or until `signal` aborts; then it resolves, it does not throw). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const t = setTimeout(done, Math.max(0, ms))
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

export interface SchedulerOptions {
  jobs: JobSpec[]
  /** One CronTimes per job (same order), built by schedule/cron.ts. */
  times: CronTimes[]
  store: JobStore
  run: JobRunner
  workerId: string
  pid?: number
  host?: string
  clock: Clock
  sleep?: Sleep
  log: Logger
  random?: () => number
  /** Lease length; renewed every leaseMs / 4 while a job runs. Default 120 s. */
  leaseMs?: number
  /** Heartbeat interval (also the longest sleep, so clock jumps are noticed). Default 30 s. */
  heartbeatMs?: number
  /** Time running jobs get to finish after stop(). Default 30 s. */
  graceMs?: number
  /** Catch-up looks back at most this far. Default 8 days (a weekly job missed once). */
  catchUpMs?: number
  /** How times are written in the log (default UTC). */
  formatTime?: (d: Date) => string
}

interface Running {
  job: JobSpec
  runId: number
  since: Date
  controller: AbortController
  done: Promise<void>
  /** Its end is recorded. */
  finished: boolean
}

interface Slot {
  job: number
  at: Date
  trigger: 'schedule' | 'catch-up'
}

export class Scheduler {
  private readonly o: Required<Omit<SchedulerOptions, 'pid' | 'host'>>
  private readonly running = new Map<string, Running>()
  private readonly stopping = new AbortController()
  private next: Date[] = []
  private loop: Promise<void> | null = null

  constructor(private readonly opts: SchedulerOptions) {
    if (opts.jobs.length !== opts.times.length) throw new Error('one CronTimes per job')
    this.o = {
      ...opts,
      sleep: opts.sleep ?? realSleep,
      leaseMs: opts.leaseMs ?? 120_000,
      heartbeatMs: opts.heartbeatMs ?? 30_000,
      graceMs: opts.graceMs ?? 30_000,
      catchUpMs: opts.catchUpMs ?? 8 * 86_400_000,
      random: opts.random ?? Math.random,
      formatTime: opts.formatTime ?? ((d: Date) => d.toISOString()),
    }
  }

  private now(): Date {
    return this.o.clock.now()
  }

  /** The jobs' next cron times after now (enabled jobs only), soonest first. */
  upcoming(): Array<{ job: string; at: Date }> {
    return this.o.jobs
      .map((j, i) => ({ job: j.name, at: this.next[i]!, enabled: j.enabled }))
      .filter((x) => x.enabled && x.at)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
  }

  runningJobs(): Array<{ job: string; runId: number; since: string }> {
    return [...this.running.values()].map((r) => ({ job: r.job.name, runId: r.runId, since: r.since.toISOString() }))
  }

  /** Registers the worker, queues catch-up runs and starts the loop. */
  start(): void {
    if (this.loop) return
    const now = this.now()
    this.o.store.registerWorker({ id: this.o.workerId, pid: this.opts.pid ?? process.pid, host: this.opts.host ?? 'localhost', now })
    const due: Slot[] = []
    this.next = this.o.jobs.map((job, i) => {
      const t = this.o.times[i]!
      if (job.enabled) {
        const last = this.o.store.lastScheduled(job.name)
        if (last) {
          // The latest time before now (a time equal to now is run by the loop as usual).
          const missed = t.previous(new Date(now.getTime() - 1), Math.min(this.o.catchUpMs, now.getTime() - last.getTime() - 2))
          if (missed && missed.getTime() > last.getTime()) due.push({ job: i, at: missed, trigger: 'catch-up' })
        }
      }
      // A time equal to now is still to come (a worker started at 07:30:00 runs the 07:30 job).
      return t.next(new Date(now.getTime() - 1))
    })
    for (const s of due) this.o.log.info(`${this.o.jobs[s.job]!.name}: catching up the run due at ${this.o.formatTime(s.at)}`)
    this.beat()
    this.loop = this.main(due)
  }

  private async main(initial: Slot[]): Promise<void> {
    for (const s of initial) this.fire(s)
    const sig = this.stopping.signal
    while (!sig.aborted) {
      const now = this.now()
      for (let i = 0; i < this.o.jobs.length; i++) {
        if (!this.o.jobs[i]!.enabled) continue
        // Every cron time that has come; several at once only after a stall (then the latest runs).
        let at: Date | null = null
        while (this.next[i]!.getTime() <= now.getTime()) {
          at = this.next[i]!
          this.next[i] = this.o.times[i]!.next(at)
        }
        if (at) {
          try {
            this.fire({ job: i, at, trigger: 'schedule' })
          } catch (err) {
            // A database that is locked or gone: say so and carry on with the next time.
            this.o.log.error(`${this.o.jobs[i]!.name}: the run due at ${this.o.formatTime(at)} was not started: ${errorMessage(err)}`)
          }
        }
      }
      this.beat()
      const soonest = Math.min(...this.next.filter((_, i) => this.o.jobs[i]!.enabled).map((d) => d.getTime()), now.getTime() + this.o.heartbeatMs)
      await this.o.sleep(Math.max(0, Math.min(soonest - this.now().getTime(), this.o.heartbeatMs)), sig)
    }
  }

  /** Starts a run for the slot unless the job is already running here (then the slot is skipped). */
  private fire(s: Slot): void {
    const job = this.o.jobs[s.job]!
    const busy = this.running.get(job.name)
    if (busy) {
      this.o.log.warn(`${job.name}: the run due at ${this.o.formatTime(s.at)} is skipped: run ${busy.runId} (since ${this.o.formatTime(busy.since)}) is still going`)
      this.o.store.skip(job.name, job.task, this.o.workerId, s.at, this.now(), `run ${busy.runId} was still going`)
      return
    }
    const controller = new AbortController()
    const r: Running = { job, runId: 0, since: this.now(), controller, done: Promise.resolve(), finished: false }
    this.running.set(job.name, r)
    r.done = this.execute(s, r)
      .catch((err) => this.o.log.error(`${job.name}: run ${r.runId || '(not started)'} could not be recorded: ${errorMessage(err)}`))
      .finally(() => {
      this.running.delete(job.name)
      this.beat()
    })
  }

  private async execute(s: Slot, r: Running): Promise<void> {
    const { job } = r
    const log = this.o.log.child(job.name)
    if (job.jitterSeconds > 0) await this.o.sleep(Math.floor(this.o.random() * (job.jitterSeconds * 1000 + 1)), this.stopping.signal)
    if (this.stopping.signal.aborted) return
    let acquired
    try {
      acquired = this.o.store.acquire({ job: job.name, task: job.task, holder: this.o.workerId, trigger: s.trigger, scheduledFor: s.at, now: this.now(), leaseMs: this.o.leaseMs })
    } catch (err) {
      log.error(`could not take the lease: ${errorMessage(err)}`)
      return
    }
    if (!acquired.ok) {
      if (acquired.reason === 'held') log.info(`the run due at ${this.o.formatTime(s.at)} is left to ${acquired.lease.holder}, which holds the lease`)
      return
    }
    if (acquired.tookOverFrom) log.warn(`took over the lease of ${acquired.tookOverFrom.holder} (expired); its run ${acquired.tookOverFrom.runId ?? '–'} is recorded as aborted`)
    r.runId = acquired.runId
    r.since = this.now()
    this.beat()
    log.info(`run ${r.runId} started (${s.trigger}, due ${this.o.formatTime(s.at)})`)
    const end = await superviseRun({
      job,
      run: this.o.run,
      info: { runId: r.runId, trigger: s.trigger, scheduledFor: s.at },
      holder: this.o.workerId,
      store: this.o.store,
      clock: this.o.clock,
      sleep: this.o.sleep,
      leaseMs: this.o.leaseMs,
      controller: r.controller,
      log,
    })
    r.finished = true
    const line = `run ${r.runId} ${end.status}${end.error ? `: ${end.error}` : ''}`
    if (end.status === 'ok' || end.status === 'skipped') log.info(line)
    else log.warn(line)
  }

  private beat(): void {
    const up = this.upcoming()[0]
    try {
      this.o.store.heartbeat(this.o.workerId, this.now(), {
        state: this.stopping.signal.aborted ? 'stopping' : 'running',
        running: this.runningJobs().filter((r) => r.runId),
        nextJob: up?.job ?? null,
        nextAt: up?.at ?? null,
      })
    } catch (err) {
      this.o.log.warn(`heartbeat not written: ${errorMessage(err)}`)
    }
  }

  /**
   * Stops: no new runs; running jobs are aborted and get graceMs to finish. Runs still going
   * after that are recorded as aborted and their leases released. Resolves when done.
   */
  async stop(): Promise<{ finished: string[]; abandoned: string[] }> {
    if (this.stopping.signal.aborted) return { finished: [], abandoned: [] }
    this.stopping.abort()
    const runs = [...this.running.values()]
    this.beat()
    for (const r of runs) r.controller.abort(new Error('worker stopping'))
    const settled = new Set<string>()
    const all = Promise.all(runs.map((r) => r.done.then(() => void settled.add(r.job.name))))
    const grace = new AbortController()
    await Promise.race([all, this.o.sleep(this.o.graceMs, grace.signal)])
    grace.abort()
    const abandoned = runs.filter((r) => !settled.has(r.job.name))
    for (const r of abandoned) {
      if (!r.runId || r.finished) continue
      this.o.store.finish(r.runId, r.job.name, this.o.workerId, 'aborted', this.now(), null, `did not stop within ${Math.round(this.o.graceMs / 1000)} s of the worker stopping; its uncommitted batch is rolled back`)
    }
    await this.loop
    this.o.store.stopWorker(this.o.workerId, this.now())
    return { finished: runs.filter((r) => settled.has(r.job.name)).map((r) => r.job.name), abandoned: abandoned.map((r) => r.job.name) }
  }

  /** Resolves once every run started so far has ended (tests and `--once`). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done))
  }
}

export type RunEnd = { runId: number; status: Exclude<JobStatus, 'running'>; counts: unknown; error: string | null }

/**
 * Runs an acquired job under its timeout, renewing its lease every leaseMs / 4 (a lease taken
 * over by another process aborts the run), and records its end. Never throws.
 */
async function superviseRun(o: {
  job: JobSpec
  run: JobRunner
  info: RunInfo
  holder: string
  store: JobStore
  clock: Clock
  sleep: Sleep
  leaseMs: number
  /** Aborting it (stop, lost lease, timeout) ends the run as aborted, or timeout. */
  controller: AbortController
  log: Logger
}): Promise<RunEnd> {
  const { job, controller } = o
  const done = new AbortController()
  let timedOut = false
  const timer = o.sleep(job.timeoutMinutes * 60_000, done.signal).then(() => {
    if (done.signal.aborted) return
    timedOut = true
    controller.abort(new Error(`timed out after ${job.timeoutMinutes} min`))
  })
  const renew = (async () => {
    while (!done.signal.aborted) {
      await o.sleep(o.leaseMs / 4, done.signal)
      if (done.signal.aborted) break
      if (!o.store.renew(job.name, o.holder, o.clock.now(), o.leaseMs)) {
        o.log.error(`lost the lease of run ${o.info.runId} (another process took it over); stopping the run`)
        controller.abort(new Error('lost the lease'))
        break
      }
    }
  })()
  let status: Exclude<JobStatus, 'running'>
  let counts: unknown = null
  let error: string | null = null
  try {
    const out = await o.run(job, controller.signal, o.info)
    status = out.status
    counts = out.counts ?? null
    error = out.error ?? null
  } catch (err) {
    status = 'failed'
    error = errorMessage(err)
  } finally {
    done.abort()
    await Promise.all([timer, renew])
  }
  if (timedOut) {
    status = 'timeout'
    error = `timed out after ${job.timeoutMinutes} min${error ? `: ${error}` : ''}`
  } else if (controller.signal.aborted) {
    status = 'aborted'
    const why = controller.signal.reason instanceof Error ? controller.signal.reason.message : 'stopped'
    error = `${why} before it finished (committed batches kept)${error ? `: ${error}` : ''}`
  }
  o.store.finish(o.info.runId, job.name, o.holder, status, o.clock.now(), counts, error)
  return { runId: o.info.runId, status, counts, error }
}

/** Runs one job now under its lease, as `yuqing schedule run` does (trigger manual). */
export async function runJobNow(o: {
  job: JobSpec
  store: JobStore
  run: JobRunner
  holder: string
  clock: Clock
  log: Logger
  signal?: AbortSignal
  leaseMs?: number
  sleep?: Sleep
}): Promise<RunEnd | { held: { holder: string; since: string } }> {
  const leaseMs = o.leaseMs ?? 120_000
  const a = o.store.acquire({ job: o.job.name, task: o.job.task, holder: o.holder, trigger: 'manual', scheduledFor: null, now: o.clock.now(), leaseMs })
  if (!a.ok) {
    if (a.reason === 'held') return { held: { holder: a.lease.holder, since: a.lease.acquired_at } }
    throw new Error('unreachable: a manual run has no cron time')
  }
  const controller = new AbortController()
  const onAbort = () => controller.abort(o.signal?.reason)
  o.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await superviseRun({ job: o.job, run: o.run, info: { runId: a.runId, trigger: 'manual', scheduledFor: null }, holder: o.holder, store: o.store, clock: o.clock, sleep: o.sleep ?? realSleep, leaseMs, controller, log: o.log })
  } finally {
    o.signal?.removeEventListener('abort', onAbort)
  }
}
