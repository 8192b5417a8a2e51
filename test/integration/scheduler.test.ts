/**
 * The worker's scheduler on a fake clock (vitest fake timers drive Date and setTimeout, which the
 * scheduler uses through systemClock and realSleep, as in production), with node-cron's times
 * and the real SQLite job tables: 30 simulated days of every job at its Asia/Shanghai times, no
 * overlap, a 2-hour outage caught up exactly once, and a stop during a job that leaves only
 * whole batches.
 *
 * The expected times are computed here by plain arithmetic (Beijing is UTC+8, no DST), not by
 * node-cron, so the test checks the cron reading too.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { cronTimes, loadCron } from '../../src/schedule/cron.js'
import { Scheduler, runJobNow, type JobRunner, type JobSpec } from '../../src/schedule/scheduler.js'
import { SqliteStore } from '../../src/store/sqlite.js'

const H = 3_600_000
const MIN = 60_000
const DAY = 86_400_000
/** 2026-11-01 00:00 Beijing time. */
const T0 = Date.UTC(2026, 9, 31, 16, 0, 0)

const job = (name: string, task: string, cron: string, extra: Partial<JobSpec> = {}): JobSpec => ({ name, task, cron, enabled: true, jitterSeconds: 0, timeoutMinutes: 60, ...extra })

const JOBS: JobSpec[] = [
  job('crawl-weibo', 'crawl', '*/30 * * * *', { jitterSeconds: 60, timeoutMinutes: 45 }),
  job('alerts', 'alerts', '*/5 * * * *', { timeoutMinutes: 4 }),
  job('daily-report', 'report-daily', '30 7 * * *'),
  job('weekly-rank', 'rank-weekly', '0 8 * * 1'),
  job('backup', 'backup', '0 3 * * *'),
]

/** Every Beijing-time wall clock instant in [from, to) that `f(localDate)` accepts, stepping `step`. */
function expectedTimes(from: number, to: number, step: number, f: (local: Date) => boolean): number[] {
  const out: number[] = []
  for (let t = Math.ceil(from / step) * step; t < to; t += step) if (f(new Date(t + 8 * H))) out.push(t)
  return out
}

interface Run {
  job: string
  start: number
  end: number
  scheduledFor: number | null
  trigger: string
}

/** A job runner that takes simulated time: crawls 7 min (every 50th: 40 min, longer than its interval), alerts 20 s, others 2 min. */
function simulatedRunner(runs: Run[]): JobRunner {
  let crawls = 0
  return async (j, signal, info) => {
    const start = Date.now()
    const ms = j.task === 'crawl' ? (++crawls % 50 === 0 ? 40 * MIN : 7 * MIN) : j.task === 'alerts' ? 20_000 : 2 * MIN
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
    })
    runs.push({ job: j.name, start, end: Date.now(), scheduledFor: info.scheduledFor?.getTime() ?? null, trigger: info.trigger })
    return { status: 'ok', counts: { ms } }
  }
}

function scheduler(store: SqliteStore, runs: Run[], id: string, jobs = JOBS, run: JobRunner = simulatedRunner(runs)): Scheduler {
  let seed = 7
  return new Scheduler({
    jobs,
    times: jobs.map((j) => cronTimes(j.cron, 'Asia/Shanghai')),
    store: store.jobs(),
    run,
    workerId: id,
    clock: systemClock,
    log: silentLogger,
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
  })
}

