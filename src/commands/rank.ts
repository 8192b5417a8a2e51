import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import type { RankResult } from '../services/rank.js'
import { riskPressure } from '../index/compute.js'

export default class Rank extends BaseCommand<typeof Rank> {
  static override summary = 'Rank regions by the network-image index (网络形象指数排行)'
  static override description = `The index of INDEX.md §1.1, over a window ending --date (default yesterday, Asia/Shanghai): 传播力 (visibility), 美誉度 (favourability, shrunk toward the peer mean, with a 90% interval), 舆情风险 (negative-event pressure, inverted) and 回应力 (responsiveness; only when official accounts are configured). Regions with fewer than index.minMentions mentions are shown as 样本不足 and not ranked; fewer than index.lowConfidenceMentions are flagged 低置信. See docs/INDEX.md.`
  static override flags = {
    period: Flags.string({ description: 'day, week, month or FROM..TO (YYYY-MM-DD..YYYY-MM-DD)', default: 'week' }),
    date: Flags.string({ description: 'Last day of the window, YYYY-MM-DD (default yesterday)' }),
    peers: Flags.string({ description: 'all, or region codes separated by commas', default: 'all' }),
    top: Flags.integer({ description: 'Rows to show', min: 1 }),
    explain: Flags.string({ description: 'Show one region’s raw inputs and the mention ids behind them (6-digit code)' }),
  }
  static override examples = ['<%= config.bin %> rank', '<%= config.bin %> rank --period month --top 20', '<%= config.bin %> rank --period 2026-11-01..2026-11-30 --explain 440306 --json']

  async run(): Promise<void> {
    const { rank } = await import('../services/rank.js')
    const { renderTable } = await import('../render/table.js')
    this.output(rank(await this.context(), this.flags), (r) => render(r, renderTable))
  }
}

const f1 = (x: number) => x.toFixed(1)

function render(r: RankResult, table: (h: string[], rows: Array<Array<string | number>>) => string): string {
  const out = [`网络形象指数  ${r.period.from} 至 ${r.period.to}（${r.period.days} 天，${r.peers} 个地区，${r.version}，${r.scaling}）`]
  if (!r.rows.length) out.push('这段时间没有归属到地区的数据')
  else
    out.push(
      table(
        ['排名', '代码', '地区', '指数', '传播力', '美誉度', '美誉度90%区间', '风险(安全)', '回应力', '提及', '标记'],
        r.rows.map((x) => {
          // Too few mentions: only the shrunk 美誉度 and its interval mean anything (INDEX.md 1.1).
          const show = (v: number | undefined) => (x.rank === null || v === undefined ? '—' : f1(v))
          return [
            x.rank ?? '—',
            x.code,
            x.name,
            show(x.index),
            show(x.dimensions.visibility.score),
            f1(x.dimensions.favourability.score),
            `${(x.dimensions.favourability.interval[0] * 100).toFixed(0)}–${(x.dimensions.favourability.interval[1] * 100).toFixed(0)}%`,
            show(x.dimensions.risk.score),
            show(x.dimensions.responsiveness?.score),
            x.mentions,
            x.flags.join(' '),
          ]
        }),
      ),
    )
  const e = r.explain
  if (e) {
    const i = e.inputs
    out.push(
      `\n${e.name}（${e.code}）的原始输入：`,
      `  传播力：新闻报道（故事）${i.newsStories}，社交原创 ${i.socialStories}，转发 ${i.reposts}，评论 ${i.comments}，点赞 ${i.likes}`,
      `  美誉度：正面加权 ${i.pos.toFixed(2)}，负面加权 ${i.neg.toFixed(2)}，同组先验正面占比 μ=${r.prior.toFixed(3)}`,
      `  舆情风险：净负面事件 ${i.risk.clusters} 个${i.riskClusters?.length ? `（风险贡献从大到小：${[...i.riskClusters].sort((a, b) => riskPressure(b) - riskPressure(a)).slice(0, 20).map((k) => `#${k.clusterId} ${k.neg}/${k.mentions} 负面`).join('，')}${i.riskClusters.length > 20 ? ' …' : ''}）` : ''}`,
      i.responsiveness
        ? `  回应力：负面事件 ${i.responsiveness.negativeClusters}，已回应 ${i.responsiveness.responded}，中位时延 ${i.responsiveness.medianLatencyHours?.toFixed(1) ?? '—'} 小时，政务号发帖 ${i.responsiveness.posts}`
        : '  回应力：未配置政务账号，不计',
      `  正面 ${e.mentionIds.positive.length} 条：${e.mentionIds.positive.slice(0, 20).join(', ')}${e.mentionIds.positive.length > 20 ? ' …' : ''}`,
      `  负面 ${e.mentionIds.negative.length} 条：${e.mentionIds.negative.slice(0, 20).join(', ')}${e.mentionIds.negative.length > 20 ? ' …' : ''}`,
      `  （全部 id 用 --json 查看）`,
    )
  }
  return out.join('\n')
}
