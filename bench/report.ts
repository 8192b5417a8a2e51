/**
 * `npx tsx bench/report.ts` (also `npm run bench -- --only report`): the daily report on the
 * generated 5,000,000-mention database (bench/search.ts builds and caches it; 3,000 regions,
 * 90 days). Issue 6: daily report ≤ 1 s.
 *
 * Through the real CLI, 5 runs each, process wall time including start-up (what the office
 * waits for), median as the figure:
 * - `report daily --format json`: the whole model (rollups, the region's mentions of the day,
 *   two index windows over all regions for the rank and Δrank), the figure the target is for;
 * - `--format md,html`: plus the Markdown and the HTML with its seven ECharts SVG charts;
 * - `--format pdf`: plus Chromium printing it (a browser start; 1 run, reported, not a target).
 * For the biggest region and for a median-sized one; then, with alerts.sensitiveWords configured
 * (an office's case), the first report and `rank --period month`. Writes bench/out/report.json.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { onBenchDb, type BenchDb } from './search.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')

export interface ReportTiming {
  region: string
  mentions: number
  json: { medianMs: number; runsMs: number[] }
  /** The same with yesterday's report in the directory (the daily job's case): one index window ranked instead of two. */
  jsonWithPrevious: { medianMs: number; runsMs: number[] }
  html: { medianMs: number; runsMs: number[] }
  pdfMs: number | null
}

export interface ReportBench {
  mentions: number
  days: number
  date: string
  regions: ReportTiming[]
  /** With alerts.sensitiveWords configured, as an office has them: 舆情风险 then checks each net-negative story's first mention. */
  sensitive: { words: string[]; report: { medianMs: number; runsMs: number[] }; rankMonth: { medianMs: number; runsMs: number[] } }
}

/** Sensitive words for the configured case: 火灾 is in ~3% of the generated texts, the others in none. */
const SENSITIVE = { 安全事故: ['爆炸', '坍塌', '火灾'], 环保: ['污染', '排污'] }

function run(cfg: string, out: string, region: string, date: string, format: string): { ms: number; stdout: string } {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [bin, 'report', 'daily', '--config', cfg, '--region', region, '--date', date, '--format', format, '--out', out, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`report daily --format ${format} failed: ${r.stderr}`)
  return { ms, stdout: r.stdout }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.floor(s.length / 2)]!)
}

export function benchReport(b: BenchDb): ReportBench {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-report-bench-'))
  try {
    const date = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10)
    const picks = [b.codes[0]!, b.codes[Math.floor(b.codes.length / 2)]!]
    const cfg = path.join(dir, 'yuqing.yaml')
    writeFileSync(cfg, `database: { path: ${JSON.stringify(b.file)} }\nregions:\n${picks.map((c) => `  - code: "${c}"\n`).join('')}`)
    const chromium = ['/usr/bin/chromium', process.env.YUQING_CHROMIUM].some((p) => p && spawnSync('test', ['-x', p]).status === 0)
    const regions = picks.map((region) => {
      const json: number[] = []
      const html: number[] = []
      let mentions = 0
      for (let k = 0; k < 5; k++) {
        const r = run(cfg, dir, region, date, 'json')
        json.push(r.ms)
        mentions = JSON.parse(r.stdout).report.sections.overview.mentions
      }
      for (let k = 0; k < 5; k++) html.push(run(cfg, dir, region, date, 'md,html').ms)
      // Yesterday's report present, as every morning after the first: Δrank reads its rank.
      const prevDir = path.join(dir, `prev-${region}`)
      const yesterday = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
      run(cfg, prevDir, region, yesterday, 'json')
      const warm: number[] = []
      for (let k = 0; k < 5; k++) warm.push(run(cfg, prevDir, region, date, 'json').ms)
      const pdfMs = chromium ? Math.round(run(cfg, dir, region, date, 'pdf').ms) : null
      return { region, mentions, json: { medianMs: median(json), runsMs: json.map(Math.round) }, jsonWithPrevious: { medianMs: median(warm), runsMs: warm.map(Math.round) }, html: { medianMs: median(html), runsMs: html.map(Math.round) }, pdfMs }
    })
    const scfg = path.join(dir, 'sensitive.yaml')
    writeFileSync(scfg, `database: { path: ${JSON.stringify(b.file)} }\nregions:\n  - code: "${picks[0]}"\nalerts:\n  sensitiveWords: ${JSON.stringify(SENSITIVE)}\n`)
    const rep: number[] = []
    const rk: number[] = []
    for (let k = 0; k < 5; k++) rep.push(run(scfg, path.join(dir, 'sensitive'), picks[0]!, date, 'json').ms)
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      const r = spawnSync(process.execPath, [bin, 'rank', '--config', scfg, '--period', 'month', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })
      if (r.status !== 0) throw new Error(`rank failed: ${r.stderr}`)
      rk.push(performance.now() - t0)
    }
    const sensitive = { words: Object.values(SENSITIVE).flat(), report: { medianMs: median(rep), runsMs: rep.map(Math.round) }, rankMonth: { medianMs: median(rk), runsMs: rk.map(Math.round) } }
    return { mentions: b.mentions, days: b.days, date, regions, sensitive }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printReport(r: ReportBench): string[] {
  const lines = [`report bench: ${r.mentions.toLocaleString('en-US')} mentions, ${r.days} days; daily report for ${r.date}, CLI wall time, median of 5`]
  for (const x of r.regions) {
    lines.push(`  region ${x.region} (${x.mentions} mentions that day): json ${x.json.medianMs} ms (${x.json.runsMs.join(', ')}); md+html ${x.html.medianMs} ms (${x.html.runsMs.join(', ')}); pdf ${x.pdfMs === null ? 'skipped (no Chromium)' : `${x.pdfMs} ms`}`)
    lines.push(`  region ${x.region}: json with yesterday's report present (the daily job's case) ${x.jsonWithPrevious.medianMs} ms (${x.jsonWithPrevious.runsMs.join(', ')})`)
    for (const [what, ms] of [
      ['first report', x.json.medianMs],
      ["with yesterday's", x.jsonWithPrevious.medianMs],
    ] as const)
      lines.push(ms <= 1000 ? `PASS daily report (${x.region}, ${what}) ≤ 1 s (${(ms / 1000).toFixed(2)}× the limit)` : `MISS daily report (${x.region}, ${what}) ${ms} ms > 1 s`)
  }
  const sv = r.sensitive
  lines.push(`  with alerts.sensitiveWords (${sv.words.join(' ')}): daily report json ${sv.report.medianMs} ms (${sv.report.runsMs.join(', ')}); rank --period month ${sv.rankMonth.medianMs} ms (${sv.rankMonth.runsMs.join(', ')})`)
  for (const [what, ms] of [
    ['daily report, sensitive words', sv.report.medianMs],
    ['rank month, sensitive words', sv.rankMonth.medianMs],
  ] as const)
    lines.push(ms <= 1000 ? `PASS ${what} ≤ 1 s (${(ms / 1000).toFixed(2)}× the limit)` : `MISS ${what} ${ms} ms > 1 s`)
  return lines
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) onBenchDb('report', benchReport, printReport)
