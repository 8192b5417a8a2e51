import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import type { TrendResult } from '../services/trend.js'

export default class Trend extends BaseCommand<typeof Trend> {
  static override summary = 'Mention counts over time for a region, with spikes (舆情走势)'
  static override description = [
    'Counts per hour, day or week over the window ending --date (default today, Asia/Shanghai), split by sentiment (正面/中性/负面) or by source.',
    'A chart of the totals, a table per bucket, and the spikes (突增): buckets improbably high against the 7 before them',
    '(24 for hours): P(Poisson(λ) ≥ count) < 0.001, at least 5 mentions and 1.5× the baseline λ.',
    '--topic reads the topic rollup (话题, e.g. 城管); --keyword counts full-text matches, with the query language of `yuqing search`.',
    'Weeks start on Monday; --interval week starts the window on the Monday of its first day. --interval hour allows at most 14 days.',
  ].join('\n')
  static override flags = {
    topic: Flags.string({ description: 'Only mentions with this topic (话题), e.g. 城管', exclusive: ['keyword'] }),
    keyword: Flags.string({ description: 'Only mentions matching this full-text query, e.g. \'地铁 -广告\' (see `yuqing search --help`)', exclusive: ['topic'] }),
    region: Flags.string({ description: 'Region code or name (default: the first region in the config)' }),
    days: Flags.integer({ description: 'Days in the window (default 30; 2 for --interval hour)', min: 1, max: 366 }),
    interval: Flags.string({ description: 'Bucket size', options: ['hour', 'day', 'week'], default: 'day' }),
    by: Flags.string({ description: 'Split the counts by', options: ['sentiment', 'source'], default: 'sentiment' }),
    date: Flags.string({ description: 'Last day of the window, YYYY-MM-DD (default today)' }),
  }
  static override examples = [
    '<%= config.bin %> trend --region 440306',
    '<%= config.bin %> trend --region 宝安区 --topic 城管 --days 60 --interval week',
    "<%= config.bin %> trend --region 440306 --keyword '地铁 -广告' --by source",
    '<%= config.bin %> trend --region 440306 --interval hour --days 3 --date 2026-11-30 --json',
  ]

  async run(): Promise<void> {
    const { trend } = await import('../services/trend.js')
    const res = trend(await this.context(), this.flags)
    if (this.flags.json) return this.output(res, () => undefined)
    const [{ default: asciichart }, { default: chalk }, { renderTable }] = await Promise.all([import('asciichart'), import('chalk'), import('../render/table.js')])
    const tty = process.stdout.isTTY === true
    this.output(res, (r) => render(r, { tty, width: process.stdout.columns ?? 100, asciichart, chalk, table: renderTable }))
  }
}

const LABEL: Record<string, string> = { pos: '正面', neu: '中性', neg: '负面', none: '未分析' }
const INTERVAL: Record<string, string> = { hour: '每小时', day: '每日', week: '每周' }

interface Deps {
  tty: boolean
  width: number
  asciichart: typeof import('asciichart')
  chalk: typeof import('chalk').default
  table: (h: string[], rows: Array<Array<string | number>>) => string
}

/** Sums runs of `k` consecutive values (a chart column per k buckets when they do not fit), or repeats each value -k times (to widen few buckets). */
function squeeze(values: number[], k: number): number[] {
  if (k < -1) return values.flatMap((v) => Array<number>(-k).fill(v))
  if (k <= 1) return values
  const out: number[] = []
  for (let i = 0; i < values.length; i += k) out.push(values.slice(i, i + k).reduce((s, v) => s + v, 0))
  return out
}

function render(r: TrendResult, d: Deps): string {
  const what = r.topic !== undefined ? `话题「${r.topic}」` : r.keyword !== undefined ? `关键词「${r.keyword}」` : '全部提及'
  const total = r.totals.reduce((s, t) => s + t.count, 0)
  const out = [`${r.region.name}（${r.region.code}）${what} ${INTERVAL[r.interval]}走势  ${r.from} 至 ${r.to}，共 ${total} 条（按${r.by === 'sentiment' ? '情感' : '来源'}）`]
  if (!total) {
    out.push('这段时间没有数据')
    return out.join('\n')
  }
  const room = Math.max(20, Math.min(d.width, 120) - 12)
  const n = r.totals.length
  // k > 1: k buckets per column; k < -1: each bucket -k columns wide.
  const k = n > room ? Math.ceil(n / room) : -Math.min(4, Math.floor(room / n))
  const colours = [d.asciichart.green, d.asciichart.default, d.asciichart.red, d.asciichart.darkgray, d.asciichart.blue, d.asciichart.magenta, d.asciichart.cyan, d.asciichart.yellow]
  // Per-series lines only where colour tells them apart; the totals line always.
  const lines = d.tty && r.series.length > 1 ? [squeeze(r.totals.map((t) => t.count), k), ...r.series.map((s) => squeeze(s.points.map((p) => p.count), k))] : [squeeze(r.totals.map((t) => t.count), k)]
  out.push(
    '',
    d.asciichart.plot(lines, {
      height: 10,
      format: (x: number) => String(Math.round(x)).padStart(8),
      ...(d.tty ? { colors: [d.asciichart.white, ...r.series.map((_, i) => colours[i % colours.length]!)] } : {}),
    }),
  )
  const name = (s: string) => (r.by === 'sentiment' ? (LABEL[s] ?? s) : s)
  const label = (at: string) => at.replace(/:00\+08:00$/, ':00')
  const cols = k > 1 ? Math.ceil(n / k) : n * Math.max(1, -k)
  const first = label(r.totals[0]!.at)
  const last = label(r.totals[n - 1]!.at)
  out.push(`${' '.repeat(10)}${first}${' '.repeat(Math.max(1, cols - first.length - last.length))}${last}`)
  const legend = [d.tty && r.series.length > 1 ? `线：合计（白）、${r.series.map((s, i) => colours[i % colours.length]! + name(s.name) + d.asciichart.reset).join('、')}` : '', k > 1 ? `每列为 ${k} 个时段之和` : ''].filter(Boolean)
  if (legend.length) out.push(`  ${legend.join('；')}`)
  const mark = (t: TrendResult['totals'][number]) => (t.spike ? (d.tty ? d.chalk.red('▲') : '▲') : '')
  out.push(
    '',
    d.table(
      ['时段', '合计', ...r.series.map((s) => name(s.name)), '突增'],
      r.totals.map((t, i) => [label(t.at), t.count, ...r.series.map((s) => s.points[i]!.count), mark(t)]),
    ),
  )
  out.push(
    r.spikes.length
      ? `突增 ▲：${r.spikes.map((s) => `${label(s.at)} ${s.count} 条（基线 ${s.baseline.toFixed(1)}，p=${s.p.toExponential(1)}）`).join('；')}`
      : '无突增（spikes: none）',
  )
  return out.join('\n')
}
