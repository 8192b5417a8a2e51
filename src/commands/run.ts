import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { AppError, PartialError } from '../core/errors.js'
import type { MainRunResult } from '../services/main-run.js'

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'The main job once: crawl every enabled source, check alerts, write the daily report (抓取 + 预警 + 日报)'
  static override description = `For a cron line or a systemd timer in the morning. Crawls the configured sources once (as
\`yuqing crawl\` with no arguments; a new workspace's first run reaches back to the start of the report
day), checks the alert rules, then writes the daily report (日报) of yesterday (report.timezone), which
the crawl has just completed, for every watched region (--region for one), in report.formats
(--format to override), under report.outputDir. A source that fails does not stop the report: it is
written from what is stored, and its 数据说明 lists the failure. Exit 0 ok; 3 when a source failed or
stopped early and others succeeded, or alert deliveries failed; 1 when every source failed or a
report could not be written (the reports that could be are still written).`
  static override flags = {
    date: Flags.string({ description: 'Report day, YYYY-MM-DD (default yesterday in report.timezone)' }),
    format: Flags.string({ description: 'Report formats, comma-separated: terminal, md, html, pdf, docx, json (default report.formats)', multiple: true }),
    region: Flags.string({ description: 'Only this region (code or name; default every watched region)' }),
    since: Flags.string({ description: 'Crawl window: 24h, 3d, YYYY-MM-DD or ISO 8601 (default: since each source’s last run)' }),
  }
  static override examples = ['<%= config.bin %> --config /srv/yuqing/yuqing.yaml run', '<%= config.bin %> run --format md,pdf', '<%= config.bin %> run --date 2026-12-01 --region 440306 --json']

  async run(): Promise<void> {
    const { runMain } = await import('../services/main-run.js')
    const json = this.flags.json === true
    const res = await runMain(await this.context(), {
      date: this.flags.date,
      formats: this.flags.format,
      region: this.flags.region,
      since: this.flags.since,
      live: !json && process.stderr.isTTY === true,
      progress: (line) => process.stderr.write(line + '\n'),
    })
    this.output(res, render)
    if (res.status === 'ok') return
    const ran = (res.crawl?.sources ?? []).filter((s) => s.status !== 'disabled')
    const bad = ran.filter((s) => s.status !== 'ok').map((s) => `${s.source} ${s.status}${s.stopReason ? ` (${s.stopReason})` : ''}`)
    const reportProblems = res.problems.filter((p) => p.startsWith('report'))
    const other = res.problems.filter((p) => !p.startsWith('crawl') && !p.startsWith('report'))
    const parts = [
      ...(bad.length ? [`${bad.length === ran.length ? 'every source failed' : `${bad.length} of ${ran.length} sources did not finish`}: ${bad.join(', ')}`] : []),
      ...reportProblems,
      ...other,
    ]
    const message = parts.join('; ')
    if (res.status === 'failed')
      throw new AppError(message || 'the run failed', {
        hint: reportProblems.length
          ? `what was crawled is stored; once fixed, write the report alone with \`yuqing report daily --date ${res.date}\``
          : 'the report was written from what is stored; `yuqing sources test SOURCE` checks one request',
      })
    throw new PartialError(message, 'the report was written from what is stored; the problems are listed above')
  }
}

function render(r: MainRunResult): string {
  const out: string[] = []
  for (const rep of r.reports) if (rep.terminal) out.push(rep.terminal)
  out.push(`完成 done in ${r.seconds.toFixed(1)} s: 日报 daily report ${r.date}`)
  for (const rep of r.reports) {
    out.push(`  ${rep.region.name} ${rep.region.code}: ${rep.mentions} 条 mentions`)
    for (const f of rep.files) out.push(`    ${f.format.padEnd(5)} ${f.path}`)
  }
  if (r.alerts) out.push(`  预警 alerts: ${r.alerts.created} new, ${r.alerts.sent} sent`)
  for (const p of r.problems) out.push(`  ! ${p}`)
  return out.join('\n')
}