beforeAll(async () => {
  await loadCron()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('scheduler over 30 simulated days (Asia/Shanghai)', () => {
  it('fires every job at its times, never overlaps, skips a time that comes while its run goes on, and catches up a 2-hour outage exactly once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(T0)
    const store = SqliteStore.open(':memory:')
    const runs: Run[] = []
    let s = scheduler(store, runs, 'w1')
    s.start()
    // Days 1–9, then the worker goes down at 06:02 on day 10 (local, during the 06:00 crawl) for two hours.
    const downAt = T0 + 9 * DAY + 6 * H + 2 * MIN
    const upAt = T0 + 9 * DAY + 8 * H + 5 * MIN // 08:05
    await vi.advanceTimersByTimeAsync(downAt - T0)
    await s.stop()
    await vi.advanceTimersByTimeAsync(upAt - Date.now())
    s = scheduler(store, runs, 'w2')
    s.start()
    const end = T0 + 30 * DAY
    await vi.advanceTimersByTimeAsync(end - 1 - Date.now())
    await s.stop()
    const history = store.jobs().history({ limit: 100_000 })
    store.close()

    const byJob = (name: string) => history.filter((r) => r.job === name)
    const slots = (name: string, status = 'ok') => byJob(name).filter((r) => r.status === status).map((r) => Date.parse(r.scheduled_for!)).sort((a, b) => a - b)
    const outage = (t: number) => t > downAt && t < upAt

    // Daily report: 07:30 local every day; the one in the outage (day 10) is run once, at restart.
    const reports = expectedTimes(T0, end, MIN, (d) => d.getUTCHours() === 7 && d.getUTCMinutes() === 30)
    expect(reports).toHaveLength(30)
    expect(slots('daily-report')).toEqual(reports)
    const caught = byJob('daily-report').filter((r) => r.trigger === 'catch-up')
    expect(caught).toHaveLength(1)
    expect(Date.parse(caught[0]!.scheduled_for!)).toBe(T0 + 9 * DAY + 7.5 * H)
    expect(Date.parse(caught[0]!.started_at)).toBe(upAt)

    // Weekly ranking: Mondays 08:00 local (2026-11-02, 09, 16, 23, 30).
    expect(slots('weekly-rank')).toEqual(expectedTimes(T0, end, MIN, (d) => d.getUTCDay() === 1 && d.getUTCHours() === 8 && d.getUTCMinutes() === 0))
    expect(slots('weekly-rank')).toHaveLength(5)
    // Backup: 03:00 local (19:00Z the day before).
    expect(slots('backup')).toEqual(expectedTimes(T0, end, H, (d) => d.getUTCHours() === 3))

    // Crawl every 30 min and alerts every 5 min: each time once (ok or skipped), none in the
    // outage except the latest, caught up once at restart.
    for (const [name, step] of [
      ['crawl-weibo', 30 * MIN],
      ['alerts', 5 * MIN],
    ] as const) {
      const all = expectedTimes(T0, end, step, () => true)
      const recorded = byJob(name).map((r) => Date.parse(r.scheduled_for!)).sort((a, b) => a - b)
      const latestMissed = Math.max(...all.filter((t) => outage(t)))
      expect(recorded).toEqual(all.filter((t) => !outage(t) || t === latestMissed))
      expect(byJob(name).filter((r) => r.trigger === 'catch-up').map((r) => Date.parse(r.scheduled_for!))).toEqual([latestMissed])
      expect(new Set(recorded).size).toBe(recorded.length)
    }
    // Every 50th crawl took 40 min: the next time was skipped, recorded as such.
    const skipped = byJob('crawl-weibo').filter((r) => r.status === 'skipped')
    expect(skipped.length).toBeGreaterThanOrEqual(20)
    for (const k of skipped) expect(k.error).toMatch(/was still going/)

    // Start times: at the cron time (crawls within their 60 s jitter); no two runs of a job overlap.
    for (const r of runs.filter((x) => x.scheduledFor !== null)) {
      // Caught-up runs start at the restart (plus jitter), the others at their time.
      const late = r.start - (r.trigger === 'catch-up' ? upAt : r.scheduledFor!)
      expect(late).toBeGreaterThanOrEqual(0)
      expect(late).toBeLessThanOrEqual(r.job === 'crawl-weibo' ? 60_000 : 0)
    }
    expect(new Set(runs.filter((r) => r.job === 'crawl-weibo').map((r) => r.start - r.scheduledFor!)).size).toBeGreaterThan(50) // jitter varies
    for (const j of JOBS) {
      const rs = runs.filter((r) => r.job === j.name).sort((a, b) => a.start - b.start)
      for (let i = 1; i < rs.length; i++) expect(rs[i]!.start, `${j.name} run ${i}`).toBeGreaterThanOrEqual(rs[i - 1]!.end)
    }
    // The stop at 06:02 on day 10 aborted the 06:00 crawl (it was running); nothing is left running.
    expect(byJob('crawl-weibo').filter((r) => r.status === 'aborted').map((r) => Date.parse(r.scheduled_for!))).toEqual([T0 + 9 * DAY + 6 * H])
    expect(history.every((r) => r.status !== 'running')).toBe(true)
  })

  it('stops gracefully: a running job finishes its batch and is recorded aborted; one that ignores the stop is abandoned after the grace time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(T0 + 1000) // just after 00:00, so the hourly jobs first run at 01:00
    const store = SqliteStore.open(':memory:')
    store.db.exec('create table batches (job text, n integer)')
    const insert = store.db.prepare('insert into batches values (?, ?)')
    const committed: Record<string, number> = { polite: 0, stubborn: 0 }
    // Each batch: 10 rows in one transaction, one batch a minute; `polite` checks the signal between batches.
    const run: JobRunner = async (j, signal) => {
      for (let b = 0; b < 1000; b++) {
        if (j.name === 'polite' && signal.aborted) return { status: 'ok' }
        await new Promise((r) => setTimeout(r, MIN))
        store.db.transaction(() => {
          for (let i = 0; i < 10; i++) insert.run(j.name, b)
        })()
        committed[j.name]!++
      }
      return { status: 'ok' }
    }
    const jobs = [job('polite', 'crawl', '0 * * * *'), job('stubborn', 'crawl', '0 * * * *')]
    const s = scheduler(store, [], 'w', jobs, run)
    s.start()
    await vi.advanceTimersByTimeAsync(H + 5 * MIN + 29_000) // both running since 01:00, 5 batches in
    const stopping = s.stop()
    await vi.advanceTimersByTimeAsync(31_000) // grace is 30 s
    const r = await stopping
    expect(r).toEqual({ finished: ['polite'], abandoned: ['stubborn'] })
    const rows = store.jobs().history()
    const polite = rows.find((x) => x.job === 'polite')!
    const stubborn = rows.find((x) => x.job === 'stubborn')!
    expect(polite.status).toBe('aborted')
    expect(polite.error).toMatch(/worker stopping before it finished \(committed batches kept\)/)
    expect(stubborn.status).toBe('aborted')
    expect(stubborn.error).toMatch(/did not stop within 30 s/)
    // Only whole batches are stored: 10 rows per batch counted as committed.
    const count = (name: string) => (store.db.prepare('select count(*) as n from batches where job = ?').get(name) as { n: number }).n
    expect(count('polite')).toBe(committed.polite! * 10)
    expect(committed.polite).toBe(6) // 5 before the stop, and the one under way when it came
    expect(count('stubborn') % 10).toBe(0)
    // The leases are released and the worker is recorded as stopped.
    expect(store.jobs().lease('polite')).toBeNull()
    expect(store.jobs().lease('stubborn')).toBeNull()
    expect(store.jobs().workers()[0]).toMatchObject({ id: 'w', state: 'stopped' })
    store.close()
  })

  it('times a run out after timeoutMinutes, and a manual run shares the lease', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(T0 + 1000)
    const store = SqliteStore.open(':memory:')
    const slow: JobRunner = (_j, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ status: 'ok' }), { once: true }))
    const jobs = [job('slow', 'crawl', '0 * * * *', { timeoutMinutes: 10 })]
    const s = scheduler(store, [], 'w', jobs, slow)
    s.start()
    await vi.advanceTimersByTimeAsync(H + 5 * MIN - 1000) // running since 01:00
    // A manual run while the worker's run holds the lease is refused.
    const manual = await runJobNow({ job: jobs[0]!, store: store.jobs(), run: slow, holder: 'manual:1', clock: systemClock, log: silentLogger })
    expect(manual).toMatchObject({ held: { holder: 'w' } })
    await vi.advanceTimersByTimeAsync(6 * MIN)
    const first = store.jobs().history({ job: 'slow' })[0]!
    expect(first).toMatchObject({ status: 'timeout', trigger: 'schedule' })
    expect(first.error).toMatch(/timed out after 10 min/)
    expect(Date.parse(first.finished_at!) - Date.parse(first.started_at)).toBe(10 * MIN)
    await s.stop()
    store.close()
  })
})

