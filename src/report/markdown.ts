/**
 * The report as Markdown (GitHub-flavoured tables). Crawled text is made inert: control and
 * bidi characters removed, Markdown and HTML metacharacters backslash-escaped, table pipes
 * escaped, and links only for http(s) URLs (as `<url>` autolinks with `<`/`>` percent-encoded).
 */
import { printable } from '../core/text.js'
import { SECTION_TITLES, SENTIMENT_LABELS, type ReportModel, type SectionBase, type SeriesPoint } from './model.js'

/** One line of crawled text for Markdown: no controls, metacharacters escaped, cut to `n`. */
export function mdText(s: string | null | undefined, n = 200): string {
  let t = printable(s ?? '').replace(/\s+/g, ' ').trim()
  if (t.length > n) t = `${t.slice(0, n - 1)}…`
  return t.replace(/[\\`*_{}[\]()#+!|<>~&]/g, '\\$&')
}

/** A Markdown link to an http(s) URL, else the URL as escaped text (javascript:, data:, file: are never links). */
export function mdLink(label: string, url: string | null): string {
  if (!url) return label
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return label
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return label
  return `[${label}](<${u.href.replace(/[<>\s]/g, (ch) => encodeURIComponent(ch))}>)`
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`)
const total = (p: SeriesPoint) => p.pos + p.neu + p.neg + p.none
const time = (iso: string) => iso.slice(0, 16).replace('T', ' ')

function table(head: string[], rows: Array<Array<string | number>>, right: number[] = []): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (right.includes(i) ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)]
}

