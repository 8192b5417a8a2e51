import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'

export default class Export extends BaseCommand<typeof Export> {
  static override summary = 'Export mentions as JSONL or CSV in the interchange schema (导出)'
  static override description = 'Streams to stdout (or --out FILE). The output imports back unchanged with `yuqing import`.'
  static override flags = {
    format: Flags.string({ description: 'Output format', options: ['jsonl', 'csv'], default: 'jsonl' }),
    from: Flags.string({ description: 'Published on or after: YYYY-MM-DD (report time zone) or ISO 8601' }),
    to: Flags.string({ description: 'Published on or before: YYYY-MM-DD (that day included) or ISO 8601' }),
    region: Flags.string({ description: 'Only mentions attributed to this region (code or name); repeatable', multiple: true }),
    source: Flags.string({ description: 'Only this source (weibo, news, …); repeatable', multiple: true }),
    out: Flags.string({ char: 'o', description: 'Write to this file instead of stdout' }),
  }
  static override examples = [
    '<%= config.bin %> export > all.jsonl',
    '<%= config.bin %> export --format csv --from 2026-11-01 --to 2026-11-25 --source weibo -o nov.csv',
  ]

  async run(): Promise<void> {
    const { exportMentions } = await import('../services/export.js')
    const res = await exportMentions(await this.context(), {
      format: this.flags.format as 'jsonl' | 'csv',
      from: this.flags.from,
      to: this.flags.to,
      regions: this.flags.region,
      sources: this.flags.source?.flatMap((s) => s.split(',')),
      out: this.flags.out,
    })
    // The data went to stdout unless --out was given; then the summary may use stdout.
    if (res.file) this.output(res, (r) => `exported ${r.rows.toLocaleString('en-US')} mentions to ${r.file}`)
    else process.stderr.write(`exported ${res.rows.toLocaleString('en-US')} mentions\n`)
  }
}
