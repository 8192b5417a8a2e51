/**
 * `yuqing worker` as real processes on one SQLite file, crawling the sample sources server on
 * loopback: two workers never run a job at the same time; a SIGKILLed worker's lease is taken
 * over once it expires and its run is recorded as aborted; SIGTERM during a crawl stops it after
 * a committed page, within the grace time, with a consistent database; `worker status` and
 * `schedule history` report it all.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSampleServer, type SampleServer } from '../../src/sample/server.js'
import { SqliteStore } from '../../src/store/sqlite.js'
import type { JobRunRow } from '../../src/store/jobs.js'
import { BIN, ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'
import { sampleConfig, weiboAt } from '../helpers/fixtures.js'

let ws: { dir: string; cleanup: () => void }
let server: SampleServer
const children: ChildProcess[] = []

/** A workspace config: one crawl job (every `every` seconds), leases of `lease` s, heartbeats every 2 s. */
function config(name: string, o: { every: number; lease: number; grace?: number; maxPages?: number }): string {
  return sampleConfig(
    ws.dir,
    name,
    `sources:
${weiboAt(server.url, { maxPages: o.maxPages ?? 3, hotComments: 0 })}  news: { enabled: false }
schedule:
  worker: { leaseSeconds: ${o.lease}, heartbeatSeconds: 2, graceSeconds: ${o.grace ?? 10}, logDir: logs-${name} }
  jobs:
    - { name: crawl-weibo, task: crawl, cron: "*/${o.every} * * * * *", sources: [weibo], timeoutMinutes: 5 }
`,
  )
}

interface Worker {
  child: ChildProcess
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
}

function startWorker(cfg: string): Worker {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
  delete env.NODE_ENV
  delete env.YUQING_CONFIG
  delete env.YUQING_DB
  const child = spawn(process.execPath, [BIN, 'worker', '--config', cfg], { cwd: ws.dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  child.stdout!.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })))
  return { child, stderr: () => err, exited }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Reads the job tables (a separate connection, as an operator's command would). */
function read<T>(db: string, f: (s: SqliteStore) => T): T {
  const s = SqliteStore.open(path.join(ws.dir, db), { readonly: true })
  try {
    return f(s)
  } finally {
    s.close()
  }
}

/** Polls `f` (reading the database once it exists) until it returns something truthy. */
async function until<T>(what: string, db: string, f: () => T | null | undefined | false, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = existsSync(path.join(ws.dir, db)) ? f() : null
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}

/** No two runs of the job overlap in time (started_at .. finished_at). */
function assertNoOverlap(runs: JobRunRow[]): void {
  const real = runs.filter((r) => r.status !== 'skipped').sort((a, b) => a.started_at.localeCompare(b.started_at))
  for (let i = 1; i < real.length; i++) {
    const prev = real[i - 1]!
    expect(prev.finished_at, `run ${prev.id} unfinished`).not.toBeNull()
    expect(real[i]!.started_at >= prev.finished_at!, `run ${real[i]!.id} (${real[i]!.worker_id}) started at ${real[i]!.started_at}, before run ${prev.id} (${prev.worker_id}) finished at ${prev.finished_at}`).toBe(true)
  }
}

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  // 250 ms per answer: a crawl of 2 keywords × 3 pages takes a couple of seconds, longer than its 1-second schedule.
  server = await startSampleServer({ now: new Date(Date.now() - 60_000), latencyMs: 250 })
})
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await server.close()
  ws.cleanup()
})

