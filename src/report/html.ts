/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts; no script, no
 * external resource, a strict CSP as defence in depth) laid out like a 舆情日报 on A4, on
 * screen and in print. PDF is this page printed by Chromium (pdf.ts).
 *
 * Every string from the model that came from crawled text goes through htmlText (clean, cap,
 * escape); urls become links only when safeHttpUrl accepts them. The only raw markup inserted
 * is the SVG from charts.ts, which is our own and checked there.
 */
import { renderCharts, type ChartName, type ReportCharts } from './charts.js'
import type { HotEvent, ItemRef, KeyItem, ReportModel, Sentiment } from './model.js'
import { SECTION_TITLES, SENTIMENT_LABELS } from './model.js'
import { cleanLines, cleanText, escapeHtml, formatDelta, formatDeltaPercent, formatLocal, formatNumber, formatPercent, htmlText, safeHttpUrl } from './text.js'

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** Caps on crawled strings (characters). */
const MAX = { title: 200, snippet: 300, author: 60, url: 120, word: 30, label: 60, note: 1000 }

const KIND_LABELS = { daily: '日报', weekly: '周报', monthly: '月报' } as const

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Zen Hei', sans-serif"

const CSS = `
*{box-sizing:border-box}
html{background:#eef1f5}
body{margin:0;font-family:${FONT};font-size:14px;line-height:1.6;color:#1f2933;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.page{max-width:1000px;margin:24px auto;background:#fff;padding:36px 44px 28px;box-shadow:0 1px 6px rgba(15,30,60,.12)}
.masthead{text-align:center;border-bottom:3px solid #c8161d;padding-bottom:14px;margin-bottom:8px;position:relative}
.masthead .org{color:#c8161d;font-size:13px;letter-spacing:.3em;margin:0 0 4px}
.masthead h1{color:#c8161d;font-size:30px;letter-spacing:.08em;margin:0;font-weight:700;line-height:1.3}
.masthead .period{margin:6px 0 0;color:#3e4c59;font-size:14px}
.masthead:after{content:"";display:block;position:absolute;left:0;right:0;bottom:-7px;border-bottom:1px solid #c8161d}
.meta{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;color:#52606d;font-size:12.5px;margin:14px 0 18px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:0 0 8px}
.kpi{border:1px solid #dde3ea;border-top:3px solid #1f5fae;border-radius:4px;padding:8px 12px;background:#f8fafc;break-inside:avoid}
.kpi .k{color:#52606d;font-size:12.5px}
.kpi .v{font-size:24px;font-weight:700;color:#102a43;line-height:1.25}
.kpi .s{font-size:12px;color:#52606d}
.kpi.neg{border-top-color:#d9363e}.kpi.neg .v{color:#b3261e}
.kpi.pos{border-top-color:#2e9d5b}
.kpi.warn{border-top-color:#e08a1e}
.up{color:#b3261e}.down{color:#2e7d4f}
section.sec{margin:22px 0 0}
section.sec>h2{font-size:18px;color:#102a43;margin:0 0 10px;padding:4px 0 4px 10px;border-left:5px solid #c8161d;background:linear-gradient(90deg,#fbecec,#fff 60%);break-after:avoid;page-break-after:avoid}
h3{font-size:14.5px;margin:14px 0 6px;color:#243b53;break-after:avoid;page-break-after:avoid}
p{margin:6px 0}
.lead{font-size:14.5px}
.note{border:1px dashed #c5ccd5;background:#f7f9fb;color:#52606d;padding:10px 14px;border-radius:4px}
.note:before{content:"ⓘ ";color:#1f5fae}
table{width:100%;border-collapse:collapse;margin:6px 0 10px;font-size:12.5px;table-layout:auto}
thead{display:table-header-group}
th{background:#1f5fae;color:#fff;font-weight:600;text-align:left;padding:5px 7px;border:1px solid #1a518f;white-space:nowrap}
td{padding:5px 7px;border:1px solid #dde3ea;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
tbody tr:nth-child(even) td{background:#f7f9fc}
tr{break-inside:avoid;page-break-inside:avoid}
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.c,th.c{text-align:center;white-space:nowrap}
td.t{white-space:normal;width:6.2em;min-width:6.2em}
td.main{width:38%}
.nw{white-space:nowrap}
td.src{min-width:6.5em}
tr.self td{background:#fff4d6 !important;font-weight:600}
.title{font-weight:600;color:#102a43}
a{color:#1f5fae;text-decoration:none}
a:hover{text-decoration:underline}
.snip{color:#52606d;font-size:12px;margin-top:2px}
.sub{color:#7b8794;font-size:11.5px}
.tag{display:inline-block;padding:0 6px;border-radius:3px;font-size:11.5px;line-height:18px;white-space:nowrap;border:1px solid transparent}
.s-pos{background:#e3f4ea;color:#1e6b3d;border-color:#b7e0c6}
.s-neu{background:#eef0f3;color:#4a5561;border-color:#d5dae0}
.s-neg{background:#fde7e8;color:#a3191f;border-color:#f5c2c5}
.s-none{background:#f4f5f7;color:#7b8794;border-color:#e1e4e8}
.h-open{background:#fde7e8;color:#a3191f}.h-ack{background:#fff1db;color:#8a5300}.h-done{background:#e3f4ea;color:#1e6b3d}
.sev-high,.sev-critical{background:#c8161d;color:#fff}.sev-medium{background:#e08a1e;color:#fff}.sev-low,.sev-info{background:#9aa1a9;color:#fff}
figure.chart{margin:8px 0;padding:6px 8px;border:1px solid #e4e8ee;border-radius:4px;break-inside:avoid;page-break-inside:avoid}
figure.chart svg{display:block;width:100%;height:auto}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.grid2>*{min-width:0}
.words{display:flex;flex-wrap:wrap;gap:6px 8px;margin:6px 0 10px}
.word{display:inline-block;padding:2px 9px;border-radius:12px;background:#eaf1fb;color:#1f4f8f;border:1px solid #cfdff3}
.word.w1{font-size:19px;font-weight:700}.word.w2{font-size:16.5px;font-weight:600}.word.w3{font-size:14.5px}.word.w4{font-size:13px;color:#3e5f86}
.word .c{font-size:11px;color:#7b8794;margin-left:3px;font-weight:400}
.big{font-size:34px;font-weight:700;color:#1f5fae;line-height:1.1}
.flags{color:#8a5300}
ul.lines{margin:6px 0;padding-left:20px}
footer{margin-top:26px;padding-top:8px;border-top:1px solid #dde3ea;color:#7b8794;font-size:11.5px;display:flex;justify-content:space-between;gap:12px}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{
  html{background:#fff}
  body{font-size:10.5pt}
  .page{max-width:none;margin:0;padding:0;box-shadow:none}
  table{font-size:9pt}
  .kpi .v{font-size:18pt}
  .kpis{grid-template-columns:repeat(5,1fr)}
  section.sec{break-inside:auto}
  a{color:#1f5fae}
}
`

