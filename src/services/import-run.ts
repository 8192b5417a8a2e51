/**
 * The import use case as the CLI runs it: the import plus a progress bar on a TTY (stderr), then
 * (unless --no-analyze) the analysis of what is new or changed, the same pipeline crawled
 * mentions go through (reanalyze: resumable, so an interrupted analysis finishes next time).
 */
import type { AppContext } from './context.js'
import { importFile, type ImportFormat, type ImportSummary } from './import.js'
import type { ReanalyzeResult } from './analyze.js'

export type ImportRunSummary = ImportSummary & { analysis?: Pick<ReanalyzeResult, 'analyzed' | 'withRegions' | 'seconds' | 'version' | 'stopped'> }

export async function runImport(
  ctx: AppContext,
  file: string,
  opts: { format?: ImportFormat; batchSize?: number; rejectsFile?: string; progress?: boolean; analyze?: boolean },
): Promise<ImportRunSummary> {
  const store = ctx.store()
  let bar: { update(v: number, p?: object): void; stop(): void; start(t: number, v: number, p?: object): void } | undefined
  if (opts.progress) {
    const { default: cliProgress } = await import('cli-progress')
    bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: '导入 {bar} {percentage}% | {rows} rows | +{inserted} ~{updated} ={unchanged} ✖{rejected}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
  }
  let started = false
  let summary: ImportSummary
  try {
    summary = await importFile(store, file, {
      format: opts.format,
      batchSize: opts.batchSize,
      rejectsFile: opts.rejectsFile,
      clock: ctx.clock,
      input: file === '-' ? process.stdin : undefined,
      onProgress: (p) => {
        if (!bar) return
        const payload = { rows: p.rows, inserted: p.inserted, updated: p.updated, unchanged: p.unchanged, rejected: p.rejected }
        if (!started) {
          bar.start(p.totalBytes ?? 1, 0, payload)
          started = true
        }
        bar.update(p.totalBytes ? Math.min(p.bytesRead, p.totalBytes) : 0, payload)
      },
    })
  } finally {
    if (started) bar?.stop()
  }
  if (opts.analyze === false || summary.inserted + summary.updated === 0) return summary
  const { runReanalyze } = await import('./analyze-run.js')
  const a = await runReanalyze(ctx, { progress: opts.progress })
  return { ...summary, analysis: { analyzed: a.analyzed, withRegions: a.withRegions, seconds: a.seconds, version: a.version, stopped: a.stopped } }
}
