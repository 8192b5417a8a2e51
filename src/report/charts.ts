/**
 * Report charts as SVG strings, rendered server-side by echarts (the one file importing it,
 * lazily): no canvas, no DOM, no script in the output. The HTML report inlines them; the PDF
 * prints that HTML.
 *
 * Safety: echarts escapes `<`, `>`, `&` and `"` in the SVG text it writes (checked with 6.1.0:
 * a label `</text><script>` comes out as `&lt;/text&gt;&lt;script&gt;`), but not style values, so
 * only our own constants (colours, the font stack, which uses single quotes only) go into
 * styles. Crawled labels (event titles, platform names) are cleaned and shortened first, and
 * every SVG is checked for script, foreignObject, links and on* attributes before it is used.
 */
import type { ReportModel, SeriesPoint } from './model.js'
import { SENTIMENT_LABELS } from './model.js'
import { cleanText } from './text.js'

/** CJK fonts first by platform (Debian's fonts-wqy-zenhei here); single quotes only (see above). */
export const CHART_FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

export const SENTIMENT_COLORS = { pos: '#2e9d5b', neu: '#9aa1a9', neg: '#d9363e', none: '#d7dbe0' } as const
const ACCENT = '#1f5fae'
const PALETTE = ['#1f5fae', '#e08a1e', '#2e9d5b', '#8e5bb8', '#17a2b8', '#c0504d', '#7f8c8d', '#b5a12f']

export type ChartName = 'trend-daily' | 'trend-hourly' | 'sentiment' | 'hot-events' | 'media-tiers' | 'platforms' | 'index-dimensions'

export interface ReportCharts {
  /** SVG markup by chart; a chart is absent when its section is insufficient or has nothing to draw. */
  svg: Partial<Record<ChartName, string>>
  /** Short Chinese captions (accessible names) for the same charts. */
  captions: Partial<Record<ChartName, string>>
}

type EChartsOption = Record<string, unknown>

const UNSAFE_SVG = /<\s*(?:script|foreignObject|iframe|object|embed|a|image|use|animate|set)\b|<[^>]*\s(?:on[a-z]+|href|xlink:href)\s*=|javascript:/i

/**
 * Turns echarts' SVG into markup fit for inlining: width/height replaced by the viewBox (CSS
 * sizes it), namespace declarations dropped (not needed inline in HTML, and the page then
 * contains no URL at all), an accessible name added. null when anything unsafe is found.
 */
function finishSvg(svg: string, name: ChartName, caption: string): string | null {
  if (UNSAFE_SVG.test(svg)) return null
  const m = /^<svg\b[^>]*>/.exec(svg)
  if (!m) return null
  const vb = /viewBox="([\d.\s]+)"/.exec(m[0])?.[1] ?? null
  const open = `<svg class="chart-svg" data-chart="${name}" role="img" aria-label="${caption.replace(/[&<>"']/g, '')}"${vb ? ` viewBox="${vb}"` : ''} preserveAspectRatio="xMidYMid meet">`
  return open + svg.slice(m[0].length)
}

type ECharts = typeof import('echarts/core')

/** The chart types and components the report draws, and the SVG renderer: half the load time of the whole library. */
const ECHARTS_PARTS = ['echarts/lib/chart/line', 'echarts/lib/chart/bar', 'echarts/lib/chart/pie', 'echarts/lib/component/grid', 'echarts/lib/component/title', 'echarts/lib/component/legend']

/**
 * ECharts from the one-file bundle `npm run build` writes beside this module
 * (scripts/bundle-echarts.mjs: the same parts, ~50 ms to load instead of ~0.4 s); from the
 * package's modules when there is no bundle (the sources run by tsx).
 */
async function loadEcharts(): Promise<ECharts> {
  const bundle = new URL('./echarts-bundle.js', import.meta.url)
  const { existsSync } = await import('node:fs')
  if (bundle.protocol === 'file:' && existsSync(bundle)) return ((await import(bundle.href)) as { default: ECharts }).default
  const core = await import('echarts/core')
  const { SVGRenderer } = await import('echarts/renderers')
  // grid.containLabel (the hot-event bars' long labels) is a separate feature in echarts 6.
  const { LegacyGridContainLabel } = await import('echarts/features')
  // Side-effect modules that register themselves (no type declarations, hence the variable).
  await Promise.all(ECHARTS_PARTS.map((m: string) => import(m)))
  core.use([SVGRenderer, LegacyGridContainLabel])
  return core
}

async function renderOne(echarts: ECharts, option: EChartsOption, width: number, height: number): Promise<string> {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT, fontSize: 12, color: '#333' }, ...option })
    return chart.renderToSVGString({ useViewBox: true })
  } finally {
    // Without dispose() echarts keeps the process alive.
    chart.dispose()
  }
}

