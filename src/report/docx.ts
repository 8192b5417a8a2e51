/**
 * The DOCX report (Word), with the docx library (the one file importing it, lazily). Same
 * sections and order as the other formats; numbers are in tables, not charts. Text runs set an
 * East-Asian font (Microsoft YaHei, falling back in Word/WPS/LibreOffice to SimSun or whatever
 * CJK font is installed) and Arial for Latin text.
 *
 * The docx library escapes XML special characters; crawled text is also cleaned (cleanText:
 * control characters, which would make the XML invalid, bidi overrides, lone surrogates) and
 * capped. Only http(s) urls become hyperlinks (a relationship in document.xml.rels).
 */
import type { Paragraph as ParagraphT, ParagraphChild, Table as TableT, TableCell as TableCellT } from 'docx'
import type { HotEvent, ItemRef, ReportModel, Sentiment } from './model.js'
import { SECTION_TITLES, SENTIMENT_LABELS } from './model.js'
import { cleanLines, cleanText, formatDelta, formatDeltaPercent, formatLocal, formatNumber, formatPercent, safeHttpUrl } from './text.js'

type Docx = typeof import('docx')

const FONT = { ascii: 'Arial', hAnsi: 'Arial', cs: 'Arial', eastAsia: 'Microsoft YaHei' }
const RED = 'C8161D'
const BLUE = '1F5FAE'
const GREY = '52606D'
const SENT_COLORS: Record<Sentiment | 'none', string> = { pos: '2E7D4F', neu: '4A5561', neg: 'B3261E', none: '7B8794' }
/** A4 width 11906 twips minus 2 × 1134 (2 cm) margins. */
const CONTENT_WIDTH = 9638

const MAX = { title: 200, snippet: 300, author: 60, url: 120, word: 30, note: 1000 }

type Run = { text: string; bold?: boolean; color?: string; size?: number; italics?: boolean }
type Cell = string | Run | Array<Run | { link: string | null; text: string }> | { lines: Array<Array<Run | { link: string | null; text: string }>> }

class Builder {
  constructor(
    readonly d: Docx,
    readonly model: ReportModel,
  ) {
    for (const s of model.sections.overview.bySource) this.labels.set(s.source, s.label)
    for (const s of model.sections.media.platforms) if (!this.labels.has(s.source)) this.labels.set(s.source, s.label)
  }
  readonly labels = new Map<string, string>()
  readonly out: Array<ParagraphT | TableT> = []

  source(s: string): string {
    return cleanText(this.labels.get(s) ?? s, 20)
  }

  run(r: Run | string): InstanceType<Docx['TextRun']> {
    const o = typeof r === 'string' ? { text: r } : r
    return new this.d.TextRun({ text: o.text, bold: o.bold, color: o.color, size: o.size, italics: o.italics, font: FONT })
  }

  /** A hyperlink for an http(s) url, else the text as a plain run. */
  linkOrText(url: string | null, text: string, bold = false): ParagraphChild {
    const safe = safeHttpUrl(url)
    if (!safe) return this.run({ text, bold })
    return new this.d.ExternalHyperlink({ link: safe, children: [new this.d.TextRun({ text, bold, style: 'Hyperlink', font: FONT })] })
  }

  children(parts: Array<Run | { link: string | null; text: string }>): ParagraphChild[] {
    return parts.map((p) => ('link' in p ? this.linkOrText(p.link, p.text) : this.run(p)))
  }

  p(parts: Array<Run | string | { link: string | null; text: string }>, opts: { spacingAfter?: number; align?: 'center' | 'left' } = {}): ParagraphT {
    return new this.d.Paragraph({
      children: this.children(parts.map((x) => (typeof x === 'string' ? { text: x } : x))),
      spacing: { after: opts.spacingAfter ?? 80, line: 300 },
      alignment: opts.align === 'center' ? this.d.AlignmentType.CENTER : undefined,
    })
  }

  heading(text: string, level: 1 | 2): void {
    this.out.push(new this.d.Paragraph({ heading: level === 1 ? this.d.HeadingLevel.HEADING_1 : this.d.HeadingLevel.HEADING_2, children: [this.run({ text })], keepNext: true }))
  }

