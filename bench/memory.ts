/**
 * Polls a child process's memory from /proc (Linux) every 50 ms: the kernel's peak (VmHWM) and
 * the resident size over time, stamped with `performance.now()`, so a bench can say which phase
 * of a run the peak belongs to. Elsewhere it records nothing.
 */
import { readFileSync } from 'node:fs'

export interface MemoryPoll {
  /** Stops polling; peak in MB (null when unreadable) and [time, MB] samples. */
  stop(): { peakMb: number | null; rss: Array<[number, number]> }
}

export function pollMemory(pid: number | undefined): MemoryPoll {
  let peak: number | null = null
  const rss: Array<[number, number]> = []
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const m = /VmHWM:\s+(\d+) kB/.exec(status)
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) / 1024)
      const r = /VmRSS:\s+(\d+) kB/.exec(status)
      if (r) rss.push([performance.now(), Number(r[1]) / 1024])
    } catch {
      /* exited, or not Linux */
    }
  }, 50)
  return {
    stop() {
      clearInterval(timer)
      return { peakMb: peak, rss }
    },
  }
}
