/**
 * The import use case as the CLI runs it: the import plus a progress bar on a TTY (stderr).
 */
import type { AppContext } from './context.js'
import { importFile, type ImportFormat, type ImportSummary } from './import.js'

export async function runImport(
  ctx: AppContext,
  file: string,
  opts: { format?: ImportFormat; batchSize?: number; rejectsFile?: string; progress?: boolean },
): Promise<ImportSummary> {
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
  try {
    return await importFile(store, file, {
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
}
