/**
 * The report in the terminal: chalk colours (正面 green, 负面 red) and sparklines on a TTY,
 * the same text without colour otherwise. Crawled text goes through `printable` (no terminal
 * escapes, no bidi overrides) and is cut to a width.
 */
import { Chalk, type ChalkInstance } from 'chalk'
import { printable } from '../core/text.js'
import { renderTable } from '../render/table.js'
import { SECTION_TITLES, type ReportModel, type SectionBase, type SeriesPoint } from './model.js'

const BARS = '▁▂▃▄▅▆▇█'

/** ▁▂▃… for a series, scaled to its maximum (all ▁ when flat at zero). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values)
  return values.map((v) => (max <= 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))])).join('')
}

function cut(s: string | null | undefined, n: number): string {
  const t = printable(s ?? '').replace(/\s+/g, ' ').trim()
  return t.length > n ? `${t.slice(0, n - 1)}…` : t
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`)
const total = (p: SeriesPoint) => p.pos + p.neu + p.neg + p.none
const time = (iso: string) => iso.slice(5, 16).replace('T', ' ')

export function renderTerminal(m: ReportModel, o: { color: boolean }): string {
  const c: ChalkInstance = new Chalk({ level: o.color ? 1 : 0 })
  const sent = (s: string | null) => (s === 'pos' ? c.green('正面') : s === 'neg' ? c.red('负面') : s === 'neu' ? '中性' : '—')
  const out: string[] = []
  const s = m.sections
  out.push(c.bold(m.title))
  out.push(c.dim(`${m.region.fullName}（${m.region.code}） · ${m.period.from === m.period.to ? m.period.from : `${m.period.from} 至 ${m.period.to}`} · ${m.period.timezone} · 生成于 ${m.generatedLocal.slice(0, 16).replace('T', ' ')}`))
  const head = (key: keyof ReportModel['sections']) => {
    const title = SECTION_TITLES.find(([k]) => k === key)![1]
    out.push('')
    out.push(c.bold.cyan(`■ ${title}`))
  }
  const note = (sec: SectionBase) => {
    if (sec.note) out.push(c.yellow(`  ${sec.note}`))
    return sec.status === 'insufficient'
  }
  const indent = (t: string) => t.split('\n').map((l) => `  ${l}`).join('\n')

  const ov = s.overview
  head('overview')
  if (!note(ov)) {
    const prevWord = m.kind === 'daily' ? '较前日' : '较上期'
    const delta = ov.delta === null ? '' : `，${prevWord} ${signed(ov.delta)}`
    const vsMean = ov.deltaVsMean7 === null ? '' : `，较前 7 ${m.kind === 'daily' ? '日' : '期'}均值 ${ov.deltaVsMean7 >= 0 ? '+' : ''}${pct(ov.deltaVsMean7)}`
    out.push(`  提及 ${c.bold(String(ov.mentions))} 条${delta}${vsMean}；事件 ${ov.stories} 个；预警 ${ov.alerts > 0 ? c.red(String(ov.alerts)) : 0} 条`)
    out.push(`  ${c.green(`正面 ${ov.sentiment.pos}`)}  中性 ${ov.sentiment.neu}  ${c.red(`负面 ${ov.sentiment.neg}`)}${ov.sentiment.none ? `  未分析 ${ov.sentiment.none}` : ''}`)
    out.push(`  ${ov.bySource.map((b) => `${b.label} ${b.mentions}（${m.kind === 'daily' ? '前日' : '上期'} ${b.previous}）`).join('  ')}`)
    out.push(`  互动：转发 ${ov.engagement.reposts}，评论 ${ov.engagement.comments}，点赞 ${ov.engagement.likes}`)
  }
  if (ov.index !== null) {
    const rd = ov.rankDelta === null || ov.rankDelta === 0 ? '' : ov.rankDelta > 0 ? c.green(` ↑${ov.rankDelta}`) : c.red(` ↓${-ov.rankDelta}`)
    out.push(`  网络形象指数 ${c.bold(ov.index.toFixed(1))}，排名 ${ov.rank === null ? '—（未排名）' : `${ov.rank}/${ov.peers}`}${rd}`)
  }

  head('keyItems')
  if (!note(s.keyItems))
    out.push(
      indent(
        renderTable(
          ['时间', '来源', '层级', '标题', '互动', '事件条数', '状态', '编号'],
          s.keyItems.items.map((i) => [time(i.publishedLocal), cut(i.author ?? i.source, 12), i.tier, cut(i.title, 30), i.engagement, i.clusterMentions, i.reason === '预警' ? c.red(`预警·${i.handling}`) : i.handling, `#${i.id}`]),
        ),
      ),
    )
  if (s.keyItems.alerts.length) out.push(`  预警 ${s.keyItems.alerts.length} 条：${s.keyItems.alerts.map((a) => `#${a.id} ${a.severity === 'critical' ? c.red(cut(a.title, 30)) : cut(a.title, 30)}`).join('；')}`)

  head('trend')
  if (!note(s.trend)) {
    const d = s.trend.daily
    out.push(`  近 ${d.length} 日  ${c.cyan(sparkline(d.map(total)))}  ${d[0]!.at.slice(5)} … ${d[d.length - 1]!.at.slice(5)}，峰值 ${Math.max(...d.map(total))}`)
    out.push(`  其中负面 ${c.red(sparkline(d.map((p) => p.neg)))}`)
    if (s.trend.hourly.length) out.push(`  24 小时  ${c.cyan(sparkline(s.trend.hourly.map(total)))}  0 时 … 23 时，峰值 ${Math.max(...s.trend.hourly.map(total))}`)
  }

  head('sentiment')
  if (!note(s.sentiment) || s.sentiment.counts.pos + s.sentiment.counts.neu + s.sentiment.counts.neg > 0) {
    const sh = s.sentiment.shares
    const bar = (x: number) => '█'.repeat(Math.round(x * 30))
    out.push(`  ${c.green(`正面 ${pct(sh.pos).padStart(6)} ${bar(sh.pos)}`)}`)
    out.push(`  中性 ${pct(sh.neu).padStart(6)} ${bar(sh.neu)}`)
    out.push(`  ${c.red(`负面 ${pct(sh.neg).padStart(6)} ${bar(sh.neg)}`)}`)
    if (s.sentiment.favourability) {
      const f = s.sentiment.favourability
      out.push(`  美誉度 θ = ${pct(f.theta)}（90% 区间 ${pct(f.interval[0])}–${pct(f.interval[1])}，向同类地区均值收缩）`)
    }
  }

  head('hotEvents')
  if (!note(s.hotEvents))
    out.push(
      indent(
        renderTable(
          ['#', '事件', '热度', '提及', '倾向', '首发', '首发时间'],
          s.hotEvents.events.map((e, i) => [i + 1, cut(e.title, 30), e.heat.toFixed(1), e.mentions, sent(e.sentiment), cut(e.first.author ?? e.first.source, 12), time(e.firstSeenLocal)]),
        ),
      ),
    )

  head('media')
  if (!note(s.media) || s.media.tiers.some((t) => t.mentions > 0)) {
    const max = Math.max(1, ...s.media.tiers.map((t) => t.mentions))
    for (const t of s.media.tiers) out.push(`  ${t.tier.padEnd(4, '　')} ${String(t.mentions).padStart(6)} ${'▇'.repeat(Math.round((t.mentions / max) * 24))}`)
    if (s.media.platforms.length) out.push(`  平台：${s.media.platforms.map((p) => `${p.label} ${p.mentions}`).join('，')}`)
  }

  head('geo')
  if (!note(s.geo)) {
    if (s.geo.streets.length) out.push(`  街道：${s.geo.streets.slice(0, 12).map((x) => `${x.name} ${x.mentions}`).join('，')}`)
    if (s.geo.ipLocations.length) out.push(`  IP 属地：${s.geo.ipLocations.slice(0, 10).map((x) => `${cut(x.name, 8)} ${x.mentions}`).join('，')}`)
  }

  head('keywords')
  if (!note(s.keywords) || s.keywords.words.length) out.push(`  ${s.keywords.words.slice(0, 20).map((w) => `${cut(w.word, 10)}(${w.mentions})`).join('  ')}`)

  head('leaders')
  if (!note(s.leaders))
    out.push(
      indent(
        renderTable(
          ['作者', '平台', '认证', '粉丝', '提及', '互动', '负面'],
          s.leaders.authors.map((a) => [cut(a.name, 16), a.source, a.verified ? 'V' : '', a.followers ?? '—', a.mentions, a.engagement, a.neg]),
        ),
      ),
    )

  head('responses')
  if (!note(s.responses) || s.responses.clusters.length) {
    if (s.responses.rate !== null) out.push(`  回应率 ${pct(s.responses.rate)}（${s.responses.clusters.filter((x) => x.responded).length}/${s.responses.clusters.length}），政务账号：${s.responses.accounts.map((a) => cut(a, 12)).join('、')}`)
    out.push(
      indent(
        renderTable(
          ['事件', '首次出现', '回应', '用时', '回应账号'],
          s.responses.clusters.map((x) => [cut(x.title, 30), time(x.firstLocal), x.responded ? c.green('已回应') : c.red('未回应'), x.latencyHours === null ? '—' : `${x.latencyHours} 小时`, cut(x.responder, 12) || '—']),
        ),
      ),
    )
  }

  head('index')
  const ix = s.index
  note(ix)
  if (ix.row) {
    out.push(`  指数 ${c.bold(ix.row.index.toFixed(1))}（${ix.window.from} 至 ${ix.window.to}），${ix.row.rank === null ? '未排名' : `第 ${ix.row.rank} / ${ix.peerCount} 名`}${ix.row.flags.length ? c.yellow(`  [${ix.row.flags.join(' ')}]`) : ''}`)
    out.push(`  ${ix.row.dimensions.map((d) => `${d.label} ${d.score === null ? '未计' : d.score.toFixed(1)}`).join('  ')}`)
    if (ix.peers.length)
      out.push(indent(renderTable(['排名', '地区', '指数', '提及', '标记'], ix.peers.map((p) => [p.rank ?? '—', p.self ? c.bold(`${p.name} ◀`) : cut(p.name, 12), p.index.toFixed(1), p.mentions, p.flags.join(' ')]))))
  }

  head('notes')
  for (const l of s.notes.lines) out.push(`  ${l}`)
  if (s.notes.crawls.length) out.push(indent(renderTable(['数据源', '运行', '成功', '失败', '不完整', '抓取', '新增'], s.notes.crawls.map((x) => [x.source, x.runs, x.ok, x.failed, x.partial, x.fetched, x.inserted]))))
  return out.join('\n')
}
