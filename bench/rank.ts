/**
 * `npx tsx bench/rank.ts [--mentions N] [--regions R] [--days D]` (also `npm run bench -- --only rank`):
 * the ranking over a generated database of 5,000,000 mentions, 3,000 regions and 90 days
 * (issue 6: rank over all regions ≤ 1 s).
 *
 * - Rows are generated inside SQLite (a recursive CTE; no FTS index, which ranking never reads):
 *   each mention has one region (codes drawn from the gazetteer's formal units, skewed so a few
 *   regions are big), a time that follows the id across the days (stored in about publishing order, as crawls store them, ±6 h), a sentiment (25% pos, 55% neu, 20% neg),
 *   engagement, and a story cluster (every 4th mention joins the cluster of the one before it).
 * - The rollups are rebuilt from the base tables (the migration's path), timed.
 * - `yuqing rank --period week|month --json` through the real CLI, 5 runs each, the process
 *   wall time including start-up (what a user waits for); the median is the figure.
 * Writes bench/out/rank.json.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadGazetteer } from '../src/gazetteer/index.js'
import { SqliteStore } from '../src/store/sqlite.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : d
}

export interface RankBench {
  mentions: number
  regions: number
  days: number
  generateSeconds: number
  rebuildSeconds: number
  rollupRows: { day: number; cluster: number }
  week: { medianMs: number; runsMs: number[]; rows: number }
  month: { medianMs: number; runsMs: number[]; rows: number }
}

/**
 * Fills an empty store with the rank bench's generated mentions, regions and analyses (see the
 * top of this file; no FTS index, no rollups). The last day is yesterday in Shanghai. Returns the
 * region codes used, most mentions first (index 0 is the biggest region).
 */
export function generateRankData(store: SqliteStore, opts: { mentions: number; regions: number; days: number }): string[] {
  const codes = loadGazetteer()
    .formal()
    .slice(0, opts.regions)
    .map((r) => r.code)
  // The last day is yesterday in Shanghai, so `rank` without --date reads the generated days.
  const end = Date.parse(`${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+08:00`)
  const start = end - opts.days * 86_400_000
  store.db.exec('create temp table codes (i integer primary key, code text)')
  const ins = store.db.prepare('insert into temp.codes (i, code) values (?, ?)')
  store.db.transaction(() => codes.forEach((c, i) => ins.run(i, c)))()
  const n = opts.mentions
  const span = opts.days * 86_400
  store.db.transaction(() => {
    store.db
      .prepare(
        `with recursive seq(i) as (select 1 union all select i + 1 from seq where i < ?)
        insert into mentions (id, source, platform_id, text, published_at, fetched_at, reposts, comments, likes, content_hash, created_at, updated_at, author_name)
        select i, case when i % 5 = 0 then 'news' else 'weibo' end, 'b' || i, '生成的第 ' || i || ' 条',
          strftime('%Y-%m-%dT%H:%M:%fZ', ? + max(0, min(? - 1, i * ? / ? + (i * 7919 % 43200) - 21600)), 'unixepoch'), '2026-01-01T00:00:00.000Z',
          (i * 31) % 50, (i * 17) % 30, (i * 13) % 200, hex(i), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
          case when i % 97 = 0 then '人民日报' else '用户' || (i % 5000) end
        from seq`,
      )
      .run(n, start / 1000, span, span, n)
    // Skewed regions (the smaller of two hashes favours low indexes); a story keeps its region.
    store.db
      .prepare(
        `insert into mention_regions (mention_id, region_code, evidence, confidence)
        select m.id, c.code, 'bench', 1 from mentions m join temp.codes c
          on c.i = min(((m.id - (m.id % 4 = 0)) * 2654435761 % 4294967296) % :r, ((m.id - (m.id % 4 = 0)) * 40503 % 65521) % :r)`,
      )
      .run({ r: codes.length })
    store.db
      .prepare(
        `insert into analyses (mention_id, sentiment_score, sentiment_label, sentiment_confidence, model_version, cluster_id, analyzed_at)
        select id, 0, case when id % 20 < 5 then 'pos' when id % 20 < 16 then 'neu' else 'neg' end, 0.8, 'bench',
          case when id % 4 = 0 then id - 1 else id end, '2026-01-01T00:00:00.000Z' from mentions`,
      )
      .run()
  })()
  return codes
}

export function benchRank(opts: { mentions: number; regions: number; days: number }): RankBench {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-rank-'))
  try {
    const db = path.join(dir, 'rank.db')
    const cfg = path.join(dir, 'yuqing.yaml')
    writeFileSync(cfg, 'database: { path: rank.db }\n')
    const store = SqliteStore.open(db)
    let t = performance.now()
    generateRankData(store, opts)
    const generateSeconds = (performance.now() - t) / 1000
    t = performance.now()
    store.db.transaction(() => store.rollups().rebuild())()
    const rebuildSeconds = (performance.now() - t) / 1000
    const rollupRows = {
      day: store.db.prepare('select count(*) from rollup_day').pluck().get() as number,
      cluster: store.db.prepare('select count(*) from rollup_cluster').pluck().get() as number,
    }
    store.db.pragma('wal_checkpoint(TRUNCATE)')
    store.close()
    const time = (period: string) => {
      const runs: number[] = []
      let rows = 0
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now()
        const r = spawnSync(process.execPath, [bin, 'rank', '--config', cfg, '--period', period, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })
        runs.push(performance.now() - t0)
        if (r.status !== 0) throw new Error(`rank failed: ${r.stderr}`)
        rows = JSON.parse(r.stdout).rows.length
      }
      const sorted = [...runs].sort((a, b) => a - b)
      return { medianMs: Math.round(sorted[2]!), runsMs: runs.map(Math.round), rows }
    }
    return { ...opts, generateSeconds, rebuildSeconds, rollupRows, week: time('week'), month: time('month') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printRank(r: RankBench): string[] {
  return [
    `rank bench: ${r.mentions.toLocaleString('en-US')} mentions, ${r.regions} regions, ${r.days} days; generated in ${r.generateSeconds.toFixed(1)} s, rollups rebuilt in ${r.rebuildSeconds.toFixed(1)} s (${r.rollupRows.day.toLocaleString('en-US')} day rows, ${r.rollupRows.cluster.toLocaleString('en-US')} cluster rows)`,
    `rank --period week: median ${r.week.medianMs} ms over 5 runs (${r.week.runsMs.join(', ')}), ${r.week.rows} regions`,
    `rank --period month: median ${r.month.medianMs} ms over 5 runs (${r.month.runsMs.join(', ')}), ${r.month.rows} regions`,
    r.week.medianMs <= 1000 ? `PASS rank (week) ≤ 1 s (${(r.week.medianMs / 1000).toFixed(2)}× the limit)` : `MISS rank (week) ${r.week.medianMs} ms > 1 s`,
    r.month.medianMs <= 1000 ? `PASS rank (month) ≤ 1 s (${(r.month.medianMs / 1000).toFixed(2)}× the limit)` : `MISS rank (month) ${r.month.medianMs} ms > 1 s`,
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const r = benchRank({ mentions: arg('--mentions', 5_000_000), regions: arg('--regions', 3000), days: arg('--days', 90) })
  for (const line of printRank(r)) console.log(line)
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  writeFileSync(path.join(root, 'bench', 'out', 'rank.json'), JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), rank: r }, null, 2) + '\n')
}
