/**
 * `npx tsx bench/search.ts` (also `npm run bench -- --only search`): full-text search latency on
 * the rank bench's 5,000,000-mention database (bench/rank.ts generateRankData), target p95 ≤ 100 ms.
 *
 * The database is built once and cached at bench/out/cache/bench-5m.db (bench/trend.ts reads the
 * same file; delete it to rebuild, ~6 minutes): the rank generator's rows, then texts made of
 * place, subject and comment phrases (a skewed pick, so some subjects are common and some rare),
 * topics on three analyses in four, the bigram full-text index, and every rollup rebuilt.
 *
 * - In process: `searchMentions` (the service behind `yuqing search`: parse, compile, SQL, snippets)
 *   over ≥ 50 queries — 2-character and longer terms, AND / OR / NOT, phrases, with and without
 *   --region and --from — 3 rounds after one warm-up round; p50 / p95 over all runs, and per kind.
 * - One CLI invocation (`yuqing search … --json`), wall time including process start, median of 5.
 * Writes bench/out/search.json.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { silentLogger } from '../src/core/logger.js'
import { createContext } from '../src/services/context.js'
import { searchMentions } from '../src/services/search.js'
import { SqliteStore } from '../src/store/sqlite.js'
import { generateRankData } from './rank.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
export const CACHE_DIR = path.join(root, 'bench', 'out', 'cache')
export const BENCH_DB = path.join(CACHE_DIR, 'bench-5m.db')

const PLACES = '宝安区 西乡街道 沙井 福永 新安街道 石岩 松岗 燕罗 航城 福海 南山区 科技园 蛇口 龙岗区 坂田 布吉 龙华 民治 福田区 华强北 罗湖区 东门 光明区 坪山 盐田 前海 深圳湾 大鹏 观澜 平湖'.split(' ')
const SUBJECTS = ('地铁 公交 拥堵 投诉 暴雨 内涝 医院 学校 停车 城管 交通事故 政务大厅 城中村 垃圾分类 噪音 施工 物业 房价 租房 工资 招聘 外卖 快递 共享单车 红绿灯 井盖 路灯 绿化 公园 图书馆 ' +
  '养老 社保 医保 疫苗 食品安全 消防 火灾 诈骗 盗窃 警方 派出所 12345热线 办事 排队 停水 停电 燃气 电梯 违建 摆摊 台风 高温 空气质量 河道 污水 菜市场 超市 商场 地铁3号线 机场').split(' ')
const COMMENTS = '太让人头疼了 今天又出问题了 终于解决了 必须点赞 希望有关部门重视 怎么没人管 效率很高 体验很差 越来越好了 排了两个小时 已经反映多次 现场很多人 视频拍到了 求转发 有没有人知道 真的很方便 服务态度好 又涨价了 晚上十点还在 今天早上'.split(' ')
const TOPICS = ['治安', '城管', '交通', '教育', '医疗卫生', '就业', '环保', '住房', '食品药品安全', '安全生产', '政务服务', '文旅', '民生投诉']

export interface BenchDb {
  file: string
  /** Region codes, biggest first. */
  codes: string[]
  mentions: number
  days: number
  /** Seconds spent building it now (0 when it was cached). */
  buildSeconds: number
}

