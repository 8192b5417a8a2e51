/**
 * reanalyze as the CLI runs it: a progress bar on a TTY (stderr), and SIGINT/SIGTERM stop after
 * the batch being written commits (a second signal exits at once; the open transaction rolls back).
 */
import { reanalyze, type ReanalyzeRequest, type ReanalyzeResult } from './analyze.js'

export async function runReanalyze(ctx: Parameters<typeof reanalyze>[0], req: Omit<ReanalyzeRequest, 'onProgress' | 'shouldStop'> & { progress?: boolean }): Promise<ReanalyzeResult> {
  let stop = false
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop) process.exit(130)
    stop = true
    process.stderr.write(`\n${sig}: stopping after the current batch commits (again to quit now)\n`)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let bar: { start(total: number, v: number): void; update(v: number): void; setTotal(t: number): void; stop(): void } | undefined
  if (req.progress) {
    const { default: cliProgress } = await import('cli-progress')
    bar = new cliProgress.SingleBar({ format: 'analysing [{bar}] {percentage}% {value}/{total} mentions, {eta_formatted} left', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
  }
  let started = false
  try {
    return await reanalyze(ctx, {
      ...req,
      shouldStop: () => stop,
      onProgress: (done, total) => {
        if (!bar) return
        if (!started) {
          bar.start(total, done)
          started = true
        } else bar.update(done)
      },
    })
  } finally {
    bar?.stop()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
