import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { PartialError } from '../core/errors.js'
import type { DemoSummary } from '../services/demo.js'

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary = 'The whole pipeline offline on sample sources: workspace, crawl, analysis, alerts, ranking, daily report (演示)'
  static override description = `Creates a workspace in DIR (default ./yuqing-demo), starts the sample sources server on 127.0.0.1
(Weibo, s.weibo.com, news feeds, news search, articles about 宝安区 and four Shenzhen peers over the
last 15 days), points the workspace's sources at it, crawls and analyses, checks alerts, ranks, and
writes yesterday's daily report (Asia/Shanghai) in md, html, pdf, docx and json under DIR/reports.
No network is used. Without Chromium, s.weibo.com is not crawled and the PDF is skipped, saying so.

Running it again on the same DIR reuses the demo workspace after deleting its database and reports.
A DIR that is not empty and not a demo workspace is refused unless --force.`
  static override args = { dir: Args.string({ description: 'Workspace directory (default: ./yuqing-demo)' }) }
  static override flags = {
    force: Flags.boolean({ description: 'Use DIR even if it is not a demo workspace (its yuqing.yaml is overwritten, data/yuqing.db and reports/ deleted)' }),
    'no-browser': Flags.boolean({ description: 'Do not use Chromium: no s.weibo.com crawl, no PDF' }),
  }
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo /tmp/yuqing-demo --json', '<%= config.bin %> demo --no-browser']

  async run(): Promise<void> {
    const { runDemo } = await import('../services/demo.js')
    const { createLogger } = await import('../core/logger.js')
    const res = await runDemo({
      dir: this.args.dir,
      force: this.flags.force,
      noBrowser: this.flags['no-browser'],
      log: createLogger(this.flags.verbose ? 'debug' : 'warn'),
      progress: (line) => process.stderr.write(line + '\n'),
    })
    this.output(res, render)
    if (!res.ok) throw new PartialError(`the demo finished with problems: ${res.problems.join('; ')}`, 'see the lines above; what worked is in the workspace')
  }
}

function render(r: DemoSummary): string {
  const m = r.mentions
  const by = Object.entries(m.bySource)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
  const sev = Object.entries(r.alerts.bySeverity)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
  const out = [
    '',
    `演示完成 demo finished in ${r.seconds.toFixed(1)} s: ${r.workspace.dir}`,
    `  舆情数据 mentions   ${m.stored} stored (${by}), ${m.analyzed} analysed, ${m.attributed} about ${m.region.name}`,
    `  预警 alerts         ${r.alerts.created}${sev ? ` (${sev})` : ''}, stored, not sent (no channels configured)`,
    `  排名 ranking        ${r.rank.ranked} of ${r.rank.regions} regions ranked, ${r.rank.from} to ${r.rank.to}`,
    `  日报 daily report   ${r.report.date}:`,
    ...r.report.files.map((f) => `    ${f.format.padEnd(5)} ${f.path}`),
    ...r.report.skipped.map((s) => `    ${s.format.padEnd(5)} skipped: ${s.reason}`),
  ]
  if (r.problems.length) out.push('  问题 problems:', ...r.problems.map((p) => `    ! ${p}`))
  out.push('', '接下来试试 next:', ...r.next.map((c) => `  ${c}`))
  return out.join('\n')
}