function tag(text: string, cls: string): string {
  return `<span class="tag ${cls}">${escapeHtml(text)}</span>`
}

function sentimentTag(s: Sentiment | null): string {
  return s ? tag(SENTIMENT_LABELS[s], `s-${s}`) : tag(SENTIMENT_LABELS.none, 's-none')
}

/** A link when the url is http(s); otherwise the text (or the url itself) as plain text. */
function link(url: string | null, text: string, max: number): string {
  const safe = safeHttpUrl(url)
  const shown = htmlText(text, max)
  if (!safe) return shown
  return `<a href="${escapeHtml(safe)}" rel="noopener noreferrer nofollow" target="_blank">${shown}</a>`
}

/** The url as a short plain-text line when it is not a safe link (so a reader still sees where it pointed). */
function urlNote(url: string | null): string {
  if (!url || safeHttpUrl(url)) return ''
  return `<div class="sub">链接（未启用）：${htmlText(url, MAX.url)}</div>`
}

function table(head: Array<string | [string, string]>, rows: string[][], cls = ''): string {
  const th = head.map((h) => (Array.isArray(h) ? `<th class="${h[1]}">${escapeHtml(h[0])}</th>` : `<th>${escapeHtml(h)}</th>`)).join('')
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/** A local time that wraps between the date and the time, never inside either. */
function when(iso: string | null | undefined): string {
  return formatLocal(iso)
    .split(' ')
    .map((part) => `<span class="nw">${escapeHtml(part)}</span>`)
    .join(' ')
}

const td = (html: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`
const num = (n: number | null | undefined, digits = 0) => td(formatNumber(n, digits), 'n')

function deltaSpan(d: number | null, text: string): string {
  if (d === null || d === 0) return escapeHtml(text)
  return `<span class="${d > 0 ? 'up' : 'down'}">${escapeHtml(text)}</span>`
}

function chart(charts: ReportCharts, name: ChartName): string {
  const svg = charts.svg[name]
  if (!svg) return ''
  return `<figure class="chart" data-chart="${name}">${svg}</figure>`
}

class Ctx {
  readonly labels = new Map<string, string>()
  constructor(
    readonly model: ReportModel,
    readonly charts: ReportCharts,
  ) {
    for (const s of model.sections.overview.bySource) this.labels.set(s.source, s.label)
    for (const s of model.sections.media.platforms) if (!this.labels.has(s.source)) this.labels.set(s.source, s.label)
  }
  source(s: string): string {
    return htmlText(this.labels.get(s) ?? s, 20)
  }
}

function itemCell(it: ItemRef, withSnippet = true): string {
  const title = cleanText(it.title, MAX.title) || cleanText(it.snippet, 60) || '（无标题）'
  const snip = withSnippet && it.snippet && cleanText(it.snippet, 60) !== cleanText(it.title, 60) ? `<div class="snip">${htmlText(it.snippet, MAX.snippet)}</div>` : ''
  return `<div class="title">${link(it.url, title, MAX.title)}</div>${snip}${urlNote(it.url)}`
}

function sourceCell(c: Ctx, it: ItemRef): string {
  const author = it.author ? `<div class="sub">${htmlText(it.author, MAX.author)}</div>` : ''
  return `${c.source(it.source)}<div class="sub">${htmlText(it.tier, 12)}</div>${author}`
}

const HANDLING_CLS: Record<KeyItem['handling'], string> = { 未处理: 'h-open', 已确认: 'h-ack', 已回应: 'h-done' }

function overview(c: Ctx): string {
  const o = c.model.sections.overview
  const s = o.sentiment
  const analysed = s.pos + s.neu + s.neg
  const parts: string[] = []
  const vsPrev = o.delta === null ? '上一周期无数据' : `较上一周期${o.delta >= 0 ? '增加' : '减少'} ${formatNumber(Math.abs(o.delta))} 条`
  const vsMean = o.deltaVsMean7 === null ? '' : `，较前 7 个周期均值 ${formatDeltaPercent(o.deltaVsMean7)}`
  parts.push(
    `<p class="lead">本期共监测到涉${htmlText(c.model.region.name, 40)}信息 <b>${formatNumber(o.mentions)}</b> 条，${escapeHtml(vsPrev)}${escapeHtml(vsMean)}；其中正面 <b>${formatNumber(s.pos)}</b> 条、中性 <b>${formatNumber(s.neu)}</b> 条、负面 <b>${formatNumber(s.neg)}</b> 条${s.none ? `，未分析 ${formatNumber(s.none)} 条` : ''}。归并为 <b>${formatNumber(o.stories)}</b> 个事件，触发预警 <b>${formatNumber(o.alerts)}</b> 条。</p>`,
  )
  parts.push(
    `<p>互动量：转发 ${formatNumber(o.engagement.reposts)}，评论 ${formatNumber(o.engagement.comments)}，点赞 ${formatNumber(o.engagement.likes)}。${
      o.index !== null ? `网络形象指数 <b>${formatNumber(o.index, 1)}</b>${o.rank !== null ? `，在 ${formatNumber(o.peers)} 个同级地区中排名第 <b>${formatNumber(o.rank)}</b>${o.rankDelta !== null && o.rankDelta !== 0 ? `（${o.rankDelta > 0 ? '上升' : '下降'} ${formatNumber(Math.abs(o.rankDelta))} 位）` : ''}` : ''}。` : ''
    }${analysed ? ` 负面占比 ${formatPercent(s.neg / analysed)}。` : ''}</p>`,
  )
  if (o.bySource.length > 0) {
    parts.push(
      table(
        ['来源', ['本期', 'n'], ['上期', 'n'], ['变化', 'n']],
        o.bySource.map((b) => [td(htmlText(b.label || b.source, 30)), num(b.mentions), num(b.previous), td(deltaSpan(b.mentions - b.previous, formatDelta(b.mentions - b.previous)), 'n')]),
      ),
    )
  }
  return parts.join('\n')
}

function keyItems(c: Ctx): string {
  const k = c.model.sections.keyItems
  const out: string[] = []
  if (k.items.length > 0) {
    out.push(
      table(
        [['序号', 'c'], '标题 / 摘要', '来源', ['时间', 'c'], ['倾向', 'c'], ['互动', 'n'], ['事件条数', 'n'], ['类型', 'c'], ['处置', 'c']],
        k.items.map((it, i) => [
          td(String(i + 1), 'c'),
          td(itemCell(it) + (it.alert ? `<div class="sub">预警：${htmlText(it.alert.title, 80)}（${htmlText(it.alert.rule, 30)}）</div>` : ''), 'main'),
          td(sourceCell(c, it), 'src'),
          td(when(it.publishedLocal), 't'),
          td(sentimentTag(it.sentiment), 'c'),
          num(it.engagement),
          num(it.clusterMentions),
          td(it.alert ? tag(cleanText(it.reason, 8), `sev-${cleanText(it.alert.severity, 10).toLowerCase().replace(/[^a-z]/g, '')}`) : htmlText(it.reason, 10), 'c'),
          td(tag(it.handling, HANDLING_CLS[it.handling] ?? 'h-open'), 'c'),
        ]),
      ),
    )
  } else out.push('<p class="note">本期无负面或预警信息。</p>')
  if (k.alerts.length > 0) {
    out.push('<h3>本期预警</h3>')
    out.push(
      table(
        [['时间', 'c'], '预警', '规则', ['级别', 'c'], ['状态', 'c'], ['涉及条数', 'n']],
        k.alerts.map((a) => [
          td(when(a.createdLocal), 't'),
          td(htmlText(a.title, MAX.title)),
          td(htmlText(a.rule, 40)),
          td(tag(cleanText(a.severity, 12), `sev-${cleanText(a.severity, 10).toLowerCase().replace(/[^a-z]/g, '')}`), 'c'),
          td(htmlText(a.status, 12), 'c'),
          num(a.mentionIds.length),
        ]),
      ),
    )
  }
  return out.join('\n')
}

function trend(c: Ctx): string {
  const t = c.model.sections.trend
  const out = [chart(c.charts, 'trend-daily'), chart(c.charts, 'trend-hourly')]
  const peak = t.daily.reduce<{ at: string; n: number } | null>((best, p) => {
    const n = p.pos + p.neu + p.neg + p.none
    return !best || n > best.n ? { at: p.at, n } : best
  }, null)
  if (peak && peak.n > 0) out.push(`<p class="sub">近 ${t.daily.length} 日峰值：${escapeHtml(formatLocal(peak.at))}，${formatNumber(peak.n)} 条。</p>`)
  if (!c.charts.svg['trend-daily'] && t.daily.length > 0) {
    out.push(table([['日期', 'c'], ['正面', 'n'], ['中性', 'n'], ['负面', 'n'], ['未分析', 'n']], t.daily.map((p) => [td(escapeHtml(formatLocal(p.at)), 'c'), num(p.pos), num(p.neu), num(p.neg), num(p.none)])))
  }
  return out.join('\n')
}

function sentiment(c: Ctx): string {
  const s = c.model.sections.sentiment
  const rows = (['pos', 'neu', 'neg'] as const).map((k) => [td(sentimentTag(k)), num(s.counts[k]), td(formatPercent(s.shares[k]), 'n')])
  if (s.counts.none) rows.push([td(sentimentTag(null)), num(s.counts.none), td('—', 'n')])
  const fav = s.favourability
    ? `<p>美誉度 <b>${formatPercent(s.favourability.theta)}</b>（90% 区间 ${formatPercent(s.favourability.interval[0])} – ${formatPercent(s.favourability.interval[1])}）。</p>`
    : ''
  return `<div class="grid2"><div>${chart(c.charts, 'sentiment')}</div><div>${table(['倾向', ['条数', 'n'], ['占比', 'n']], rows)}${fav}<p class="sub">占比按已分析信息（正面 + 中性 + 负面）计算。</p></div></div>`
}

function firstCell(c: Ctx, e: HotEvent): string {
  // 首发: who published first (source · author), linked to the post; its title only when it differs from the event's.
  const f = e.first
  const who = [cleanText(c.labels.get(f.source) ?? f.source, 20), f.author ? cleanText(f.author, MAX.author) : ''].filter(Boolean).join(' · ')
  const title = cleanText(f.title, 40)
  const other = title && !cleanText(e.title, MAX.title).startsWith(title.replace(/…$/, '')) ? `<div class="sub">${escapeHtml(title)}</div>` : ''
  return `${link(f.url, who || '原文', 80)}${other}${urlNote(f.url)}`
}

function hotEvents(c: Ctx): string {
  const ev = c.model.sections.hotEvents.events
  return [
    chart(c.charts, 'hot-events'),
    table(
      [['排名', 'c'], '事件', ['倾向', 'c'], ['条数', 'n'], ['负面', 'n'], ['互动', 'n'], ['热度', 'n'], ['首现时间', 'c'], '首发'],
      ev.map((e, i) => [
        td(String(i + 1), 'c'),
        td(`<span class="title">${htmlText(e.title, MAX.title)}</span>`, 'main'),
        td(sentimentTag(e.sentiment), 'c'),
        num(e.mentions),
        num(e.neg),
        num(e.engagement),
        num(e.heat, 1),
        td(when(e.firstSeenLocal), 't'),
        td(firstCell(c, e), 'src'),
      ]),
    ),
  ].join('\n')
}

function media(c: Ctx): string {
  const m = c.model.sections.media
  const tiers = table(['媒体级别', ['条数', 'n']], m.tiers.map((t) => [td(htmlText(t.tier, 20)), num(t.mentions)]))
  const platforms = table(['平台', ['条数', 'n']], m.platforms.map((p) => [td(htmlText(p.label || p.source, 30)), num(p.mentions)]))
  return `<div class="grid2"><div>${chart(c.charts, 'media-tiers')}</div><div>${chart(c.charts, 'platforms')}</div></div><div class="grid2"><div>${tiers}</div><div>${platforms}</div></div>`
}

function geo(c: Ctx): string {
  const g = c.model.sections.geo
  const streets = g.streets.length ? table(['街道 / 镇', ['条数', 'n']], g.streets.map((s) => [td(htmlText(s.name, 30)), num(s.mentions)])) : '<p class="note">文本中未识别到街道 / 镇。</p>'
  const ips = g.ipLocations.length ? table(['IP 属地', ['条数', 'n']], g.ipLocations.map((s) => [td(htmlText(s.name, 30)), num(s.mentions)])) : '<p class="note">无 IP 属地数据。</p>'
  return `<div class="grid2"><div><h3>提及的街道 / 镇</h3>${streets}</div><div><h3>发布者 IP 属地</h3>${ips}</div></div>`
}

function keywords(c: Ctx): string {
  const w = c.model.sections.keywords.words
  const n = w.length
  // Size classes by rank (a layout choice, not a number the reader is told).
  const chips = w
    .map((x, i) => {
      const cls = i < Math.ceil(n * 0.1) ? 'w1' : i < Math.ceil(n * 0.3) ? 'w2' : i < Math.ceil(n * 0.6) ? 'w3' : 'w4'
      return `<span class="word ${cls}">${htmlText(x.word, MAX.word)}<span class="c">${formatNumber(x.mentions)}</span></span>`
    })
    .join('')
  return `<div class="words">${chips}</div><p class="sub">词后数字为包含该词的信息条数；已排除本地区名称。</p>`
}

function leaders(c: Ctx): string {
  const a = c.model.sections.leaders.authors
  return table(
    [['序号', 'c'], '账号', '平台', ['认证', 'c'], ['粉丝数', 'n'], ['发布条数', 'n'], ['互动量', 'n'], ['负面', 'n']],
    a.map((x, i) => [
      td(String(i + 1), 'c'),
      td(`<span class="title">${htmlText(x.name, MAX.author)}</span>${x.id ? `<div class="sub">ID ${htmlText(x.id, 40)}</div>` : ''}`),
      td(c.source(x.source)),
      td(x.verified ? '✔' : '', 'c'),
      num(x.followers),
      num(x.mentions),
      num(x.engagement),
      num(x.neg),
    ]),
  )
}

function responses(c: Ctx): string {
  const r = c.model.sections.responses
  const out: string[] = []
  out.push(`<p>监测政务账号：${r.accounts.length ? r.accounts.map((a) => htmlText(a, MAX.author)).join('、') : '未配置'}。${r.rate !== null ? `负面事件回应率 <b>${formatPercent(r.rate)}</b>。` : ''}</p>`)
  if (r.clusters.length > 0) {
    out.push(
      table(
        ['负面事件', ['首现时间', 'c'], ['是否回应', 'c'], ['回应时间', 'c'], ['时延（小时）', 'n'], '回应账号'],
        r.clusters.map((x) => [
          td(`<span class="title">${htmlText(x.title, MAX.title)}</span>`),
          td(when(x.firstLocal), 't'),
          td(x.responded ? tag('已回应', 'h-done') : tag('未回应', 'h-open'), 'c'),
          td(x.responseLocal ? when(x.responseLocal) : '—', 't'),
          num(x.latencyHours, 1),
          td(x.responder ? htmlText(x.responder, MAX.author) : '—'),
        ]),
      ),
    )
  }
  return out.join('\n')
}

function indexSection(c: Ctx): string {
  const s = c.model.sections.index
  const out: string[] = []
  if (s.row) {
    const rd = s.rankDelta
    out.push(
      `<div class="grid2"><div><div class="sub">网络形象指数（${htmlText(s.version, 20)}）</div><div class="big">${formatNumber(s.row.index, 1)}</div><p>排名 <b>${s.row.rank === null ? '—' : formatNumber(s.row.rank)}</b> / ${formatNumber(s.peerCount)}${rd !== null && rd !== 0 ? `，${deltaSpan(-rd, `${rd > 0 ? '上升' : '下降'} ${Math.abs(rd)} 位`)}` : ''}；统计窗口 ${escapeHtml(formatLocal(s.window.from))} 至 ${escapeHtml(formatLocal(s.window.to))}；样本 ${formatNumber(s.row.mentions)} 条。</p>${
        s.row.flags.length ? `<p class="flags">提示：${s.row.flags.map((f) => htmlText(f, 60)).join('；')}</p>` : ''
      }</div><div>${table(['分项', ['得分', 'n'], ['权重', 'n']], s.row.dimensions.map((d) => [td(htmlText(d.label, 20)), num(d.score, 1), td(formatPercent(d.weight, 0), 'n')]))}</div></div>`,
    )
    out.push(chart(c.charts, 'index-dimensions'))
  }
  if (s.peers.length > 0) {
    out.push('<h3>同级地区排名</h3>')
    const head = `<thead><tr><th class="c">排名</th><th>地区</th><th class="c">代码</th><th class="n">指数</th><th class="n">信息量</th><th>提示</th></tr></thead>`
    const rows = s.peers
      .map(
        (p) =>
          `<tr${p.self ? ' class="self"' : ''}>${td(p.rank === null ? '—' : String(p.rank), 'c')}${td(htmlText(p.name, 40))}${td(htmlText(p.code, 12), 'c')}${num(p.index, 1)}${num(p.mentions)}${td(p.flags.map((f) => htmlText(f, 40)).join('；'))}</tr>`,
      )
      .join('\n')
    out.push(`<table>${head}<tbody>\n${rows}\n</tbody></table>`)
  }
  return out.join('\n')
}

function weightsText(c: Ctx, w: Record<string, number>): string {
  const labels = new Map((c.model.sections.index.row?.dimensions ?? []).map((d) => [d.key, d.label]))
  return Object.entries(w)
    .map(([k, v]) => `${htmlText(labels.get(k) ?? k, 30)} ${formatPercent(v, 0)}`)
    .join('，')
}

function notes(c: Ctx): string {
  const n = c.model.sections.notes
  const out: string[] = []
  if (n.lines.length) out.push(`<ul class="lines">${n.lines.map((l) => `<li>${escapeHtml(cleanLines(l, MAX.note))}</li>`).join('')}</ul>`)
  if (n.crawls.length) {
    out.push(
      table(
        ['数据源', ['运行', 'n'], ['成功', 'n'], ['部分', 'n'], ['失败', 'n'], ['抓取', 'n'], ['新增', 'n'], '最近错误'],
        n.crawls.map((r) => [td(c.source(r.source)), num(r.runs), num(r.ok), num(r.partial), num(r.failed), num(r.fetched), num(r.inserted), td(r.lastError ? `<span class="sub">${htmlText(r.lastError, 160)}</span>` : '—')]),
      ),
    )
  }
  if (n.missingSources.length) out.push(`<p class="flags">本期未运行的数据源：${n.missingSources.map((s) => c.source(s)).join('、')}。</p>`)
  if (n.flags.length) out.push(`<p class="flags">数据提示：${n.flags.map((f) => htmlText(f, 80)).join('；')}</p>`)
  out.push(`<p class="sub">指数版本 ${htmlText(n.indexVersion, 20)}${Object.keys(n.weights).length ? `；权重：${weightsText(c, n.weights)}` : ''}。</p>`)
  return out.join('\n')
}

const SECTION_RENDERERS: Record<keyof ReportModel['sections'], (c: Ctx) => string> = {
  overview,
  keyItems,
  trend,
  sentiment,
  hotEvents,
  media,
  geo,
  keywords,
  leaders,
  responses,
  index: indexSection,
  notes,
}

function kpis(m: ReportModel): string {
  const o = m.sections.overview
  const card = (k: string, v: string, s: string, cls = '') => `<div class="kpi${cls ? ` ${cls}` : ''}"><div class="k">${escapeHtml(k)}</div><div class="v">${v}</div><div class="s">${s}</div></div>`
  const cards = [
    card('信息总量', formatNumber(o.mentions), o.delta === null ? '上期无数据' : `较上期 ${deltaSpan(o.delta, formatDelta(o.delta))}`),
    card('负面信息', formatNumber(o.sentiment.neg), `正面 ${formatNumber(o.sentiment.pos)} · 中性 ${formatNumber(o.sentiment.neu)}`, 'neg'),
    card('预警', formatNumber(o.alerts), `事件 ${formatNumber(o.stories)} 个`, 'warn'),
    card('较 7 期均值', o.deltaVsMean7 === null ? '—' : deltaSpan(o.deltaVsMean7, formatDeltaPercent(o.deltaVsMean7)), o.mean7 === null ? '—' : `均值 ${formatNumber(o.mean7, 1)} 条`),
    card('网络形象指数', o.index === null ? '—' : formatNumber(o.index, 1), o.rank === null ? '未排名' : `排名 ${formatNumber(o.rank)} / ${formatNumber(o.peers)}`, 'pos'),
  ]
  return `<div class="kpis">${cards.join('')}</div>`
}

/** The report as one self-contained HTML document. */
export async function renderHtml(model: ReportModel): Promise<string> {
  const charts = await renderCharts(model)
  const c = new Ctx(model, charts)
  const title = cleanText(model.title, MAX.title)
  const region = model.region
  const p = model.period
  const body: string[] = []
  for (const [key, heading] of SECTION_TITLES) {
    const sec = model.sections[key]
    const inner = sec.status === 'insufficient' ? `<p class="note">${escapeHtml(cleanLines(sec.note || '数据不足，本节从略。', MAX.note))}</p>` : (sec.note ? `<p class="note">${escapeHtml(cleanLines(sec.note, MAX.note))}</p>` : '') + SECTION_RENDERERS[key](c)
    body.push(`<section class="sec" id="sec-${key}" data-section="${key}" data-status="${sec.status === 'insufficient' ? 'insufficient' : 'ok'}">\n<h2>${escapeHtml(heading)}</h2>\n${inner}\n</section>`)
  }
  const kind = KIND_LABELS[model.kind] ?? '报告'
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="yuqing">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="page">
<header class="masthead">
<p class="org">网 络 舆 情 监 测</p>
<h1>${escapeHtml(title)}</h1>
<p class="period">${htmlText(p.label, 80)}</p>
</header>
<div class="meta"><span>监测地区：${htmlText(region.fullName || region.name, 80)}（${htmlText(region.code, 12)}）</span><span>统计时段：${escapeHtml(formatLocal(p.from))} 至 ${escapeHtml(formatLocal(p.to))}（${formatNumber(p.days)} 天，${htmlText(p.timezone, 40)}）</span><span>生成时间：${escapeHtml(formatLocal(model.generatedLocal))}</span></div>
${kpis(model)}
${body.join('\n')}
<footer><span>${escapeHtml(kind)} · ${htmlText(region.name, 40)} · ${htmlText(p.label, 60)}</span><span>由 yuqing 自动生成，数据来自公开网络信息，仅供参考</span></footer>
</main>
</body>
</html>
`
}
