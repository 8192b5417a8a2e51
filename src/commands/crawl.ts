import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { PartialError, AppError } from '../core/errors.js'
import type { CrawlSummary } from '../services/crawl.js'

export default class Crawl extends BaseCommand<typeof Crawl> {
  static override summary = 'Crawl the configured sources once and store what mentions the watched regions (抓取)'
  static override description = `Searches each source for the watched regions' names, aliases and keywords (or --keyword), keeps the
results that really mention them, stores each page in its own transaction and analyses what is new.
Sources run side by side; one that is throttled or needs a cookie stops alone. Exit 3 when some
sources failed or stopped early and others succeeded, 1 when all failed.`
  static override strict = false
  static override args = {
    source: Args.string({ description: 'Sources to crawl (weibo, weibo-search, news); default: every enabled source' }),
  }
  static override flags = {
    region: Flags.string({ description: 'Only this region (code or name)' }),
    keyword: Flags.string({ description: 'Search this keyword instead of the region names (repeatable)', multiple: true }),
    since: Flags.string({ description: 'Window: 24h, 3d, 90m, YYYY-MM-DD or ISO 8601 (default: since the last run, with an hour of overlap)' }),
    'max-pages': Flags.integer({ description: 'Result pages per keyword (default: the source config)', min: 1, max: 100 }),
    'dry-run': Flags.boolean({ description: 'Fetch and filter, store nothing' }),
    'no-analyze': Flags.boolean({ description: 'Do not analyse the new mentions (run `yuqing reanalyze` later)' }),
  }
  static override examples = ['<%= config.bin %> crawl', '<%= config.bin %> crawl weibo --region 440306 --since 24h', '<%= config.bin %> crawl news --keyword 宝安 --dry-run --json']

  async run(): Promise<void> {
    const { argv } = await this.parse(Crawl)
    const { runCrawlCli } = await import('../services/crawl-run.js')
    const res = await runCrawlCli(await this.context(), {
      sources: (argv as string[]).length ? (argv as string[]) : undefined,
      region: this.flags.region,
      keywords: this.flags.keyword,
      since: this.flags.since,
      maxPages: this.flags['max-pages'],
      dryRun: this.flags['dry-run'],
      analyze: !this.flags['no-analyze'],
      live: !this.flags.json && process.stderr.isTTY === true,
    })
    this.output(res, render)
    const ran = res.sources.filter((s) => s.status !== 'disabled')
    const bad = ran.filter((s) => s.status === 'failed')
    if (bad.length && bad.length === ran.length) throw new AppError(`every source failed: ${bad.map((s) => `${s.source} (${s.problems[0] ?? s.status})`).join('; ')}`, { hint: 'see the problems above; `yuqing sources test SOURCE` checks one request' })
    if (bad.length) throw new PartialError(`${bad.length} of ${ran.length} sources failed: ${bad.map((s) => s.source).join(', ')}`, 'the other sources were stored; see the problems above')
    const partial = ran.filter((s) => s.status === 'partial')
    if (partial.length) throw new PartialError(`${partial.map((s) => `${s.source} stopped early or had errors (${s.stopReason ?? `${s.errors} errors`})`).join('; ')}`, 'what was fetched is stored; see the problems above, then run again')
  }
}

function render(r: CrawlSummary): string {
  const out: string[] = [r.dryRun ? '试运行（未写入数据库）' : '抓取完成']
  for (const s of r.sources) {
    if (s.status === 'disabled') continue
    const status = { ok: '成功', partial: '部分成功', failed: '失败', aborted: '已中断', disabled: '未启用' }[s.status]
    out.push(
      `  ${s.source.padEnd(13)} ${status}  页 ${s.pages}  抓到 ${s.fetched}  新增 ${s.inserted}  更新 ${s.updated}  未变 ${s.unchanged}  不相关 ${s.filtered}  错误 ${s.errors}  请求 ${s.requests}（重试 ${s.retries}）`,
    )
    for (const p of s.problems.slice(0, 5)) out.push(`    ! ${p}`)
    if (s.problems.length > 5) out.push(`    … ${s.problems.length - 5} more`)
  }
  if (r.analysis) out.push(`  分析 ${r.analysis.analyzed} 条（${r.analysis.seconds.toFixed(1)} s），其中 ${r.analysis.withRegions} 条定位到地区`)
  return out.join('\n')
}