function seriesBySentiment(points: SeriesPoint[], type: 'bar' | 'line'): EChartsOption[] {
  const keys = ['neg', 'neu', 'pos', 'none'] as const
  const withNone = points.some((p) => p.none > 0)
  return keys
    .filter((k) => k !== 'none' || withNone)
    .map((k) => ({
      name: SENTIMENT_LABELS[k],
      type,
      stack: 'total',
      data: points.map((p) => p[k]),
      itemStyle: { color: SENTIMENT_COLORS[k] },
      lineStyle: { color: SENTIMENT_COLORS[k], width: 1.5 },
      areaStyle: type === 'line' ? { color: SENTIMENT_COLORS[k], opacity: 0.55 } : undefined,
      symbol: 'none',
      smooth: false,
      barMaxWidth: 18,
      emphasis: { disabled: true },
    }))
}

function trendOption(points: SeriesPoint[], hourly: boolean, title: string): EChartsOption {
  const labels = points.map((p) => (hourly ? (/T(\d{2})/.exec(p.at)?.[1] ?? cleanText(p.at, 13)) + '时' : (/^\d{4}-(\d{2}-\d{2})/.exec(p.at)?.[1] ?? cleanText(p.at, 10))))
  return {
    title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    legend: { top: 2, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontFamily: CHART_FONT, fontSize: 12 } },
    grid: { left: 44, right: 16, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: labels, boundaryGap: !hourly ? true : true, axisLabel: { fontSize: 11, interval: hourly ? 2 : 'auto', hideOverlap: true }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#e8ebef' } }, axisLabel: { fontSize: 11 } },
    series: seriesBySentiment(points, hourly ? 'bar' : 'line'),
  }
}