/** The cached 5M-mention database (built on first use). */
export function benchDatabase(opts: { mentions?: number; regions?: number; days?: number } = {}): BenchDb {
  const o = { mentions: opts.mentions ?? 5_000_000, regions: opts.regions ?? 3000, days: opts.days ?? 90 }
  const file = o.mentions === 5_000_000 ? BENCH_DB : path.join(CACHE_DIR, `bench-${o.mentions}.db`)
  const meta = `${file}.json`
  if (existsSync(file) && existsSync(meta)) {
    // Opening migrates it if this yuqing has newer migrations (each rebuilds what it adds).
    SqliteStore.open(file).close()
    return { ...(JSON.parse(readFileSync(meta, 'utf8')) as Omit<BenchDb, 'buildSeconds'>), buildSeconds: 0 }
  }
  mkdirSync(CACHE_DIR, { recursive: true })
  const tmp = `${file}.partial`
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true })
  const t0 = performance.now()
  const store = SqliteStore.open(tmp)
  const db = store.db
  const log = (s: string) => process.stderr.write(`bench db: ${s} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`)
  const codes = generateRankData(store, o)
  log(`generated ${o.mentions.toLocaleString('en-US')} mentions`)
  db.exec('create temp table w_place (i integer primary key, w text); create temp table w_subj (i integer primary key, w text); create temp table w_com (i integer primary key, w text)')
  db.transaction(() => {
    for (const [t, list] of [['w_place', PLACES], ['w_subj', SUBJECTS], ['w_com', COMMENTS]] as const) {
      const ins = db.prepare(`insert into temp.${t} (i, w) values (?, ?)`)
      list.forEach((w, i) => ins.run(i, w))
    }
  })()
  // Subjects are skewed (the smaller of two hashes): 地铁 is in ~6% of texts, 机场 in ~0.1%.
  const h = (k: number, mod: number) => `((id * ${k} + ${k * 7}) % 4294967296 % ${mod})`
  const subj = (a: number, b: number) => `(select w from temp.w_subj where i = min(${h(a, SUBJECTS.length)}, ${h(b, SUBJECTS.length)}))`
  db.transaction(() => {
    db.prepare(
      `update mentions set text = (select w from temp.w_place where i = ${h(2654435761, PLACES.length)}) || ${subj(40503, 69069)} || '，'
        || (select w from temp.w_com where i = ${h(22695477, COMMENTS.length)}) || '。' || (select w from temp.w_place where i = ${h(1103515245, PLACES.length)})
        || ${subj(134775813, 214013)} || (select w from temp.w_com where i = ${h(1664525, COMMENTS.length)}) || case when id % 7 = 0 then ' #深圳身边事#' else '' end,
        title = case when source = 'news' then (select w from temp.w_place where i = ${h(16807, PLACES.length)}) || ${subj(48271, 69621)} || '情况通报' else null end`,
    ).run()
    // Topics on 3 of 4 analyses; one in 8 has two.
    const names = JSON.stringify(TOPICS)
    db.prepare(
      `update analyses set topics_json = case when mention_id % 4 = 3 then null
        when mention_id % 8 = 1 then json_array(json_extract(:names, '$[' || (mention_id * 7 % ${TOPICS.length}) || ']'), json_extract(:names, '$[' || ((mention_id * 7 + 3) % ${TOPICS.length}) || ']'))
        else json_array(json_extract(:names, '$[' || (min(mention_id * 2654435761 % 4294967296 % ${TOPICS.length}, mention_id * 40503 % 65521 % ${TOPICS.length})) || ']')) end`,
    ).run({ names })
  })()
  log('texts and topics written')
  store.rebuildFts()
  log('full-text index built')
  db.transaction(() => store.rollups().rebuild())()
  log('rollups rebuilt')
  db.pragma('wal_checkpoint(TRUNCATE)')
  store.close()
  renameSync(tmp, file)
  const info = { file, codes, mentions: o.mentions, days: o.days }
  writeFileSync(meta, JSON.stringify(info) + '\n')
  return { ...info, buildSeconds: (performance.now() - t0) / 1000 }
}

