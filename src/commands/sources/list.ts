import { BaseCommand } from '../../base-command.js'

export default class SourcesList extends BaseCommand<typeof SourcesList> {
  static override summary = 'List the crawl sources: enabled, base URLs, politeness, cookie stored, last run (数据源)'
  static override examples = ['<%= config.bin %> sources list', '<%= config.bin %> sources list --json']

  async run(): Promise<void> {
    const { listSources } = await import('../../services/sources.js')
    this.output(listSources(await this.context()), (rows) =>
      rows
        .map((s) => {
          const last = s.lastRun ? `上次 ${s.lastRun.startedAt.slice(0, 16).replace('T', ' ')} ${s.lastRun.status}（页 ${s.lastRun.pages}，新增 ${s.lastRun.inserted}，错误 ${s.lastRun.errors}${s.lastRun.stopReason ? `，${s.lastRun.stopReason}` : ''}）` : '未运行'
          const urls = Object.values(s.baseUrls).join(' ')
          return `${s.source.padEnd(13)} ${s.enabled ? '启用' : '停用'}  ${urls}${s.feeds?.length ? `  feeds ${s.feeds.length}` : ''}  间隔 ${s.rateLimit.minIntervalMs} ms${s.source !== 'news' ? `  cookie ${s.cookieStored ? '已存' : '无'}` : ''}  ${last}`
        })
        .join('\n'),
    )
  }
}