  note(text: string): void {
    const lines = cleanLines(text, MAX.note).split('\n')
    this.out.push(
      new this.d.Paragraph({
        children: lines.flatMap((l, i) => [new this.d.TextRun({ text: l, color: GREY, italics: true, font: FONT, break: i > 0 ? 1 : undefined })]),
        shading: { type: this.d.ShadingType.CLEAR, color: 'auto', fill: 'F4F6F8' },
        border: { left: { style: this.d.BorderStyle.SINGLE, size: 12, color: BLUE, space: 6 } },
        spacing: { before: 60, after: 120 },
      }),
    )
  }

  cell(c: Cell, opts: { header?: boolean; numeric?: boolean; width: number; fill?: string }): TableCellT {
    const d = this.d
    const align = opts.numeric ? d.AlignmentType.RIGHT : undefined
    const para = (parts: Array<Run | { link: string | null; text: string }>) =>
      new d.Paragraph({ children: opts.header ? parts.map((p) => new d.TextRun({ text: p.text, bold: true, color: 'FFFFFF', font: FONT, size: 18 })) : this.children(parts.map((p) => ('link' in p ? p : { size: 18, ...p }))), alignment: align, spacing: { after: 0 } })
    let paras: ParagraphT[]
    if (typeof c === 'string') paras = [para([{ text: c }])]
    else if (Array.isArray(c)) paras = [para(c)]
    else if ('lines' in c) paras = c.lines.map((l) => para(l))
    else paras = [para([c])]
    return new d.TableCell({
      children: paras,
      width: { size: opts.width, type: d.WidthType.DXA },
      shading: opts.header ? { type: d.ShadingType.CLEAR, color: 'auto', fill: BLUE } : opts.fill ? { type: d.ShadingType.CLEAR, color: 'auto', fill: opts.fill } : undefined,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
    })
  }

  /** A table: header texts, rows of cells, relative column weights, numeric columns right-aligned. */
  table(head: string[], rows: Cell[][], weights: number[], numeric: number[] = [], highlight: (i: number) => string | undefined = () => undefined): void {
    const d = this.d
    const total = weights.reduce((a, b) => a + b, 0)
    const widths = weights.map((w) => Math.floor((w / total) * CONTENT_WIDTH))
    const border = { style: d.BorderStyle.SINGLE, size: 4, color: 'C9D1DB' }
    this.out.push(
      new d.Table({
        width: { size: CONTENT_WIDTH, type: d.WidthType.DXA },
        columnWidths: widths,
        borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
        rows: [
          new d.TableRow({ tableHeader: true, cantSplit: true, children: head.map((h, i) => this.cell(h, { header: true, width: widths[i]!, numeric: numeric.includes(i) })) }),
          ...rows.map((r, ri) => new d.TableRow({ cantSplit: true, children: r.map((c, i) => this.cell(c, { width: widths[i]!, numeric: numeric.includes(i), fill: highlight(ri) })) })),
        ],
      }),
    )
    this.out.push(new d.Paragraph({ children: [], spacing: { after: 80 } }))
  }
}

function sentimentRun(s: Sentiment | null): Run {
  const k = s ?? 'none'
  return { text: SENTIMENT_LABELS[k], color: SENT_COLORS[k], bold: k === 'neg' }
}

function itemCell(it: ItemRef): Cell {
  const title = cleanText(it.title, MAX.title) || cleanText(it.snippet, 60) || '（无标题）'
  const lines: Array<Array<Run | { link: string | null; text: string }>> = [[{ link: it.url, text: title }]]
  const snippet = cleanText(it.snippet, MAX.snippet)
  if (snippet && snippet !== title) lines.push([{ text: snippet, color: GREY, size: 16 }])
  if (it.url && !safeHttpUrl(it.url)) lines.push([{ text: `链接（未启用）：${cleanText(it.url, MAX.url)}`, color: GREY, size: 16 }])
  return { lines }
}

