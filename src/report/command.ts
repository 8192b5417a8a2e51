/**
 * What `report daily`, `report weekly` and `report monthly` share: flags, the call, the output.
 * Kept out of src/commands so oclif does not take it for a command.
 */
import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import type { ReportKind } from './model.js'
import type { ReportResult } from '../services/report.js'

export const reportFlags = {
  date: Flags.string({ description: 'The report day (daily), or a day in the week/month (weekly/monthly), YYYY-MM-DD in report.timezone' }),
  region: Flags.string({ description: 'Region code or name (default: the first region in the config)' }),
  format: Flags.string({
    description: 'Comma-separated: terminal, md, html, pdf, docx, json (default: terminal plus report.formats from the config)',
  }),
  out: Flags.string({ description: 'Directory for the files (default: report.outputDir, i.e. reports/ in the workspace)' }),
}

export interface ReportFlags {
  date?: string
  region?: string
  format?: string
  out?: string
  json?: boolean
}

export async function runReport(kind: ReportKind, flags: ReportFlags, ctxP: Promise<import('../services/context.js').AppContext>): Promise<ReportResult> {
  const { writeReport, parseFormats } = await import('../services/report.js')
  const ctx = await ctxP
  const formats = parseFormats(flags.format, ['terminal', ...ctx.config.report.formats])
  return writeReport(ctx, {
    kind,
    date: flags.date,
    region: flags.region,
    formats: flags.json ? formats.filter((f) => f !== 'terminal') : formats,
    outDir: flags.out,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  })
}

/** The terminal view, then where the files went. */
export function renderResult(r: ReportResult): string {
  const lines = r.terminal !== null ? [r.terminal, ''] : [r.model.title]
  if (r.files.length) lines.push('报告文件 (files):', ...r.files.map((f) => `  ${f.path}  (${f.bytes} bytes)`))
  return lines.join('\n')
}

/** JSON: the model and the files. */
export function jsonResult(r: ReportResult): { files: ReportResult['files']; report: ReportResult['model'] } {
  return { files: r.files, report: r.model }
}

/** The command class for one report kind (each file in src/commands/report exports one). */
export function reportCommand(kind: ReportKind, summary: string) {
  return class ReportCommand extends BaseCommand<typeof ReportCommand> {
    static override summary = summary
    static override description = [
      'Sections from INDEX.md 1.2: 舆情概况, 重点舆情/预警, 走势图, 情感分布, 热点事件 TOP10, 媒体来源分布, 地域分布, 高频词, 意见领袖, 政务回应跟踪, 网络形象指数, 数据说明.',
      "Every number comes from stored rows (the rollups and the region's mentions); a section with too little data says so.",
      `Files land in report.outputDir as ${kind}-CODE-DATE.{md,html,pdf,docx,json}; pdf needs Chromium (sudo apt-get install -y chromium fonts-wqy-zenhei).`,
    ].join('\n')
    static override flags = reportFlags
    static override examples = [
      `<%= config.bin %> report ${kind}`,
      `<%= config.bin %> report ${kind} --date 2026-12-02 --region 440306 --format terminal,html,pdf,docx`,
      `<%= config.bin %> report ${kind} --format json --out /tmp/reports --json`,
    ]

    async run(): Promise<void> {
      const r = await runReport(kind, this.flags, this.context())
      if (this.flags.json) this.output(jsonResult(r), () => undefined)
      else this.output(r, renderResult)
    }
  }
}