/** The query set: kind, query, filters. */
export function searchQueries(region: string, from: string): Array<{ kind: string; query: string; region?: string; from?: string }> {
  const out: Array<{ kind: string; query: string; region?: string; from?: string }> = []
  const add = (kind: string, qs: string[]) => qs.forEach((query) => out.push({ kind, query }))
  add('2-char', ['宝安', '地铁', '投诉', '拥堵', '暴雨', '医院', '停车', '城管', '机场', '燃气'])
  add('3+ char', ['宝安区', '西乡街道', '交通事故', '政务大厅', '城中村', '垃圾分类', '共享单车', '12345热线', '地铁3号线', '空气质量'])
  add('AND', ['宝安 拥堵', '沙井 投诉', '南山区 暴雨', '福永 停车 体验很差', '龙华 医院 排了两个小时', '科技园 外卖'])
  add('OR', ['停水 OR 停电', '台风 OR 暴雨 OR 内涝', '诈骗 OR 盗窃', '宝安区 OR 南山区'])
  add('NOT', ['地铁 -拥堵', '投诉 NOT 物业', '医院 -排队 -医保', '宝安 NOT (停水 OR 停电)'])
  add('phrase', ['"地铁 拥堵"', '"希望有关部门重视"', '"西乡街道 城管"', '"太让人头疼了"', '"宝安区政务大厅"'])
  add('mixed', ['(宝安 OR 南山) 城管 -广告', '"地铁3号线" OR 地铁故障', '(停车 OR 违建) 投诉 -终于解决了'])
  // Filtered: the same kinds with a region, a date, or both.
  for (const q of ['地铁', '投诉', '宝安 拥堵', '停水 OR 停电', '医院 -排队', '"希望有关部门重视"']) out.push({ kind: 'region', query: q, region })
  for (const q of ['地铁', '交通事故', '沙井 投诉', '台风 OR 暴雨', '城管 -摆摊', '"服务态度好"']) out.push({ kind: 'from', query: q, from })
  for (const q of ['暴雨', '宝安 停车', '"求转发"', '诈骗 OR 盗窃']) out.push({ kind: 'region+from', query: q, region, from })
  return out
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

export interface SearchBench {
  mentions: number
  queries: number
  runs: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  byKind: Record<string, { p50Ms: number; p95Ms: number; maxMs: number }>
  slowest: Array<{ query: string; region?: string; from?: string; ms: number; total: number | null }>
  cli: { query: string; medianMs: number; runsMs: number[] }
}

export function benchSearch(b: BenchDb): SearchBench {
  const dir = path.dirname(b.file)
  const cfg = path.join(dir, 'bench.yaml')
  writeFileSync(cfg, `database: { path: ${path.basename(b.file)} }\nregions:\n  - code: "${b.codes[0]}"\n`)
  const ctx = createContext({ configFlag: cfg, log: silentLogger })
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10)
  const qs = searchQueries(b.codes[1]!, from)
  const times: Array<{ kind: string; ms: number; q: (typeof qs)[number]; total: number | null }> = []
  try {
    ctx.store({ readonly: true })
    for (let round = 0; round < 4; round++)
      for (const q of qs) {
        const t0 = performance.now()
        const r = searchMentions(ctx, { query: q.query, regions: q.region ? [q.region] : undefined, from: q.from, limit: 20 })
        const ms = performance.now() - t0
        if (round > 0) times.push({ kind: q.kind, ms, q, total: r.total })
      }
  } finally {
    ctx.close()
  }
  const stat = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y)
    return { p50Ms: +pct(s, 50).toFixed(1), p95Ms: +pct(s, 95).toFixed(1), maxMs: +s[s.length - 1]!.toFixed(1) }
  }
  const byKind: SearchBench['byKind'] = {}
  for (const k of new Set(times.map((t) => t.kind))) byKind[k] = stat(times.filter((t) => t.kind === k).map((t) => t.ms))
  const worst = new Map<string, { query: string; region?: string; from?: string; ms: number; total: number | null }>()
  for (const t of times) {
    const key = `${t.q.query}|${t.q.region ?? ''}|${t.q.from ?? ''}`
    if ((worst.get(key)?.ms ?? -1) < t.ms) worst.set(key, { query: t.q.query, ...(t.q.region ? { region: t.q.region } : {}), ...(t.q.from ? { from: t.q.from } : {}), ms: +t.ms.toFixed(1), total: t.total })
  }
  const cliQuery = '宝安 拥堵'
  const runsMs: number[] = []
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [bin, 'search', cliQuery, '--config', cfg, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, YUQING_CONFIG: '', YUQING_DB: '' } })
    runsMs.push(Math.round(performance.now() - t0))
    if (r.status !== 0) throw new Error(`search failed: ${r.stderr}`)
  }
  return {
    mentions: b.mentions,
    queries: qs.length,
    runs: times.length,
    ...stat(times.map((t) => t.ms)),
    byKind,
    slowest: [...worst.values()].sort((x, y) => y.ms - x.ms).slice(0, 8),
    cli: { query: cliQuery, medianMs: [...runsMs].sort((x, y) => x - y)[2]!, runsMs },
  }
}

export function printSearch(r: SearchBench): string[] {
  return [
    `search bench: ${r.mentions.toLocaleString('en-US')} mentions, ${r.queries} queries × 3 rounds (after a warm-up), searchMentions in process, latest 20`,
    `search all: p50 ${r.p50Ms} ms  p95 ${r.p95Ms} ms  max ${r.maxMs} ms`,
    ...Object.entries(r.byKind).map(([k, v]) => `search ${k.padEnd(11)} p50 ${v.p50Ms} ms  p95 ${v.p95Ms} ms  max ${v.maxMs} ms`),
    `slowest: ${r.slowest.map((s) => `${s.query}${s.region ? ` --region ${s.region}` : ''}${s.from ? ` --from ${s.from}` : ''} ${s.ms} ms (${s.total ?? '>10000'} hits)`).join('; ')}`,
    `yuqing search '${r.cli.query}' --json (CLI wall time): median ${r.cli.medianMs} ms over 5 runs (${r.cli.runsMs.join(', ')})`,
    r.p95Ms <= 100 ? `PASS search p95 ≤ 100 ms (${(r.p95Ms / 100).toFixed(2)}× the limit)` : `MISS search p95 ${r.p95Ms} ms > 100 ms`,
  ]
}

export function writeOut(name: string, key: string, value: unknown): void {
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  writeFileSync(path.join(root, 'bench', 'out', `${name}.json`), JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), [key]: value }, null, 2) + '\n')
}

/** Runs one bench on the cached 5M-mention database (built on first use), prints it and writes bench/out/NAME.json. */
export function onBenchDb<R>(name: string, bench: (b: BenchDb) => R, print: (r: R) => string[]): void {
  const b = benchDatabase()
  if (b.buildSeconds) console.log(`bench database built in ${b.buildSeconds.toFixed(0)} s: ${b.file}`)
  const r = bench(b)
  for (const line of print(r)) console.log(line)
  writeOut(name, name, r)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) onBenchDb('search', benchSearch, printSearch)
