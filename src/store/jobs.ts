/**
 * The worker's tables (migration 5): job runs, leases and heartbeats. Prepared statements on the
 * store's connection; every multi-step change is one IMMEDIATE transaction, so two processes on
 * one database never both take a lease or both record the same cron time.
 *
 * A lease is held by one holder (a worker, or a `schedule run` process) until it is released or
 * its expiry passes without renewal; whoever takes over an expired lease marks the run it
 * covered as aborted. A job's run for a cron time is recorded once (unique index), so a time
 * one worker ran is never run again by another.
 */
import type BetterSqlite3 from 'better-sqlite3'

type Database = BetterSqlite3.Database

export type JobTrigger = 'schedule' | 'catch-up' | 'manual'
export type JobStatus = 'running' | 'ok' | 'partial' | 'failed' | 'timeout' | 'aborted' | 'skipped'

export interface JobRunRow {
  id: number
  job: string
  task: string
  trigger: JobTrigger
  scheduled_for: string | null
  started_at: string
  finished_at: string | null
  status: JobStatus
  worker_id: string | null
  counts_json: string | null
  error: string | null
}

export interface LeaseRow {
  job: string
  holder: string
  run_id: number | null
  acquired_at: string
  expires_at: string
}

export interface WorkerRow {
  id: string
  pid: number
  host: string
  started_at: string
  heartbeat_at: string
  stopped_at: string | null
  state: 'running' | 'stopping' | 'stopped'
  running_json: string
  next_job: string | null
  next_at: string | null
}

export type Acquired =
  | { ok: true; runId: number; tookOverFrom: { holder: string; runId: number | null } | null }
  | { ok: false; reason: 'held'; lease: LeaseRow }
  | { ok: false; reason: 'done'; runId: number }

export interface AcquireRequest {
  job: string
  task: string
  holder: string
  trigger: JobTrigger
  /** The cron time this run stands for (null for manual runs). */
  scheduledFor: Date | null
  now: Date
  leaseMs: number
}

const iso = (d: Date) => d.toISOString()

export class JobStore {
  constructor(private readonly db: Database) {}

  /**
   * Takes the job's lease and records its run as 'running', in one transaction. Refused when
   * another holder's lease has not expired, or when this cron time was already run.
   */
  acquire(r: AcquireRequest): Acquired {
    const tx = this.db.transaction((): Acquired => {
      const now = iso(r.now)
      const lease = this.db.prepare(`select * from job_leases where job = ?`).get(r.job) as LeaseRow | undefined
      if (lease && lease.holder !== r.holder && lease.expires_at > now) return { ok: false, reason: 'held', lease }
      if (r.scheduledFor) {
        const done = this.db.prepare(`select id from job_runs where job = ? and scheduled_for = ?`).get(r.job, iso(r.scheduledFor)) as { id: number } | undefined
        if (done) return { ok: false, reason: 'done', runId: done.id }
      }
      let tookOverFrom: { holder: string; runId: number | null } | null = null
      if (lease) {
        // Expired (its holder died or hung) or our own leftover: the run it covered did not finish.
        if (lease.run_id !== null)
          this.db
            .prepare(`update job_runs set status = 'aborted', finished_at = ?, error = coalesce(error, ?) where id = ? and status = 'running'`)
            .run(now, `lost its lease: ${lease.holder} stopped renewing it (killed or hung)`, lease.run_id)
        tookOverFrom = { holder: lease.holder, runId: lease.run_id }
      }
      const info = this.db
        .prepare(`insert into job_runs (job, task, trigger, scheduled_for, started_at, status, worker_id) values (?, ?, ?, ?, ?, 'running', ?)`)
        .run(r.job, r.task, r.trigger, r.scheduledFor ? iso(r.scheduledFor) : null, now, r.holder)
      const runId = Number(info.lastInsertRowid)
      this.db
        .prepare(`insert into job_leases (job, holder, run_id, acquired_at, expires_at) values (?, ?, ?, ?, ?) on conflict (job) do update set holder = excluded.holder, run_id = excluded.run_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`)
        .run(r.job, r.holder, runId, now, iso(new Date(r.now.getTime() + r.leaseMs)))
      return { ok: true, runId, tookOverFrom }
    })
    return tx.immediate()
  }

  /**
   * Takes a plain lease with no job run (a source's crawl, `crawl:SOURCE`), in one IMMEDIATE
   * transaction: refused while another holder's lease is unexpired and `alive(holder)` says it
   * may still run. Returns the lease it replaced (expired, dead, or our own), if any.
   */
  takeLease(key: string, holder: string, now: Date, leaseMs: number, alive: (holder: string) => boolean): { ok: true; replaced: LeaseRow | null } | { ok: false; lease: LeaseRow } {
    const tx = this.db.transaction(() => {
      const lease = this.db.prepare(`select * from job_leases where job = ?`).get(key) as LeaseRow | undefined
      if (lease && lease.holder !== holder && lease.expires_at > iso(now) && alive(lease.holder)) return { ok: false as const, lease }
      this.db
        .prepare(`insert into job_leases (job, holder, run_id, acquired_at, expires_at) values (?, ?, null, ?, ?) on conflict (job) do update set holder = excluded.holder, run_id = null, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`)
        .run(key, holder, iso(now), iso(new Date(now.getTime() + leaseMs)))
      return { ok: true as const, replaced: lease ?? null }
    })
    return tx.immediate()
  }

