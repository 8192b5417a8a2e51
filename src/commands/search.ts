import { Args, Flags } from '@oclif/core'
import chalk from 'chalk'
import { BaseCommand } from '../base-command.js'
import type { SearchHit, SearchResult } from '../services/search.js'

export default class Search extends BaseCommand<typeof Search> {
  static override summary = 'Search stored mentions with a boolean full-text query (全文检索)'
  static override description = [
    'Terms separated by spaces must all appear (AND); OR between terms means either; NOT term or -term excludes;',
    '"quoted phrases" must appear as written (words adjacent, in order); parentheses group. AND binds tighter than OR.',
    '空格分隔的词须同时出现；OR 表示“或”；NOT 词 或 -词 表示排除；引号内为短语（须相邻、按顺序）；括号可分组。',
    'A query that starts with "-" must follow "--" (yuqing search -- -广告), or write NOT 广告.',
    'Dates are local days in the report time zone (Asia/Shanghai by default); --to includes that day.',
  ].join('\n')
  static override args = {
    query: Args.string({ description: 'The query, e.g. 宝安 城管 OR 南山 -广告; several words are joined with spaces (quote phrases for the shell)', required: true }),
  }
  // `yuqing search 宝安 城管` as well as `yuqing search '宝安 城管'`: the words form one query.
  static override strict = false
  static override flags = {
    from: Flags.string({ description: 'Published on or after: YYYY-MM-DD (report time zone) or ISO 8601' }),
    to: Flags.string({ description: 'Published on or before: YYYY-MM-DD (that day included) or ISO 8601' }),
    region: Flags.string({ description: 'Only mentions attributed to this region (code or name); repeatable', multiple: true }),
    source: Flags.string({ description: 'Only this source (weibo, news, …); repeatable', multiple: true }),
    sentiment: Flags.string({ description: 'Only this sentiment (情感)', options: ['pos', 'neu', 'neg'] }),
    topic: Flags.string({ description: 'Only mentions with this topic (话题), e.g. 城管; repeatable (any of them)', multiple: true }),
    author: Flags.string({ description: 'Only mentions by this author name (exact)' }),
    limit: Flags.integer({ description: 'Results to show', default: 20, min: 1, max: 10_000 }),
    sort: Flags.string({ description: 'time: newest first; heat: most reposts+comments+likes first', options: ['time', 'heat'], default: 'time' }),
  }
  static override examples = [
    '<%= config.bin %> search 宝安 城管',
    '<%= config.bin %> search \'"地铁 3号线" OR 地铁故障 -广告\' --from 2026-11-01 --to 2026-11-25',
    '<%= config.bin %> search 投诉 --region 440306 --sentiment neg --sort heat --limit 50',
    '<%= config.bin %> search \'(宝安 OR 南山) NOT 招聘\' --source weibo --topic 城管 --json',
  ]

  async run(): Promise<void> {
    const { searchMentions } = await import('../services/search.js')
    const res = searchMentions(await this.context(), {
      query: this.argvRest.length ? this.argvRest.join(' ') : this.args.query,
      from: this.flags.from,
      to: this.flags.to,
      regions: this.flags.region,
      sources: this.flags.source?.flatMap((s) => s.split(',')),
      sentiment: this.flags.sentiment,
      topics: this.flags.topic?.flatMap((s) => s.split(',')),
      author: this.flags.author,
      limit: this.flags.limit,
      sort: this.flags.sort,
    })
    const { printable } = await import('../services/search.js')
    this.output(res, (r) => render(r, process.stdout.isTTY === true, printable))
  }
}

const SENT: Record<string, string> = { pos: '正面', neu: '中性', neg: '负面' }

function render(r: SearchResult, tty: boolean, printable: (s: string) => string): string {
  const hl = (s: string, hs: Array<[number, number]>) => {
    let out = ''
    let at = 0
    for (const [a, b] of hs) {
      out += s.slice(at, a) + (tty ? chalk.bold.yellow(s.slice(a, b)) : s.slice(a, b))
      at = b
    }
    return out + s.slice(at)
  }
  if (!r.results.length) return `没有结果 (no matches for ${printable(r.query)})`
  const lines: string[] = []
  const count = r.total !== null ? `${r.total}` : `${r.results.length}+`
  lines.push(`${count} 条结果 (matches)${r.more ? `，显示前 ${r.results.length} 条 (showing ${r.results.length})` : ''}  ${printable(r.query)}`)
  for (const h of r.results as SearchHit[]) {
    const title = h.title ? hl(printable(h.title), h.titleHighlights) : ''
    const meta = [
      `#${h.id}`,
      h.publishedLocal.slice(0, 16).replace('T', ' '),
      h.source,
      h.author ? printable(h.author) : null,
      h.sentiment ? (SENT[h.sentiment] ?? h.sentiment) : null,
      `热度 ${h.engagement.total}`,
      h.regions.length ? h.regions.join(',') : null,
    ].filter((x) => x !== null)
    lines.push('')
    lines.push(tty ? chalk.dim(meta.join('  ')) : meta.join('  '))
    if (title) lines.push(`  ${title}`)
    lines.push(`  ${hl(h.snippetText, h.highlights)}`)
    if (h.url) lines.push(`  ${printable(h.url)}`)
  }
  return lines.join('\n')
}
