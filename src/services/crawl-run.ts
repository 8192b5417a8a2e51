/**
 * `yuqing crawl` as the CLI runs it: a live per-source display on a TTY (pages, new mentions,
 * errors, current wait), and SIGINT/SIGTERM abort the requests in flight; every page already
 * stored stays stored and the run is recorded as aborted (a second signal exits at once).
 */
import type { AppContext } from './context.js'
import { runCrawl, type CrawlProgress, type CrawlRequest, type CrawlSummary } from './crawl.js'

function line(p: CrawlProgress): string {
  const state = p.state === 'done' ? '完成' : p.state === 'waiting' ? `等待 ${(p.waitingMs / 1000).toFixed(1)} s` : '抓取中'
  return `${p.source.padEnd(13)} ${state.padEnd(12)} 页 ${String(p.pages).padStart(4)}  新增 ${String(p.inserted).padStart(5)}  错误 ${p.errors}`
}

export async function runCrawlCli(ctx: AppContext, req: Omit<CrawlRequest, 'signal' | 'onProgress'> & { live?: boolean }): Promise<CrawlSummary> {
  const ac = new AbortController()
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(130)
    process.stderr.write(`\n${sig}: stopping; pages already stored are kept (again to quit now)\n`)
    ac.abort(new Error(`stopped by ${sig}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let shown = 0
  const draw = (ps: CrawlProgress[]) => {
    const out = (shown ? `\x1b[${shown}A` : '') + ps.map((p) => `\x1b[2K${line(p)}\n`).join('')
    shown = ps.length
    process.stderr.write(out)
  }
  try {
    return await runCrawl(ctx, { ...req, signal: ac.signal, onProgress: req.live ? draw : undefined })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