function overview(b: Builder): void {
  const o = b.model.sections.overview
  const s = o.sentiment
  const vsPrev = o.delta === null ? '上一周期无数据' : `较上一周期${o.delta >= 0 ? '增加' : '减少'} ${formatNumber(Math.abs(o.delta))} 条`
  const vsMean = o.deltaVsMean7 === null ? '' : `，较前 7 个周期均值 ${formatDeltaPercent(o.deltaVsMean7)}`
  b.out.push(
    b.p([
      `本期共监测到涉${cleanText(b.model.region.name, 40)}信息 `,
      { text: formatNumber(o.mentions), bold: true },
      ` 条，${vsPrev}${vsMean}；其中正面 ${formatNumber(s.pos)} 条、中性 ${formatNumber(s.neu)} 条、负面 `,
      { text: formatNumber(s.neg), bold: true, color: SENT_COLORS.neg },
      ` 条${s.none ? `，未分析 ${formatNumber(s.none)} 条` : ''}。归并为 ${formatNumber(o.stories)} 个事件，触发预警 ${formatNumber(o.alerts)} 条。`,
    ]),
  )
  const idx =
    o.index !== null
      ? `网络形象指数 ${formatNumber(o.index, 1)}${o.rank !== null ? `，在 ${formatNumber(o.peers)} 个同级地区中排名第 ${formatNumber(o.rank)}${o.rankDelta ? `（${o.rankDelta > 0 ? '上升' : '下降'} ${Math.abs(o.rankDelta)} 位）` : ''}` : ''}。`
      : ''
  b.out.push(b.p([`互动量：转发 ${formatNumber(o.engagement.reposts)}，评论 ${formatNumber(o.engagement.comments)}，点赞 ${formatNumber(o.engagement.likes)}。${idx}`]))
  if (o.bySource.length)
    b.table(
      ['来源', '本期', '上期', '变化'],
      o.bySource.map((x) => [cleanText(x.label || x.source, 30), formatNumber(x.mentions), formatNumber(x.previous), formatDelta(x.mentions - x.previous)]),
      [4, 2, 2, 2],
      [1, 2, 3],
    )
}

function keyItems(b: Builder): void {
  const k = b.model.sections.keyItems
  if (k.items.length)
    b.table(
      ['序号', '标题 / 摘要', '来源', '时间', '倾向', '互动', '类型', '处置'],
      k.items.map((it, i) => [
        String(i + 1),
        itemCell(it),
        { lines: [[{ text: b.source(it.source) }], [{ text: cleanText(it.tier, 12), color: GREY, size: 16 }], ...(it.author ? [[{ text: cleanText(it.author, MAX.author), color: GREY, size: 16 }]] : [])] },
        formatLocal(it.publishedLocal),
        [sentimentRun(it.sentiment)],
        formatNumber(it.engagement),
        it.alert ? `${cleanText(it.reason, 8)}（${cleanText(it.alert.severity, 10)}）` : cleanText(it.reason, 10),
        it.handling,
      ]),
      [1, 9, 3, 3, 1.5, 1.6, 2, 1.8],
      [5],
    )
  else b.note('本期无负面或预警信息。')
  if (k.alerts.length) {
    b.heading('本期预警', 2)
    b.table(
      ['时间', '预警', '规则', '级别', '状态', '涉及条数'],
      k.alerts.map((a) => [formatLocal(a.createdLocal), cleanText(a.title, MAX.title), cleanText(a.rule, 40), cleanText(a.severity, 12), cleanText(a.status, 12), formatNumber(a.mentionIds.length)]),
      [3, 7, 3, 1.5, 1.5, 1.6],
      [5],
    )
  }
}

function trend(b: Builder): void {
  const t = b.model.sections.trend
  if (t.daily.length)
    b.table(
      ['日期', '正面', '中性', '负面', '未分析', '合计'],
      t.daily.map((p) => [formatLocal(p.at), formatNumber(p.pos), formatNumber(p.neu), formatNumber(p.neg), formatNumber(p.none), formatNumber(p.pos + p.neu + p.neg + p.none)]),
      [3, 2, 2, 2, 2, 2],
      [1, 2, 3, 4, 5],
    )
  if (t.hourly.length) {
    b.heading('当日分时声量', 2)
    b.table(
      ['时段', '正面', '中性', '负面', '未分析'],
      t.hourly.map((p) => [/T(\d{2})/.exec(p.at)?.[1] ? `${/T(\d{2})/.exec(p.at)![1]}时` : cleanText(p.at, 16), formatNumber(p.pos), formatNumber(p.neu), formatNumber(p.neg), formatNumber(p.none)]),
      [3, 2, 2, 2, 2],
      [1, 2, 3, 4],
    )
  }
}

