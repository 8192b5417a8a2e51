/**
 * `yuqing worker`: the long-running process. Builds the scheduler from `schedule.jobs`, logs to
 * stderr and to `<logDir>/worker.log` (rotated), and stops gracefully on stop(): no new runs,
 * running jobs get `graceSeconds` to commit their batch.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { rotatingLogFile } from '../core/log-file.js'
import { createLogger, type LogLevel } from '../core/logger.js'
import { isoWithOffset } from '../core/time.js'
import type { Scheduler, Sleep } from '../schedule/scheduler.js'
import type { AppContext } from './context.js'
import { jobTimes } from './schedule.js'

export interface WorkerOptions {
  level?: LogLevel
  /** Also write log lines here (default: stderr). */
  write?: (line: string) => void
  sleep?: Sleep
  random?: () => number
}

export interface WorkerHandle {
  id: string
  logFile: string
  scheduler: Scheduler
  /** Stops gracefully; resolves when the worker has stopped. */
  stop(): Promise<{ finished: string[]; abandoned: string[] }>
}

export async function startWorker(ctx: AppContext, opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const conf = ctx.config.schedule
  const logFile = rotatingLogFile(path.join(path.resolve(ctx.baseDir, conf.worker.logDir), 'worker.log'))
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'))
  const log = createLogger(opts.level ?? 'info', (line) => {
    const stamped = `${isoWithOffset(ctx.clock.now(), conf.timezone)} ${line}`
    write(stamped)
    logFile.write(stamped)
  })
  const wctx: AppContext = { ...ctx, log }
  const times = await jobTimes(ctx)
  const { Scheduler } = await import('../schedule/scheduler.js')
  const { taskRunner } = await import('./jobs.js')
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const store = ctx.store()
  const scheduler = new Scheduler({
    jobs: conf.jobs,
    times,
    store: store.jobs(),
    run: taskRunner(wctx),
    workerId: id,
    host: os.hostname(),
    clock: ctx.clock,
    sleep: opts.sleep,
    random: opts.random,
    log,
    leaseMs: conf.worker.leaseSeconds * 1000,
    heartbeatMs: conf.worker.heartbeatSeconds * 1000,
    graceMs: conf.worker.graceSeconds * 1000,
    formatTime: (d) => isoWithOffset(d, conf.timezone),
  })
  const enabled = conf.jobs.filter((j) => j.enabled)
  log.info(`worker ${id} started on ${store.path}: ${enabled.length} jobs (${enabled.map((j) => j.name).join(', ') || 'none'}), time zone ${conf.timezone}; log ${logFile.file}`)
  scheduler.start()
  const up = scheduler.upcoming()[0]
  if (up) log.info(`next: ${up.job} at ${isoWithOffset(up.at, conf.timezone)}`)
  return {
    id,
    logFile: logFile.file,
    scheduler,
    async stop() {
      log.info(`stopping: no new runs; running jobs get ${conf.worker.graceSeconds} s to commit`)
      const r = await scheduler.stop()
      log.info(`stopped${r.finished.length ? `; finished: ${r.finished.join(', ')}` : ''}${r.abandoned.length ? `; abandoned (rolled back): ${r.abandoned.join(', ')}` : ''}`)
      return r
    },
  }
}
