import { Args } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { AppError } from '../../core/errors.js'

export default class SourcesTest extends BaseCommand<typeof SourcesTest> {
  static override summary = 'Send one small request to a source and print how it was classified'
  static override description = 'Verdicts: ok, end, throttled, needs-cookie, captcha, server-error, client-error, parse-error. Exit 1 unless ok or end.'
  static override args = { source: Args.string({ description: 'weibo, weibo-search or news', required: true }) }
  static override examples = ['<%= config.bin %> sources test weibo']

  async run(): Promise<void> {
    const { testSource } = await import('../../services/sources.js')
    const r = await testSource(await this.context(), this.args.source)
    this.output(r, (t) => `${t.source}: ${t.verdict}${t.status !== null ? ` (HTTP ${t.status}, ${t.ms} ms)` : ''} — ${t.detail}\n  ${t.url}`)
    if (r.verdict !== 'ok' && r.verdict !== 'end') throw new AppError(`${r.source}: ${r.verdict}`, { hint: r.verdict === 'needs-cookie' ? 'store a cookie with `yuqing auth weibo --cookie-file FILE`' : 'see the detail above' })
  }
}