function sentiment(b: Builder): void {
  const s = b.model.sections.sentiment
  const rows: Cell[][] = (['pos', 'neu', 'neg'] as const).map((k) => [[sentimentRun(k)], formatNumber(s.counts[k]), formatPercent(s.shares[k])])
  if (s.counts.none) rows.push([[sentimentRun(null)], formatNumber(s.counts.none), '—'])
  b.table(['倾向', '条数', '占比'], rows, [3, 2, 2], [1, 2])
  if (s.favourability) b.out.push(b.p([`美誉度 ${formatPercent(s.favourability.theta)}（90% 区间 ${formatPercent(s.favourability.interval[0])} – ${formatPercent(s.favourability.interval[1])}）。`]))
}

function firstCell(b: Builder, e: HotEvent): Cell {
  const f = e.first
  const who = [b.source(f.source), f.author ? cleanText(f.author, MAX.author) : ''].filter(Boolean).join(' · ')
  const title = cleanText(f.title, 40)
  const lines: Array<Array<Run | { link: string | null; text: string }>> = [[{ link: f.url, text: who || '原文' }]]
  if (title && !cleanText(e.title, MAX.title).startsWith(title.replace(/…$/, ''))) lines.push([{ text: title, color: GREY, size: 16 }])
  if (f.url && !safeHttpUrl(f.url)) lines.push([{ text: `链接（未启用）：${cleanText(f.url, MAX.url)}`, color: GREY, size: 16 }])
  return { lines }
}

function hotEvents(b: Builder): void {
  b.table(
    ['排名', '事件', '倾向', '条数', '负面', '互动', '热度', '首现时间', '首发'],
    b.model.sections.hotEvents.events.map((e, i) => [String(i + 1), cleanText(e.title, MAX.title), [sentimentRun(e.sentiment)], formatNumber(e.mentions), formatNumber(e.neg), formatNumber(e.engagement), formatNumber(e.heat, 1), formatLocal(e.firstSeenLocal), firstCell(b, e)]),
    [1, 6, 1.4, 1.4, 1.4, 1.6, 1.5, 2.8, 4],
    [3, 4, 5, 6],
  )
}

function media(b: Builder): void {
  const m = b.model.sections.media
  b.table(['媒体级别', '条数'], m.tiers.map((t) => [cleanText(t.tier, 20), formatNumber(t.mentions)]), [3, 2], [1])
  b.table(['平台', '条数'], m.platforms.map((p) => [cleanText(p.label || p.source, 30), formatNumber(p.mentions)]), [3, 2], [1])
}

function geo(b: Builder): void {
  const g = b.model.sections.geo
  if (g.streets.length) b.table(['街道 / 镇', '条数'], g.streets.map((s) => [cleanText(s.name, 30), formatNumber(s.mentions)]), [3, 2], [1])
  if (g.ipLocations.length) b.table(['IP 属地', '条数'], g.ipLocations.map((s) => [cleanText(s.name, 30), formatNumber(s.mentions)]), [3, 2], [1])
}

function keywords(b: Builder): void {
  const w = b.model.sections.keywords.words
  b.table(['序号', '词', '权重', '信息条数'], w.map((x, i) => [String(i + 1), cleanText(x.word, MAX.word), formatNumber(x.weight, 2), formatNumber(x.mentions)]), [1, 4, 2, 2], [2, 3])
}