describe('leases (two holders, one database)', () => {
  it('refuses a held lease, takes over an expired one (recording the lost run as aborted), and runs a cron time once', () => {
    const store = SqliteStore.open(':memory:')
    const jobs = store.jobs()
    const at = new Date(T0)
    const slot = new Date(T0)
    const a = jobs.acquire({ job: 'j', task: 'crawl', holder: 'A', trigger: 'schedule', scheduledFor: slot, now: at, leaseMs: 60_000 })
    expect(a.ok).toBe(true)
    expect(jobs.acquire({ job: 'j', task: 'crawl', holder: 'B', trigger: 'manual', scheduledFor: null, now: new Date(T0 + 59_000), leaseMs: 60_000 })).toMatchObject({ ok: false, reason: 'held' })
    // A renews; B still refused after the first expiry.
    expect(jobs.renew('j', 'A', new Date(T0 + 30_000), 60_000)).toBe(true)
    expect(jobs.acquire({ job: 'j', task: 'crawl', holder: 'B', trigger: 'manual', scheduledFor: null, now: new Date(T0 + 75_000), leaseMs: 60_000 }).ok).toBe(false)
    // A dies: after its lease expires, B takes over; A's run is aborted, A can no longer renew.
    const b = jobs.acquire({ job: 'j', task: 'crawl', holder: 'B', trigger: 'manual', scheduledFor: null, now: new Date(T0 + 91_000), leaseMs: 60_000 })
    expect(b).toMatchObject({ ok: true, tookOverFrom: { holder: 'A', runId: a.ok ? a.runId : -1 } })
    expect(jobs.renew('j', 'A', new Date(T0 + 92_000), 60_000)).toBe(false)
    const aRun = jobs.history().find((r) => r.worker_id === 'A')!
    expect(aRun.status).toBe('aborted')
    expect(aRun.error).toMatch(/lost its lease: A stopped renewing it/)
    // A's late finish does not overwrite the abort nor release B's lease.
    jobs.finish(aRun.id, 'j', 'A', 'ok', new Date(T0 + 93_000), null, null)
    expect(jobs.history().find((r) => r.id === aRun.id)!.status).toBe('aborted')
    expect(jobs.lease('j')!.holder).toBe('B')
    jobs.finish(b.ok ? b.runId : -1, 'j', 'B', 'ok', new Date(T0 + 94_000), { n: 1 }, null)
    expect(jobs.lease('j')).toBeNull()
    // The cron time A held is never run again.
    expect(jobs.acquire({ job: 'j', task: 'crawl', holder: 'B', trigger: 'schedule', scheduledFor: slot, now: new Date(T0 + 95_000), leaseMs: 60_000 })).toMatchObject({ ok: false, reason: 'done' })
    store.close()
  })
})
