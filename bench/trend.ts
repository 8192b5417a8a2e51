/**
 * `npx tsx bench/trend.ts` (also `npm run bench -- --only trend`): `yuqing trend` by day over 30
 * days on the cached 5,000,000-mention database (bench/search.ts benchDatabase; built once),
 * for the biggest region: all mentions (rollup_day), a topic (rollup_topic), a keyword (full-text
 * index) and hours over 7 days (base tables). Each is the CLI's wall time including start-up,
 * median of 5 runs; `yuqing --help` start-up for comparison. Writes bench/out/trend.json.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { onBenchDb, type BenchDb } from './search.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')

export interface TrendBench {
  mentions: number
  region: string
  helpMs: number
  cases: Array<{ name: string; args: string[]; medianMs: number; runsMs: number[]; total: number }>
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
}

export function benchTrend(b: BenchDb): TrendBench {
  const cfg = path.join(path.dirname(b.file), 'trend.yaml')
  writeFileSync(cfg, `database: { path: ${path.basename(b.file)} }\nregions:\n  - code: "${b.codes[0]}"\n`)
  const env = { ...process.env, YUQING_CONFIG: '', YUQING_DB: '', NO_COLOR: '1' }
  const run = (args: string[]) => {
    const runsMs: number[] = []
    let out = ''
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env })
      runsMs.push(Math.round(performance.now() - t0))
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`)
      out = r.stdout
    }
    return { runsMs, medianMs: median(runsMs), out }
  }
  const cases: TrendBench['cases'] = []
  for (const [name, extra] of [
    ['day, 30 days, all mentions', []],
    ['day, 30 days, --topic 交通', ['--topic', '交通']],
    ['day, 30 days, --keyword 地铁', ['--keyword', '地铁']],
    ['day, 30 days, --by source', ['--by', 'source']],
    ['hour, 7 days', ['--interval', 'hour', '--days', '7']],
    ['hour, 7 days, --topic 交通', ['--interval', 'hour', '--days', '7', '--topic', '交通']],
  ] as Array<[string, string[]]>) {
    const args = ['trend', '--config', cfg, '--json', ...(extra.includes('--days') ? [] : ['--days', '30']), ...extra]
    const r = run(args)
    const total = (JSON.parse(r.out).totals as Array<{ count: number }>).reduce((s, t) => s + t.count, 0)
    cases.push({ name, args: args.slice(1).filter((a) => a !== cfg && a !== '--config'), medianMs: r.medianMs, runsMs: r.runsMs, total })
  }
  const help = run(['--help'])
  return { mentions: b.mentions, region: b.codes[0]!, helpMs: help.medianMs, cases }
}

export function printTrend(r: TrendBench): string[] {
  return [
    `trend bench: ${r.mentions.toLocaleString('en-US')} mentions, region ${r.region} (the biggest); CLI wall time, median of 5 (yuqing --help: ${r.helpMs} ms)`,
    ...r.cases.map((c) => `trend ${c.name.padEnd(30)} median ${c.medianMs} ms (${c.runsMs.join(', ')}), ${c.total.toLocaleString('en-US')} mentions`),
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) onBenchDb('trend', benchTrend, printTrend)