function leaders(b: Builder): void {
  b.table(
    ['序号', '账号', '平台', '认证', '粉丝数', '发布条数', '互动量', '负面'],
    b.model.sections.leaders.authors.map((a, i) => [String(i + 1), cleanText(a.name, MAX.author), b.source(a.source), a.verified ? '是' : '', a.followers === null ? '—' : formatNumber(a.followers), formatNumber(a.mentions), formatNumber(a.engagement), formatNumber(a.neg)]),
    [1, 4, 2, 1.2, 2, 1.6, 2, 1.2],
    [4, 5, 6, 7],
  )
}

function responses(b: Builder): void {
  const r = b.model.sections.responses
  b.out.push(b.p([`监测政务账号：${r.accounts.length ? r.accounts.map((a) => cleanText(a, MAX.author)).join('、') : '未配置'}。${r.rate !== null ? `负面事件回应率 ${formatPercent(r.rate)}。` : ''}`]))
  if (r.clusters.length)
    b.table(
      ['负面事件', '首现时间', '是否回应', '回应时间', '时延（小时）', '回应账号'],
      r.clusters.map((x) => [cleanText(x.title, MAX.title), formatLocal(x.firstLocal), x.responded ? '已回应' : '未回应', x.responseLocal ? formatLocal(x.responseLocal) : '—', formatNumber(x.latencyHours, 1), x.responder ? cleanText(x.responder, MAX.author) : '—']),
      [6, 2.8, 1.6, 2.8, 1.8, 3],
      [4],
    )
}

function indexSection(b: Builder): void {
  const s = b.model.sections.index
  if (s.row) {
    const rd = s.rankDelta
    b.out.push(
      b.p([
        `网络形象指数（${cleanText(s.version, 20)}）：`,
        { text: formatNumber(s.row.index, 1), bold: true, size: 28, color: BLUE },
        `，排名 ${s.row.rank === null ? '—' : formatNumber(s.row.rank)} / ${formatNumber(s.peerCount)}${rd ? `（${rd > 0 ? '上升' : '下降'} ${Math.abs(rd)} 位）` : ''}；统计窗口 ${formatLocal(s.window.from)} 至 ${formatLocal(s.window.to)}；样本 ${formatNumber(s.row.mentions)} 条。`,
      ]),
    )
    if (s.row.flags.length) b.out.push(b.p([{ text: `提示：${s.row.flags.map((f) => cleanText(f, 60)).join('；')}`, color: '8A5300' }]))
    b.table(['分项', '得分', '权重'], s.row.dimensions.map((d) => [cleanText(d.label, 20), formatNumber(d.score, 1), formatPercent(d.weight, 0)]), [4, 2, 2], [1, 2])
  }
  if (s.peers.length) {
    b.heading('同级地区排名', 2)
    b.table(
      ['排名', '地区', '代码', '指数', '信息量', '提示'],
      s.peers.map((p) => [p.rank === null ? '—' : String(p.rank), p.self ? { text: cleanText(p.name, 40), bold: true } : cleanText(p.name, 40), cleanText(p.code, 12), formatNumber(p.index, 1), formatNumber(p.mentions), p.flags.map((f) => cleanText(f, 40)).join('；')]),
      [1.2, 3, 2, 1.6, 1.6, 4],
      [3, 4],
      (i) => (s.peers[i]!.self ? 'FFF4D6' : undefined),
    )
  }
}

function notes(b: Builder): void {
  const n = b.model.sections.notes
  for (const l of n.lines) b.out.push(b.p([`• ${cleanLines(l, MAX.note).replace(/\n/g, ' ')}`]))
  if (n.crawls.length)
    b.table(
      ['数据源', '运行', '成功', '部分', '失败', '抓取', '新增', '最近错误'],
      n.crawls.map((r) => [b.source(r.source), formatNumber(r.runs), formatNumber(r.ok), formatNumber(r.partial), formatNumber(r.failed), formatNumber(r.fetched), formatNumber(r.inserted), r.lastError ? cleanText(r.lastError, 160) : '—']),
      [2.4, 1.2, 1.2, 1.2, 1.2, 1.4, 1.4, 5],
      [1, 2, 3, 4, 5, 6],
    )
  if (n.missingSources.length) b.out.push(b.p([`本期未运行的数据源：${n.missingSources.map((s) => b.source(s)).join('、')}。`]))
  if (n.flags.length) b.out.push(b.p([`数据提示：${n.flags.map((f) => cleanText(f, 80)).join('；')}`]))
  const w = Object.entries(n.weights)
  const labels = new Map((b.model.sections.index.row?.dimensions ?? []).map((d) => [d.key, d.label]))
  b.out.push(b.p([{ text: `指数版本 ${cleanText(n.indexVersion, 20)}${w.length ? `；权重：${w.map(([k, v]) => `${cleanText(labels.get(k) ?? k, 30)} ${formatPercent(v, 0)}`).join('，')}` : ''}。`, color: GREY }]))
}