function sentimentOption(model: ReportModel): EChartsOption {
  const c = model.sections.sentiment.counts
  const data: Array<{ name: string; value: number; itemStyle: { color: string } }> = (['pos', 'neu', 'neg'] as const).map((k) => ({ name: SENTIMENT_LABELS[k], value: c[k], itemStyle: { color: SENTIMENT_COLORS[k] } }))
  if (c.none > 0) data.push({ name: SENTIMENT_LABELS.none, value: c.none, itemStyle: { color: SENTIMENT_COLORS.none } })
  return {
    title: { text: '情感分布', left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    legend: { orient: 'vertical', right: 4, top: 'middle', itemWidth: 12, itemHeight: 8, textStyle: { fontFamily: CHART_FONT } },
    series: [
      {
        type: 'pie',
        radius: ['42%', '68%'],
        center: ['42%', '55%'],
        data,
        label: { formatter: '{b} {d}%', fontSize: 12, fontFamily: CHART_FONT },
        labelLine: { length: 8, length2: 8 },
        emphasis: { disabled: true },
      },
    ],
  }
}

function hotEventsOption(model: ReportModel): EChartsOption {
  const events = model.sections.hotEvents.events.slice(0, 10)
  // Highest heat at the top of a horizontal bar chart: echarts draws categories bottom-up.
  const rows = [...events].reverse()
  const labels = rows.map((e, i) => `${events.length - i}. ${cleanText(e.title, 16)}`)
  return {
    title: { text: '热点事件热度', left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    grid: { left: 8, right: 48, top: 34, bottom: 8, containLabel: true },
    xAxis: { type: 'value', splitLine: { lineStyle: { color: '#e8ebef' } }, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'category', data: labels, axisLabel: { fontSize: 12, fontFamily: CHART_FONT, color: '#333' }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        data: rows.map((e) => ({ value: Math.round(e.heat * 10) / 10, itemStyle: { color: SENTIMENT_COLORS[e.sentiment] } })),
        barMaxWidth: 16,
        label: { show: true, position: 'right', fontSize: 11, color: '#333' },
        emphasis: { disabled: true },
      },
    ],
  }
}

function barOption(title: string, labels: string[], values: number[], color: string | string[], horizontal = false): EChartsOption {
  const category = { type: 'category', data: labels, axisLabel: { fontSize: 12, fontFamily: CHART_FONT, interval: 0, color: '#333' }, axisTick: { show: false } }
  const value = { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#e8ebef' } }, axisLabel: { fontSize: 11 } }
  return {
    title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    grid: { left: 8, right: horizontal ? 40 : 12, top: 36, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    series: [
      {
        type: 'bar',
        data: values.map((v, i) => ({ value: v, itemStyle: { color: Array.isArray(color) ? color[i % color.length] : color } })),
        barMaxWidth: 28,
        label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 11, color: '#333' },
        emphasis: { disabled: true },
      },
    ],
  }
}

function platformsOption(model: ReportModel): EChartsOption {
  const p = model.sections.media.platforms.filter((x) => x.mentions > 0).slice(0, 8)
  return {
    title: { text: '平台分布', left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    series: [
      {
        type: 'pie',
        radius: ['0%', '62%'],
        center: ['50%', '56%'],
        data: p.map((x, i) => ({ name: cleanText(x.label || x.source, 12), value: x.mentions, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
        label: { formatter: '{b}\n{c} 条 ({d}%)', fontSize: 11, fontFamily: CHART_FONT, lineHeight: 15 },
        labelLine: { length: 6, length2: 6 },
        emphasis: { disabled: true },
      },
    ],
  }
}

function indexOption(model: ReportModel): EChartsOption | null {
  const dims = model.sections.index.row?.dimensions ?? []
  if (dims.length === 0) return null
  const rows = [...dims].reverse()
  return {
    title: { text: '指数分项得分（0–100）', left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2b3a', fontFamily: CHART_FONT } },
    grid: { left: 8, right: 44, top: 34, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, splitLine: { lineStyle: { color: '#e8ebef' } }, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'category', data: rows.map((d) => `${cleanText(d.label, 10)}（权重 ${Math.round(d.weight * 100)}%）`), axisLabel: { fontSize: 12, fontFamily: CHART_FONT, color: '#333' }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        data: rows.map((d) => ({ value: d.score === null ? 0 : Math.round(d.score * 10) / 10, itemStyle: { color: d.score === null ? '#d7dbe0' : ACCENT } })),
        barMaxWidth: 16,
        label: { show: true, position: 'right', fontSize: 11, color: '#333', formatter: (p: { dataIndex: number }) => (rows[p.dataIndex]!.score === null ? '无数据' : String(Math.round(rows[p.dataIndex]!.score! * 10) / 10)) },
        emphasis: { disabled: true },
      },
    ],
  }
}

/**
 * Every chart the model supports, as inline-ready SVG. Sections marked insufficient get none;
 * a chart that fails to render (or fails the safety check) is left out, never fatal.
 */
export async function renderCharts(model: ReportModel): Promise<ReportCharts> {
  const s = model.sections
  const jobs: Array<{ name: ChartName; caption: string; option: EChartsOption | null; width: number; height: number }> = []
  if (s.trend.status === 'ok') {
    if (s.trend.daily.length > 0) jobs.push({ name: 'trend-daily', caption: `近 ${s.trend.daily.length} 日声量走势（按情感）`, option: trendOption(s.trend.daily, false, `近 ${s.trend.daily.length} 日声量走势`), width: 760, height: 280 })
    if (s.trend.hourly.length > 0) jobs.push({ name: 'trend-hourly', caption: '当日分时声量（按情感）', option: trendOption(s.trend.hourly, true, '当日分时声量'), width: 760, height: 240 })
  }
  if (s.sentiment.status === 'ok') jobs.push({ name: 'sentiment', caption: '情感分布', option: sentimentOption(model), width: 380, height: 260 })
  if (s.hotEvents.status === 'ok' && s.hotEvents.events.length > 0) {
    const n = Math.min(10, s.hotEvents.events.length)
    jobs.push({ name: 'hot-events', caption: '热点事件热度', option: hotEventsOption(model), width: 760, height: 60 + n * 28 })
  }
  if (s.media.status === 'ok') {
    if (s.media.tiers.length > 0)
      jobs.push({
        name: 'media-tiers',
        caption: '媒体级别分布',
        option: barOption(
          '媒体级别分布',
          s.media.tiers.map((t) => cleanText(t.tier, 8)),
          s.media.tiers.map((t) => t.mentions),
          ACCENT,
        ),
        width: 380,
        height: 260,
      })
    if (s.media.platforms.some((p) => p.mentions > 0)) jobs.push({ name: 'platforms', caption: '平台分布', option: platformsOption(model), width: 380, height: 260 })
  }
  if (s.index.status === 'ok') {
    const option = indexOption(model)
    if (option) jobs.push({ name: 'index-dimensions', caption: '网络形象指数分项得分', option, width: 760, height: 60 + (s.index.row?.dimensions.length ?? 0) * 34 })
  }
  const out: ReportCharts = { svg: {}, captions: {} }
  if (jobs.length === 0) return out
  const echarts = await loadEcharts()
  for (const j of jobs) {
    if (!j.option) continue
    try {
      const svg = finishSvg(await renderOne(echarts, j.option, j.width, j.height), j.name, j.caption)
      if (svg) {
        out.svg[j.name] = svg
        out.captions[j.name] = j.caption
      }
    } catch {
      /* a chart is decoration: the section's table still carries the numbers */
    }
  }
  return out
}
