/**
 * The one file that imports node-cron (loaded lazily by the worker and the schedule commands).
 * node-cron decides what a cron expression means in a time zone: which instants match and which
 * comes next. The worker's own loop (schedule/scheduler.ts) fires the jobs, because it must run
 * on an injectable clock, share leases with other processes through SQLite and catch up after
 * an outage, which node-cron's in-process timers cannot.
 *
 * Semantics are node-cron 4's: 5 fields (minute hour day month weekday) or 6 with seconds first;
 * when both day-of-month and weekday are restricted, a time must match both.
 */
import type { ScheduledTask } from 'node-cron'

export interface CronTimes {
  readonly expression: string
  readonly timezone: string
  /** Whether `at` (to the second) is one of the expression's times. */
  matches(at: Date): boolean
  /** The first time strictly after `after`. */
  next(after: Date): Date
  /** The last time at or before `at`, looking back at most `withinMs`; null if none. */
  previous(at: Date, withinMs: number): Date | null
}

type Cron = typeof import('node-cron')
let cron: Cron | undefined

/** Loads node-cron once (the worker and `schedule` commands call this before cronTimes). */
export async function loadCron(): Promise<void> {
  cron ??= await import('node-cron')
}

/** node-cron's matcher; `getNextMatch` is internal in 4.6.0 (pinned), with a stepping fallback. */
interface Matcher {
  match(d: Date): boolean
  getNextMatch?(d: Date): Date
}

export function cronTimes(expression: string, timezone: string): CronTimes {
  if (!cron) throw new Error('cronTimes() before loadCron()')
  if (!cron.validate(expression)) throw new RangeError(`not a cron expression: ${expression}`)
  const task = cron.createTask(expression, () => undefined, { timezone, name: expression }) as ScheduledTask & { timeMatcher?: Matcher }
  // A created task is stopped and holds no timer; it is only used for its matcher.
  const matcher: Matcher = task.timeMatcher ?? { match: (d) => task.match(d) }
  const sixFields = expression.trim().split(/\s+/).length === 6
  const step = sixFields ? 1000 : 60_000
  const next = (after: Date): Date => {
    if (matcher.getNextMatch) {
      const n = matcher.getNextMatch(new Date(Math.floor(after.getTime() / 1000) * 1000))
      if (n.getTime() > after.getTime()) return n
    }
    // Fallback: step through whole seconds or minutes (a year at most).
    let t = Math.floor(after.getTime() / step) * step + step
    for (const end = t + 366 * 86_400_000; t < end; t += step) if (matcher.match(new Date(t))) return new Date(t)
    throw new RangeError(`${expression} has no time within a year of ${after.toISOString()}`)
  }
  return {
    expression,
    timezone,
    matches: (at) => matcher.match(new Date(Math.floor(at.getTime() / 1000) * 1000)),
    next,
    previous(at, withinMs) {
      // Look back over windows doubling from one step until one holds a time, then walk forward
      // in it: a few steps whether the job runs every second or once a year.
      const end = at.getTime()
      for (let w = step; ; w *= 2) {
        const span = Math.min(w, withinMs)
        let t = next(new Date(end - span - 1))
        if (t.getTime() <= end) {
          for (let n = next(t); n.getTime() <= end; n = next(n)) t = n
          return t
        }
        if (span >= withinMs) return null
      }
    },
  }
}