const SECTIONS: Record<keyof ReportModel['sections'], (b: Builder) => void> = { overview, keyItems, trend, sentiment, hotEvents, media, geo, keywords, leaders, responses, index: indexSection, notes }

/** The report as a .docx file's bytes. */
export async function renderDocx(model: ReportModel): Promise<Buffer> {
  const d: Docx = await import('docx')
  const b = new Builder(d, model)
  const title = cleanText(model.title, MAX.title)
  const p = model.period
  b.out.push(new d.Paragraph({ alignment: d.AlignmentType.CENTER, spacing: { after: 60 }, children: [new d.TextRun({ text: '网络舆情监测', color: RED, size: 22, characterSpacing: 60, font: FONT })] }))
  b.out.push(new d.Paragraph({ heading: d.HeadingLevel.TITLE, alignment: d.AlignmentType.CENTER, children: [new d.TextRun({ text: title, font: FONT })] }))
  b.out.push(
    new d.Paragraph({
      alignment: d.AlignmentType.CENTER,
      border: { bottom: { style: d.BorderStyle.DOUBLE, size: 6, color: RED, space: 4 } },
      spacing: { after: 200 },
      children: [new d.TextRun({ text: cleanText(p.label, 80), font: FONT, color: GREY })],
    }),
  )
  b.out.push(b.p([`监测地区：${cleanText(model.region.fullName || model.region.name, 80)}（${cleanText(model.region.code, 12)}）`], { spacingAfter: 0 }))
  b.out.push(b.p([`统计时段：${formatLocal(p.from)} 至 ${formatLocal(p.to)}（${formatNumber(p.days)} 天，${cleanText(p.timezone, 40)}）`], { spacingAfter: 0 }))
  b.out.push(b.p([`生成时间：${formatLocal(model.generatedLocal)}`], { spacingAfter: 160 }))

  for (const [key, heading] of SECTION_TITLES) {
    const sec = model.sections[key]
    b.heading(heading, 1)
    if (sec.status === 'insufficient') {
      b.note(sec.note || '数据不足，本节从略。')
      continue
    }
    if (sec.note) b.note(sec.note)
    SECTIONS[key](b)
  }

  const heading = (size: number, color: string) => ({ run: { font: FONT, size, bold: true, color }, paragraph: { spacing: { before: 240, after: 120 } } })
  const doc = new d.Document({
    creator: 'yuqing',
    title,
    description: `${cleanText(model.region.name, 40)} ${cleanText(p.label, 60)}`,
    styles: {
      default: {
        document: { run: { font: FONT, size: 21 }, paragraph: { spacing: { line: 300 } } },
        title: { run: { font: FONT, size: 40, bold: true, color: RED }, paragraph: { spacing: { after: 80 } } },
        heading1: { ...heading(28, '102A43'), paragraph: { spacing: { before: 320, after: 120 }, border: { left: { style: d.BorderStyle.SINGLE, size: 24, color: RED, space: 6 } } } },
        heading2: heading(24, '243B53'),
        hyperlink: { run: { color: BLUE, underline: { type: d.UnderlineType.SINGLE, color: BLUE } } },
      },
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        footers: {
          default: new d.Footer({
            children: [new d.Paragraph({ alignment: d.AlignmentType.CENTER, children: [new d.TextRun({ children: [d.PageNumber.CURRENT, ' / ', d.PageNumber.TOTAL_PAGES], size: 16, color: GREY, font: FONT })] })],
          }),
        },
        children: b.out,
      },
    ],
  })
  return d.Packer.toBuffer(doc)
}
