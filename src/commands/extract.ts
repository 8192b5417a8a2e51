import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'

export default class Extract extends BaseCommand<typeof Extract> {
  static override summary = 'Extract an article (title, publish time, author, body) from a URL or a saved page (正文抽取)'
  static override description = `Runs the news crawler's extraction alone: the page is fetched as bytes, decoded by its real
charset (BOM, UTF-8, HTTP header, <meta>, GB18030) and extracted, with the config's per-site overrides
(sources.news.overrides). publishedAt is ISO 8601 with the report time zone's offset.`
  static override args = { target: Args.string({ description: 'http(s) URL or HTML file', required: true }) }
  static override flags = { timeout: Flags.integer({ description: 'Fetch timeout, ms', default: 20_000, min: 1000, max: 600_000 }) }
  static override examples = ['<%= config.bin %> extract https://www.example.com/news/1.html --json', '<%= config.bin %> extract saved-page.html']

  async run(): Promise<void> {
    const { extractTarget } = await import('../services/extract.js')
    const r = await extractTarget(await this.context(), this.args.target, { timeoutMs: this.flags.timeout })
    this.output(r, (a) => [`标题：${a.title ?? '（无）'}`, `时间：${a.publishedAt ?? '（无）'}`, `作者：${a.author ?? '（无）'}  来源：${a.source ?? '（无）'}`, a.url ? `网址：${a.url}` : '', '', a.body || '（未找到正文）'].filter((l, i) => l !== '' || i === 4).join('\n'))
  }
}