export function renderMarkdown(m: ReportModel): string {
  const s = m.sections
  const out: string[] = [`# ${m.title}`, '', `${m.region.fullName}（${m.region.code}） · 统计时段 ${m.period.from} 至 ${m.period.to}（${m.period.timezone}） · 生成于 ${time(m.generatedLocal)}`]
  const head = (key: keyof ReportModel['sections']) => {
    out.push('', `## ${SECTION_TITLES.find(([k]) => k === key)![1]}`, '')
  }
  const note = (sec: SectionBase) => {
    if (sec.note) out.push(`> ${mdText(sec.note)}`, '')
    return sec.status === 'insufficient'
  }

  const ov = s.overview
  head('overview')
  if (!note(ov)) {
    const prevWord = m.kind === 'daily' ? '前日' : '上期'
    out.push(
      `- 提及 **${ov.mentions}** 条${ov.delta === null ? '' : `，较${prevWord} ${signed(ov.delta)}`}${ov.deltaVsMean7 === null ? '' : `，较前 7 ${m.kind === 'daily' ? '日' : '期'}均值（${ov.mean7}）${ov.deltaVsMean7 >= 0 ? '+' : ''}${pct(ov.deltaVsMean7)}`}`,
      `- 正面 ${ov.sentiment.pos}，中性 ${ov.sentiment.neu}，负面 ${ov.sentiment.neg}${ov.sentiment.none ? `，未分析 ${ov.sentiment.none}` : ''}`,
      `- 平台：${ov.bySource.map((b) => `${b.label} ${b.mentions}（${prevWord} ${b.previous}）`).join('，')}`,
      `- 事件 ${ov.stories} 个；互动：转发 ${ov.engagement.reposts}，评论 ${ov.engagement.comments}，点赞 ${ov.engagement.likes}；预警 ${ov.alerts} 条`,
    )
  }
  if (ov.index !== null)
    out.push(`- 网络形象指数 **${ov.index.toFixed(1)}**，排名 ${ov.rank === null ? '—（未排名）' : `${ov.rank}/${ov.peers}`}${ov.rankDelta ? `（${ov.rankDelta > 0 ? '上升' : '下降'} ${Math.abs(ov.rankDelta)} 位）` : ''}`)

  head('keyItems')
  if (!note(s.keyItems))
    out.push(
      ...table(
        ['时间', '来源', '层级', '标题', '互动', '事件条数', '处理', '编号'],
        s.keyItems.items.map((i) => [time(i.publishedLocal), mdText(i.author ?? i.source, 30), i.tier, mdLink(mdText(i.title, 60), i.url), i.engagement, i.clusterMentions, i.reason === '预警' ? `预警·${i.handling}` : i.handling, `#${i.id}`]),
        [4, 5],
      ),
    )
  if (s.keyItems.alerts.length) {
    out.push('', '预警：', '')
    for (const a of s.keyItems.alerts) out.push(`- #${a.id} [${a.severity}] ${mdText(a.title, 80)}（${time(a.createdLocal)}，${a.status}；证据 ${a.mentionIds.slice(0, 10).map((x) => `#${x}`).join(' ')}）`)
  }

  head('trend')
  if (!note(s.trend)) {
    out.push(...table(['日期', '正面', '中性', '负面', '合计'], s.trend.daily.slice(-7).map((p) => [p.at, p.pos, p.neu, p.neg, total(p)]), [1, 2, 3, 4]))
    out.push('', `近 ${s.trend.daily.length} 日合计 ${s.trend.daily.reduce((n, p) => n + total(p), 0)} 条，单日峰值 ${Math.max(...s.trend.daily.map(total))} 条。`)
    if (s.trend.hourly.length) {
      const peak = s.trend.hourly.reduce((a, b) => (total(b) > total(a) ? b : a))
      out.push(`当日高峰时段 ${peak.at.slice(11)}（${total(peak)} 条）。`)
    }
  }

  head('sentiment')
  if (!note(s.sentiment) || s.sentiment.counts.pos + s.sentiment.counts.neu + s.sentiment.counts.neg > 0) {
    out.push(...table(['倾向', '条数', '占比'], (['pos', 'neu', 'neg'] as const).map((k) => [SENTIMENT_LABELS[k], s.sentiment.counts[k], pct(s.sentiment.shares[k])]), [1, 2]))
    const f = s.sentiment.favourability
    if (f) out.push('', `美誉度 θ = ${pct(f.theta)}（90% 区间 ${pct(f.interval[0])}–${pct(f.interval[1])}）。`)
  }

  head('hotEvents')
  if (!note(s.hotEvents))
    out.push(
      ...table(
        ['#', '事件', '热度', '提及', '倾向', '首发', '首发时间'],
        s.hotEvents.events.map((e, i) => [i + 1, mdLink(mdText(e.title, 60), e.first.url), e.heat.toFixed(1), e.mentions, SENTIMENT_LABELS[e.sentiment], mdText(e.first.author ?? e.first.source, 30), time(e.firstSeenLocal)]),
        [2, 3],
      ),
    )

  head('media')
  if (!note(s.media) || s.media.tiers.some((t) => t.mentions > 0)) {
    out.push(...table(['来源类型', '条数'], s.media.tiers.map((t) => [t.tier, t.mentions]), [1]))
    if (s.media.platforms.length) out.push('', `平台：${s.media.platforms.map((p) => `${p.label} ${p.mentions}`).join('，')}`)
  }

  head('geo')
  if (!note(s.geo)) {
    if (s.geo.streets.length) out.push(`- 街道：${s.geo.streets.map((x) => `${mdText(x.name)} ${x.mentions}`).join('，')}`)
    if (s.geo.ipLocations.length) out.push(`- IP 属地：${s.geo.ipLocations.map((x) => `${mdText(x.name, 12)} ${x.mentions}`).join('，')}`)
  }

  head('keywords')
  if (!note(s.keywords) || s.keywords.words.length) out.push(s.keywords.words.map((w) => `${mdText(w.word, 12)}（${w.mentions}）`).join('、'))

  head('leaders')
  if (!note(s.leaders))
    out.push(
      ...table(
        ['作者', '平台', '认证', '粉丝', '提及', '互动', '负面', '代表内容'],
        s.leaders.authors.map((a) => [mdText(a.name, 30), a.source, a.verified ? '是' : '', a.followers ?? '—', a.mentions, a.engagement, a.neg, `#${a.topMentionId}`]),
        [3, 4, 5, 6],
      ),
    )

  head('responses')
  if (!note(s.responses) || s.responses.clusters.length) {
    if (s.responses.rate !== null) out.push(`回应率 ${pct(s.responses.rate)}；政务账号：${s.responses.accounts.map((a) => mdText(a, 30)).join('、')}`, '')
    out.push(
      ...table(
        ['事件', '首次出现', '回应', '用时', '回应账号'],
        s.responses.clusters.map((x) => [mdText(x.title, 60), time(x.firstLocal), x.responded ? '已回应' : '未回应', x.latencyHours === null ? '—' : `${x.latencyHours} 小时`, mdText(x.responder ?? '—', 30)]),
      ),
    )
  }

  head('index')
  const ix = s.index
  note(ix)
  if (ix.row) {
    out.push(`指数 **${ix.row.index.toFixed(1)}**（${ix.window.from} 至 ${ix.window.to}），${ix.row.rank === null ? '未排名' : `第 ${ix.row.rank} / ${ix.peerCount} 名`}${ix.row.flags.length ? `，${ix.row.flags.join('、')}` : ''}。`, '')
    out.push(...table(['维度', '得分', '原始值', '权重'], ix.row.dimensions.map((d) => [d.label, d.score === null ? '未计' : d.score.toFixed(1), d.raw === null ? '—' : d.raw, d.weight]), [1, 2, 3]))
    out.push('', ...table(['排名', '代码', '地区', '指数', '提及', '标记'], ix.peers.map((p) => [p.rank ?? '—', p.code, p.self ? `**${mdText(p.name)}**` : mdText(p.name), p.index.toFixed(1), p.mentions, p.flags.join(' ')]), [3, 4]))
  }

  head('notes')
  for (const l of s.notes.lines) out.push(`- ${l}`)
  if (s.notes.crawls.length) out.push('', ...table(['数据源', '运行', '成功', '失败', '不完整', '抓取', '新增', '最近错误'], s.notes.crawls.map((x) => [x.source, x.runs, x.ok, x.failed, x.partial, x.fetched, x.inserted, mdText(x.lastError ?? '', 60)])))
  out.push('')
  return out.join('\n')
}