describe('yuqing worker, two processes on one database', () => {
  it('never runs a job twice at the same time, and both stop cleanly on SIGTERM', async () => {
    const cfg = config('pair', { every: 1, lease: 5 })
    const a = startWorker(cfg)
    const b = startWorker(cfg)
    // Until at least four crawls have finished.
    await until('four finished crawls', 'pair.db', () => read('pair.db', (s) => s.jobs().history({ limit: 1000 }).filter((r) => r.status === 'ok').length >= 4), 60_000)
    const status = await runCli(['worker', 'status', '--config', cfg, '--json'], { cwd: ws.dir })
    expect(status.code, status.stderr).toBe(0)
    const st = parseJson(status)
    expect(st.alive, `${JSON.stringify(st.workers)}\n${a.stderr()}\n${b.stderr()}`).toBe(2)
    const t0 = Date.now()
    a.child.kill('SIGTERM')
    b.child.kill('SIGTERM')
    const [ea, eb] = await Promise.all([a.exited, b.exited])
    expect(ea.code, a.stderr()).toBe(0)
    expect(eb.code, b.stderr()).toBe(0)
    expect(Math.max(ea.at, eb.at) - t0).toBeLessThan(10_000 + 5_000) // the grace time, and a margin for exiting

    const runs = read('pair.db', (s) => s.jobs().history({ limit: 10_000 }))
    assertNoOverlap(runs)
    // Each cron time at most once, across both workers.
    const slots = runs.map((r) => r.scheduled_for)
    expect(new Set(slots).size).toBe(slots.length)
    // Both workers took part: each either ran the job or left a time to the other.
    expect(new Set(runs.filter((r) => r.status !== 'skipped').map((r) => r.worker_id)).size).toBeGreaterThanOrEqual(1)
    expect(a.stderr() + b.stderr()).toMatch(/is left to .*, which holds the lease|is skipped: run \d+/)
    expect(runs.every((r) => r.status !== 'running')).toBe(true)
    const workers = read('pair.db', (s) => s.jobs().workers())
    expect(workers.map((w) => w.state)).toEqual(['stopped', 'stopped'])
    // Logs went to the rotating file too.
    expect(readFileSync(path.join(ws.dir, 'logs-pair', 'worker.log'), 'utf8')).toMatch(/\[crawl-weibo\] run \d+ ok/)
  })

  it('takes over the lease of a SIGKILLed worker once it expires, records the lost run as aborted, and SIGTERM mid-crawl keeps a consistent database', async () => {
    // Slower crawls (2 keywords × 10 pages at 250 ms) and a 3-second lease.
    const cfg = config('kill', { every: 2, lease: 3, grace: 10, maxPages: 10 })
    const a = startWorker(cfg)
    const lease = await until('a running crawl', 'kill.db', () => read('kill.db', (s) => s.jobs().lease('crawl-weibo')))
    const b = startWorker(cfg)
    const victim = a.stderr().includes(lease.holder) ? a : b
    const survivor = victim === a ? b : a
    expect(victim.stderr()).toContain(lease.holder)
    victim.child.kill('SIGKILL')
    const killedAt = Date.now()
    await victim.exited
    // The survivor takes the job over after the lease expires.
    const taken = await until('the takeover', 'kill.db', () => read('kill.db', (s) => s.jobs().history({ limit: 100 }).find((r) => r.status === 'running' && r.worker_id !== lease.holder)), 30_000)
    expect(Date.parse(taken.started_at) - killedAt).toBeGreaterThanOrEqual(-1000) // not before the kill…
    const lost = read('kill.db', (s) => s.jobs().history({ limit: 100 }).find((r) => r.id === lease.run_id)!)
    expect(lost.status).toBe('aborted')
    expect(lost.error).toMatch(/lost its lease/)
    // …and only once the lease had expired (3 s after its last renewal).
    expect(Date.parse(taken.started_at)).toBeGreaterThanOrEqual(Date.parse(lease.expires_at) - 5_000)
    expect(survivor.stderr()).toMatch(/took over the lease of .* \(expired\)/)
    // The killed worker shows as lost once its heartbeat is older than 3 intervals (6 s).
    await sleep(Math.max(0, killedAt + 6_500 - Date.now()))
    const st = parseJson(await runCli(['worker', 'status', '--config', cfg, '--json'], { cwd: ws.dir }))
    expect(st.workers.find((w: { id: string }) => w.id === lease.holder)).toMatchObject({ alive: false, state: 'lost' })
    expect(st.workers.find((w: { id: string }) => w.id !== lease.holder)).toMatchObject({ alive: true, state: 'running' })
    expect(st.workers.find((w: { id: string }) => w.id !== lease.holder).running[0]).toMatchObject({ job: 'crawl-weibo' })

    // SIGTERM while the survivor crawls: it stops after a committed page, within the grace time.
    await until('pages stored by the running crawl', 'kill.db', () => read('kill.db', (s) => (s.db.prepare(`select max(pages) as p from crawl_runs where status = 'running'`).get() as { p: number | null }).p))
    const running = read('kill.db', (s) => s.jobs().lease('crawl-weibo'))!
    const t0 = Date.now()
    survivor.child.kill('SIGTERM')
    const e = await survivor.exited
    expect(e.code, survivor.stderr()).toBe(0)
    expect(e.at - t0).toBeLessThan(10_000 + 5_000)
    const runs = read('kill.db', (s) => s.jobs().history({ limit: 100 }))
    assertNoOverlap(runs.filter((r) => r.id !== lease.run_id)) // the killed run never finished
    const last = runs.find((r) => r.id === running.run_id)!
    expect(last.status).toBe('aborted')
    expect(last.error).toMatch(/worker stopping before it finished \(committed batches kept\)/)
    const check = await runCli(['db', 'check', '--config', cfg], { cwd: ws.dir })
    expect(check.code, check.stderr).toBe(0)
    // Every stored mention is counted by a crawl run, and no comment lacks its post.
    read('kill.db', (s) => {
      const inserted = (s.db.prepare(`select sum(inserted) as n from crawl_runs`).get() as { n: number }).n
      expect(s.countMentions()).toBe(inserted)
      const orphans = s.db.prepare(`select count(*) as n from mentions c where c.platform_id like 'c%' and not exists (select 1 from mentions p where p.platform_id = json_extract(c.extra_json, '$.postMid'))`).get() as { n: number }
      expect(orphans.n).toBe(0)
      expect(s.jobs().workers().find((w) => w.id !== lease.holder)!.state).toBe('stopped')
    })
    const hist = await runCli(['schedule', 'history', '--config', cfg, '--json'], { cwd: ws.dir })
    expect(parseJson(hist).map((r: { status: string }) => r.status)).toContain('aborted')
  })
})
