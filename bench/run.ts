/**
 * `npm run bench`: figures for the foundation.
 *  - import: a generated 1,000,000-row JSONL through the real CLI (`yuqing import --json`),
 *    rows/s and peak RSS; the same file again (every row must be unchanged); a 200,000-row file
 *    for the peak-RSS ratio that shows memory does not grow with the input.
 *  - full-text search latency on the imported database (2-character and longer terms), and
 *    reading one day's mentions in publication order.
 *  - `yuqing reanalyze` over the imported rows (mentions/s, peak RSS first half vs whole), and
 *    the NLP pipeline in this process on one core against raw jieba `cut` (bench/nlp.ts).
 *  - `yuqing --help` start-up time.
 *  - `yuqing crawl weibo` against the sample server with 20 ms latency at a configured 50
 *    requests/s over 10,000 pages: achieved rate, peak RSS (bench/crawl.ts).
 * Options: --rows N (default 1,000,000); --pages N (crawl, default 10,000); --only crawl (just
 * the crawl, written to bench/out/crawl.json), --only foundation (everything but the crawl and
 *  the ranking) or --only rank (bench/rank.ts: 5,000,000 generated mentions, 3,000 regions, 90 days),
 *  --only search (bench/search.ts: search latency on the cached 5,000,000-mention database) or
 *  --only trend (bench/trend.ts: `yuqing trend` on the same database) or --only report
 *  (bench/report.ts: the daily report on the same database).
 * Writes bench/out/foundation.json.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeJsonl } from '../test/helpers/generate.js'
import { SqliteStore } from '../src/store/sqlite.js'
import { benchCrawl, printCrawl } from './crawl.js'
import { benchRank, printRank } from './rank.js'
import { benchSearch, onBenchDb, printSearch } from './search.js'
import { benchTrend, printTrend } from './trend.js'
import { benchReport, printReport } from './report.js'
import { pollMemory } from './memory.js'
import { benchNlp } from './nlp.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : d
}
const ROWS = arg('--rows', 1_000_000)
const SMALL = Math.max(1000, Math.round(ROWS / 5))
const PAGES = arg('--pages', 10_000)
const ONLY = (() => {
  const i = process.argv.indexOf('--only')
  const v = i > 0 ? process.argv[i + 1] : undefined
  if (v !== undefined && !['crawl', 'foundation', 'rank', 'search', 'trend', 'report'].includes(v)) throw new Error(`--only ${v}: one of crawl, foundation, rank, search, trend, report`)
  return v
})()
const CRAWL = { pages: PAGES, rate: 50, latencyMs: 20 }

/**
 * Runs the CLI, polling its peak RSS (VmHWM) on Linux, and its resident size over time: the
 * peak within the first half of the run against the whole run shows whether memory grows with
 * the rows read (the import's rate is steady, so half the time is about half the rows).
 */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; seconds: number; peakRssMb: number | null; firstHalfPeakRssMb: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, YUQING_CONFIG: '', YUQING_DB: '' } })
    let stdout = ''
    let stderr = ''
    const mem = pollMemory(child.pid)
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const { peakMb: peak, rss } = mem.stop()
      const ms = performance.now() - t0
      const half = rss.filter(([t]) => t - t0 < ms / 2).map(([, v]) => v)
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        seconds: ms / 1000,
        peakRssMb: peak === null ? null : Math.round(peak),
        firstHalfPeakRssMb: half.length ? Math.round(Math.max(...half)) : null,
      })
    })
  })
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** `--only crawl`: the crawl bench alone, to bench/out/crawl.json. */
async function crawlOnly(): Promise<void> {
  console.log(`yuqing crawl bench: ${PAGES.toLocaleString('en-US')} pages, ${CRAWL.rate} requests/s configured, ${CRAWL.latencyMs} ms latency, ${os.cpus().length} cores, Node ${process.version}`)
  const crawl = await benchCrawl(CRAWL)
  for (const v of printCrawl(crawl)) console.log(v)
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  writeFileSync(path.join(root, 'bench', 'out', 'crawl.json'), JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), crawl }, null, 2) + '\n')
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-bench-'))
  const out: Record<string, unknown> = { rows: ROWS, node: process.version, cpus: os.cpus().length, date: new Date().toISOString() }
  try {
    console.log(`yuqing foundation bench: ${ROWS.toLocaleString('en-US')} rows, ${os.cpus().length} cores, Node ${process.version}`)
    const big = path.join(dir, 'mentions.jsonl')
    const small = path.join(dir, 'small.jsonl')
    let t = performance.now()
    const bytes = await writeJsonl(big, { rows: ROWS, seed: 7 })
    await writeJsonl(small, { rows: SMALL, seed: 8, startId: 5_990_000_000_000_000 })
    console.log(`generated ${(bytes / 2 ** 20).toFixed(0)} MiB JSONL in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    const db = path.join(dir, 'bench.db')
    // The import alone (the storage path); the analysis of the same rows is measured next, as
    // `yuqing reanalyze`, which is what `import` runs after storing unless --no-analyze.
    const first = await cli(['import', big, '--db', db, '--json', '--no-analyze'])
    if (first.code !== 0) throw new Error(`import failed (${first.code}): ${first.stderr}`)
    const s1 = JSON.parse(first.stdout)
    const rate1 = ROWS / first.seconds
    console.log(`import (new rows):        ${first.seconds.toFixed(1)} s  ${Math.round(rate1).toLocaleString('en-US')} rows/s  peak RSS ${first.peakRssMb} MB  inserted ${s1.inserted} rejected ${s1.rejected}`)

    const ana = await cli(['reanalyze', '--db', db, '--json'])
    if (ana.code !== 0) throw new Error(`reanalyze failed (${ana.code}): ${ana.stderr}`)
    const sa = JSON.parse(ana.stdout)
    const anaRate = sa.analyzed / ana.seconds
    const anaHalf = ana.peakRssMb && ana.firstHalfPeakRssMb ? ana.peakRssMb / ana.firstHalfPeakRssMb : null
    console.log(
      `reanalyze (all new):      ${ana.seconds.toFixed(1)} s  ${Math.round(anaRate).toLocaleString('en-US')} mentions/s  peak RSS ${ana.peakRssMb} MB (first half ${ana.firstHalfPeakRssMb} MB, ratio ${anaHalf?.toFixed(2)})  analysed ${sa.analyzed} with regions ${sa.withRegions} folds ${sa.clusters}`,
    )
    const endToEnd = ROWS / (first.seconds + ana.seconds)
    console.log(`import + analysis:        ${(first.seconds + ana.seconds).toFixed(1)} s  ${Math.round(endToEnd).toLocaleString('en-US')} rows/s end to end`)

    const again = await cli(['import', big, '--db', db, '--json'])
    const s2 = JSON.parse(again.stdout)
    const rate2 = ROWS / again.seconds
    console.log(`import again (unchanged): ${again.seconds.toFixed(1)} s  ${Math.round(rate2).toLocaleString('en-US')} rows/s  peak RSS ${again.peakRssMb} MB  unchanged ${s2.unchanged} inserted ${s2.inserted} updated ${s2.updated}`)

    const smallRun = await cli(['import', small, '--db', path.join(dir, 'small.db'), '--json', '--no-analyze'])
    const memRatio = first.peakRssMb && smallRun.peakRssMb ? first.peakRssMb / smallRun.peakRssMb : null
    const halfRatio = first.peakRssMb && first.firstHalfPeakRssMb ? first.peakRssMb / first.firstHalfPeakRssMb : null
    console.log(
      `constant memory: peak RSS ${smallRun.peakRssMb} MB for ${SMALL.toLocaleString('en-US')} rows vs ${first.peakRssMb} MB for ${ROWS.toLocaleString('en-US')} rows (ratio ${memRatio?.toFixed(2)} for ${(ROWS / SMALL).toFixed(0)}× the rows; the 256 MiB SQLite page cache fills up only on the larger file)`,
    )
    console.log(`constant memory: within the ${ROWS.toLocaleString('en-US')}-row import, peak RSS ${first.firstHalfPeakRssMb} MB over the first half vs ${first.peakRssMb} MB overall (ratio ${halfRatio?.toFixed(2)})`)

    const store = SqliteStore.open(db, { readonly: true })
    const lat: Record<string, { p50: number; p95: number; hits: number }> = {}
    for (const [label, terms] of [
      ['2-char', ['宝安', '地铁', '投诉', '拥堵', '暴雨', '医院']],
      ['3+ char', ['宝安区', '西乡街道', '交通事故', '政务大厅', '城中村']],
      ['two terms', ['宝安 拥堵', '沙井 投诉', '深圳 暴雨']],
    ] as const) {
      const times: number[] = []
      let hits = 0
      for (let rep = 0; rep < 5; rep++)
        for (const q of terms) {
          const t0 = performance.now()
          hits += store.searchIds(q, 50).length
          times.push(performance.now() - t0)
        }
      times.sort((a, b) => a - b)
      lat[label] = { p50: +pct(times, 50).toFixed(2), p95: +pct(times, 95).toFixed(2), hits }
      console.log(`search ${label.padEnd(9)} (latest 50 ids): p50 ${lat[label]!.p50} ms  p95 ${lat[label]!.p95} ms`)
    }
    // A day's mentions (an Asia/Shanghai day, as reports ask), through the UTC-day index.
    const dayTimes: number[] = []
    let dayRows = 0
    for (const day of ['2026-09-01', '2026-09-15', '2026-10-01', '2026-10-20', '2026-11-10']) {
      const from = new Date(`${day}T00:00:00+08:00`)
      const to = new Date(from.getTime() + 86_400_000)
      const t0 = performance.now()
      for (const _ of store.exportMentions({ from, to })) dayRows++
      dayTimes.push(performance.now() - t0)
    }
    dayTimes.sort((a, b) => a - b)
    const dayRange = { medianMs: +dayTimes[2]!.toFixed(1), rowsPerDay: Math.round(dayRows / 5) }
    console.log(`one day's mentions (export order): median ${dayRange.medianMs} ms for ${dayRange.rowsPerDay.toLocaleString('en-US')} rows`)
    const stats = store.stats()
    store.close()
    console.log(`database: ${(stats.sizeBytes / 2 ** 20).toFixed(0)} MiB for ${stats.tables.mentions?.toLocaleString('en-US')} mentions`)

    const nlp = benchNlp()
    console.log(
      `NLP pipeline, one core:   ${nlp.pipelineTextsPerSecond.toLocaleString('en-US')} texts/s (${nlp.meanChars} chars mean, ${nlp.texts.toLocaleString('en-US')} Weibo texts); raw jieba cut ${nlp.cutTextsPerSecond.toLocaleString('en-US')} texts/s; ratio ${nlp.ratio.toFixed(2)}; dictionaries + model load ${nlp.loadMs} ms`,
    )

    const helps: number[] = []
    for (let i = 0; i < 5; i++) helps.push((await cli(['--help'])).seconds * 1000)
    helps.sort((a, b) => a - b)
    console.log(`yuqing --help: median ${helps[2]!.toFixed(0)} ms (target < 300 ms)`)

    const crawl = ONLY === 'foundation' ? null : await benchCrawl(CRAWL)
    const crawlVerdict = crawl ? printCrawl(crawl) : []

    Object.assign(out, {
      import: { seconds: first.seconds, rowsPerSecond: Math.round(rate1), peakRssMb: first.peakRssMb, summary: { ...s1, errors: undefined } },
      reimport: { seconds: again.seconds, rowsPerSecond: Math.round(rate2), peakRssMb: again.peakRssMb, unchanged: s2.unchanged },
      memory: { smallRows: SMALL, smallPeakRssMb: smallRun.peakRssMb, ratio: memRatio, firstHalfPeakRssMb: first.firstHalfPeakRssMb, secondHalfRatio: halfRatio },
      search: lat,
      dayRange,
      reanalyze: { seconds: ana.seconds, mentionsPerSecond: Math.round(anaRate), peakRssMb: ana.peakRssMb, firstHalfPeakRssMb: ana.firstHalfPeakRssMb, analyzed: sa.analyzed, withRegions: sa.withRegions, clusters: sa.clusters },
      importPlusAnalysisRowsPerSecond: Math.round(endToEnd),
      nlp,
      dbMiB: Math.round(stats.sizeBytes / 2 ** 20),
      helpMs: Math.round(helps[2]!),
      ...(crawl ? { crawl } : {}),
    })
    const verdict = [
      rate1 >= 50_000 ? `PASS import ≥ 50,000 rows/s (${(rate1 / 50_000).toFixed(2)}× target)` : `MISS import ${Math.round(rate1)} rows/s < 50,000 (${(rate1 / 50_000).toFixed(2)}× target)`,
      s2.unchanged === ROWS ? 'PASS re-import: every row unchanged' : `MISS re-import: ${s2.unchanged} of ${ROWS} unchanged`,
      nlp.pipelineTextsPerSecond >= 20_000 ? `PASS NLP pipeline ≥ 20,000 texts/s (${(nlp.pipelineTextsPerSecond / 20_000).toFixed(2)}×)` : `MISS NLP pipeline ${nlp.pipelineTextsPerSecond} texts/s < 20,000`,
      nlp.ratio >= 0.5 ? `PASS NLP pipeline ≥ 50% of raw jieba cut (${Math.round(nlp.ratio * 100)}%)` : `MISS NLP pipeline at ${Math.round(nlp.ratio * 100)}% of raw jieba cut (< 50%)`,
      sa.analyzed === ROWS ? 'PASS reanalyze: every mention analysed' : `MISS reanalyze: ${sa.analyzed} of ${ROWS}`,
      ...crawlVerdict,
    ]
    for (const v of verdict) console.log(v)
    mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
    writeFileSync(path.join(root, 'bench', 'out', 'foundation.json'), JSON.stringify(out, null, 2) + '\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `--only rank`: the ranking over 5,000,000 generated mentions (bench/rank.ts), to bench/out/rank.json. */
function rankOnly(): void {
  const r = benchRank({ mentions: arg('--mentions', 5_000_000), regions: 3000, days: 90 })
  for (const v of printRank(r)) console.log(v)
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  writeFileSync(path.join(root, 'bench', 'out', 'rank.json'), JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), rank: r }, null, 2) + '\n')
}

/** `--only search|trend|report`: one bench on the cached 5M-mention database (bench/search.ts). */
const searchOnly = () => onBenchDb('search', benchSearch, printSearch)
const trendOnly = () => onBenchDb('trend', benchTrend, printTrend)
const reportOnly = () => onBenchDb('report', benchReport, printReport)

if (ONLY === 'crawl') await crawlOnly()
else if (ONLY === 'rank') rankOnly()
else if (ONLY === 'search') searchOnly()
else if (ONLY === 'trend') trendOnly()
else if (ONLY === 'report') reportOnly()
else {
  await main()
  if (ONLY === undefined) {
    rankOnly()
    searchOnly()
    trendOnly()
    reportOnly()
  }
}
