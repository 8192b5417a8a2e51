import { BaseCommand } from '../../base-command.js'
import { formatBytes } from '../../render/format.js'

export default class DbStats extends BaseCommand<typeof DbStats> {
  static override summary = 'Row counts, sources and file size (数据统计)'
  static override examples = ['<%= config.bin %> db stats', '<%= config.bin %> db stats --json']

  async run(): Promise<void> {
    const { dbStats } = await import('../../services/db.js')
    const st = dbStats(await this.context())
    this.output(st, (s) =>
      [
        `database: ${s.path} (${formatBytes(s.sizeBytes)}, WAL ${formatBytes(s.walBytes)})`,
        ...Object.entries(s.tables).map(([t, n]) => `  ${t.padEnd(16)} ${n.toLocaleString('en-US')}`),
        s.bySource.length ? 'by source:' : 'no mentions yet — `yuqing import FILE` or a crawl fills the store',
        ...s.bySource.map((b) => `  ${b.source.padEnd(16)} ${b.mentions.toLocaleString('en-US')}  ${b.first ?? ''} … ${b.last ?? ''}`),
      ].join('\n'),
    )
  }
}