  /** Gives up a plain lease if still held by `holder`. */
  releaseLease(key: string, holder: string): void {
    this.db.prepare(`delete from job_leases where job = ? and holder = ?`).run(key, holder)
  }

  /** Extends the holder's lease; false when it is no longer the holder (the lease was taken over). */
  renew(job: string, holder: string, now: Date, leaseMs: number): boolean {
    return this.db.prepare(`update job_leases set expires_at = ? where job = ? and holder = ?`).run(iso(new Date(now.getTime() + leaseMs)), job, holder).changes === 1
  }

  /** Records the run's end and releases the lease (if still held), in one transaction. */
  finish(runId: number, job: string, holder: string, status: Exclude<JobStatus, 'running'>, now: Date, counts: unknown, error: string | null): void {
    this.db.transaction(() => {
      this.db
        .prepare(`update job_runs set status = ?, finished_at = ?, counts_json = ?, error = ? where id = ? and status = 'running'`)
        .run(status, iso(now), counts === undefined || counts === null ? null : JSON.stringify(counts), error, runId)
      this.db.prepare(`delete from job_leases where job = ? and holder = ? and run_id = ?`).run(job, holder, runId)
    }).immediate()
  }

  /** Records a cron time that was not run (the previous run still going, or a refused start). */
  skip(job: string, task: string, holder: string, scheduledFor: Date, now: Date, why: string): void {
    this.db
      .prepare(`insert into job_runs (job, task, trigger, scheduled_for, started_at, finished_at, status, worker_id, error) values (?, ?, 'schedule', ?, ?, ?, 'skipped', ?, ?) on conflict do nothing`)
      .run(job, task, iso(scheduledFor), iso(now), iso(now), holder, why)
  }

  lease(job: string): LeaseRow | null {
    return (this.db.prepare(`select * from job_leases where job = ?`).get(job) as LeaseRow | undefined) ?? null
  }

  /** The latest cron time recorded for the job (run, skipped or aborted alike); null if none. */
  lastScheduled(job: string): Date | null {
    const r = this.db.prepare(`select max(scheduled_for) as t from job_runs where job = ?`).get(job) as { t: string | null }
    return r.t ? new Date(r.t) : null
  }

  /** The last run of each job (any trigger), by job name. */
  lastRuns(): Map<string, JobRunRow> {
    const rows = this.db.prepare(`select r.* from job_runs r join (select job, max(id) as id from job_runs group by job) m on m.id = r.id`).all() as JobRunRow[]
    return new Map(rows.map((r) => [r.job, r]))
  }

  history(opts: { job?: string; limit?: number } = {}): JobRunRow[] {
    const limit = opts.limit ?? 50
    return (opts.job
      ? this.db.prepare(`select * from job_runs where job = ? order by id desc limit ?`).all(opts.job, limit)
      : this.db.prepare(`select * from job_runs order by id desc limit ?`).all(limit)) as JobRunRow[]
  }

  /** Deletes finished runs that started before `before`; returns how many. */
  pruneHistory(before: Date): number {
    return this.db.prepare(`delete from job_runs where started_at < ? and status <> 'running'`).run(iso(before)).changes
  }

  // ---------------------------------------------------------------- workers

  registerWorker(w: { id: string; pid: number; host: string; now: Date }): void {
    this.db
      .prepare(`insert into workers (id, pid, host, started_at, heartbeat_at, state) values (?, ?, ?, ?, ?, 'running') on conflict (id) do update set pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, state = 'running', stopped_at = null`)
      .run(w.id, w.pid, w.host, iso(w.now), iso(w.now))
  }

  heartbeat(id: string, now: Date, s: { state: 'running' | 'stopping'; running: Array<{ job: string; runId: number; since: string }>; nextJob: string | null; nextAt: Date | null }): void {
    this.db
      .prepare(`update workers set heartbeat_at = ?, state = ?, running_json = ?, next_job = ?, next_at = ? where id = ?`)
      .run(iso(now), s.state, JSON.stringify(s.running), s.nextJob, s.nextAt ? iso(s.nextAt) : null, id)
  }

  stopWorker(id: string, now: Date): void {
    this.db.prepare(`update workers set state = 'stopped', stopped_at = ?, heartbeat_at = ?, running_json = '[]', next_job = null, next_at = null where id = ?`).run(iso(now), iso(now), id)
  }

  workers(): WorkerRow[] {
    return this.db.prepare(`select * from workers order by heartbeat_at desc`).all() as WorkerRow[]
  }
}
