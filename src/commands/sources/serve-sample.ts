import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { UsageError } from '../../core/errors.js'

export default class ServeSample extends BaseCommand<typeof ServeSample> {
  static override summary = 'Serve the sample sources (Weibo API, s.weibo.com, news feed, news search, articles) on 127.0.0.1 until stopped'
  static override description = `A loopback server that behaves like the crawled sites, for trying yuqing offline and for tests.
Point the config's base URLs at it (sources.weibo.baseUrls.api, sources.weibo-search.baseUrls.search,
sources.news.feeds, sources.news.baseUrls). s.weibo.com pages need a SUB cookie (any value; SUB=restricted
shows empty results, as an expired cookie does on the real site). --fault makes it
misbehave: MODE[:PATH][:TIMES], e.g. 429:/api/container:2 (modes: 418 429 414 403 432 401 500 503
captcha login html redirect-login redirect-file truncated malformed shape empty end slow).`
  static override flags = {
    port: Flags.integer({ description: 'Port (default: any free port)', min: 0, max: 65535, default: 0 }),
    fault: Flags.string({ description: 'A fault mode MODE[:PATH][:TIMES] (repeatable)', multiple: true }),
    'require-cookie': Flags.boolean({ description: 'Answer Weibo API calls without a SUB cookie with 432' }),
    'latency-ms': Flags.integer({ description: 'Latency added to every answer', min: 0, max: 60_000, default: 0 }),
  }
  static override examples = ['<%= config.bin %> sources serve-sample --port 8765', '<%= config.bin %> sources serve-sample --fault 429:/api/container:2']

  async run(): Promise<void> {
    const { startSampleServer, parseFault } = await import('../../sample/server.js')
    let faults
    try {
      faults = (this.flags.fault ?? []).map(parseFault)
    } catch (err) {
      throw new UsageError(`--fault: ${(err as Error).message}`, 'see `yuqing sources serve-sample --help`')
    }
    const server = await startSampleServer({ port: this.flags.port, faults, requireCookie: this.flags['require-cookie'], latencyMs: this.flags['latency-ms'] })
    const info = { url: server.url, weibo: server.url, weiboSearch: server.url, feed: `${server.url}/rss/scroll-news.xml`, posts: server.world.posts.length, articles: server.world.articles.length }
    this.output(info, (i) =>
      [
        `sample sources on ${i.url} (Ctrl-C to stop)`,
        `  sources.weibo.baseUrls.api: ${i.weibo}`,
        `  sources.weibo-search.baseUrls.search: ${i.weiboSearch}`,
        `  sources.news.feeds: [${i.feed}]`,
        `  ${i.posts} posts, ${i.articles} articles`,
      ].join('\n'),
    )
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await server.close()
  }
}
