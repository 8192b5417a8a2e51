/**
 * `yuqing demo [DIR]`: the whole job, offline, on the sample sources, for a first-time user.
 *
 *   ① a workspace in DIR (default ./yuqing-demo), made by initWorkspace (宝安区 440306)
 *   ② the sample sources server on 127.0.0.1 (a free port): Weibo API, s.weibo.com, news feed,
 *      news search engines and articles, over the last DAYS days
 *   ③ the workspace config pointed at it: every base URL on loopback, politeness turned down
 *      (no waits), four Shenzhen peers watched for the ranking, the 深圳宝安发布 account for
 *      回应力, sensitive words for alerts, no alert channels (nothing tries the network);
 *      s.weibo.com only when Chromium is found
 *   ④ one crawl of every enabled source (which analyses what it stored)
 *   ⑤ the alert checks  ⑥ the ranking for the report day  ⑦ the daily report for yesterday
 *      (Asia/Shanghai) in every format (pdf only with Chromium)
 *   ⑧ the server stopped, and a summary.
 *
 * Re-running on the same DIR: a previous demo workspace (it holds `.yuqing-demo.json`) is reused
 * after its database, reports, quarantine and stored cookie are deleted, so each run starts
 * clean. A directory that is not empty and not a demo workspace is refused unless `force`.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { parseConfigText } from '../config/load.js'
import { AppError, ExitCode, UsageError, errorMessage } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { addDays, isoWithOffset } from '../core/time.js'
import type { ReportFormat } from '../report/model.js'
import type { CrawlSummary } from './crawl.js'
import { createContext, gazetteerResolver, type AppContext } from './context.js'

export const DEMO_MARKER = '.yuqing-demo.json'
const REGION = { code: '440306', name: '宝安区' }
/** The other districts the sample world writes about: the peers of the ranking. */
const PEERS = [
  { code: '440305', name: '南山区' },
  { code: '440309', name: '龙华区' },
  { code: '440304', name: '福田区' },
  { code: '440311', name: '光明区' },
]
/** Street (街道) names of 宝安 that the sample posts use, crawled as keywords as an office would. */
const STREET_KEYWORDS = ['西乡', '新安', '福永', '沙井', '松岗', '石岩']
const SENSITIVE_WORDS = { 安全隐患: ['安全隐患', '消防通道', '爆炸', '坍塌'], 城市内涝: ['积水', '内涝'], 劳资纠纷: ['拖欠', '欠薪'] }
/** The sample world: this many posts over this many days (ending now). 15 days fill the 14-day baseline of the spike rule. */
const SAMPLE_POSTS = 1500
const SAMPLE_DAYS = 15
const FILE_FORMATS: ReportFormat[] = ['md', 'html', 'pdf', 'docx', 'json']
const NO_WAITS = { concurrency: 2, minIntervalMs: 0, jitterMs: 0, restEvery: 0, restMs: 0, maxRetries: 1, timeoutMs: 15_000 }

export interface DemoOptions {
  /** Workspace directory (default: ./yuqing-demo under `cwd`). */
  dir?: string
  /** Use a directory that is not a demo workspace (its yuqing.yaml is overwritten, data/yuqing.db and reports/ deleted). */
  force?: boolean
  /** Skip everything that needs Chromium (the s.weibo.com crawl and the PDF). */
  noBrowser?: boolean
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Logger for the services (crawl warnings…); progress goes to `progress`. */
  log: Logger
  /** One progress line (stderr). */
  progress: (line: string) => void
  /** The sample world's "now" (default: the real time). */
  now?: Date
}

export interface DemoStep {
  step: string
  label: string
  seconds: number
}

export interface DemoSummary {
  ok: boolean
  workspace: { dir: string; config: string; database: string; reports: string; reused: boolean }
  sample: { url: string; posts: number; articles: number; days: number; now: string }
  browser: { chromium: string | null; weiboSearch: boolean; pdf: boolean; reason: string | null }
  crawl: { sources: Array<{ source: string; status: string; pages: number; fetched: number; inserted: number; filtered: number; errors: number; requests: number; problems: string[] }>; analyzed: number }
  mentions: { stored: number; bySource: Record<string, number>; analyzed: number; attributed: number; region: { code: string; name: string } }
  alerts: { created: number; open: number; bySeverity: Record<string, number>; byRule: Record<string, number> }
  rank: { from: string; to: string; regions: number; ranked: number; top: Array<{ rank: number | null; code: string; name: string; index: number; mentions: number; flags: string[] }> }
  report: { kind: 'daily'; date: string; files: Array<{ format: string; path: string; bytes: number }>; skipped: Array<{ format: string; reason: string }> }
  problems: string[]
  steps: DemoStep[]
  seconds: number
  next: string[]
}

/** A failed demo step: the one-line error names it. */
export class DemoStepError extends AppError {
  constructor(step: string, err: unknown) {
    const e = err as { exitCode?: number; hint?: string }
    super(`demo step ${step} failed: ${errorMessage(err).split('\n')[0]}`, {
      exitCode: e.exitCode === ExitCode.Usage ? ExitCode.Usage : ExitCode.Failed,
      hint: e.hint ?? 'run again with --verbose for details',
      code: 'demo',
      cause: err,
    })
  }
}

/** What is in DIR: nothing, a previous demo workspace, or something else. */
export function demoDirState(dir: string): 'absent' | 'empty' | 'demo' | 'other' | 'file' {
  if (!existsSync(dir)) return 'absent'
  if (!statSync(dir).isDirectory()) return 'file'
  if (existsSync(path.join(dir, DEMO_MARKER))) return 'demo'
  return readdirSync(dir).length === 0 ? 'empty' : 'other'
}

/** Deletes what a demo run writes (database, reports, quarantine, the sample cookie, logs), keeping the directory. */
function clearDemoData(dir: string): void {
  const data = path.join(dir, 'data')
  if (existsSync(data)) for (const f of readdirSync(data)) if (/^yuqing\.db(-wal|-shm|-journal)?$/.test(f)) rmSync(path.join(data, f), { force: true })
  const reports = path.join(dir, 'reports')
  if (existsSync(reports)) for (const f of readdirSync(reports)) rmSync(path.join(reports, f), { recursive: true, force: true })
  for (const d of ['quarantine', 'secrets', 'logs', 'backups']) rmSync(path.join(dir, d), { recursive: true, force: true })
}

/**
 * The demo workspace's yuqing.yaml: `yuqing init`'s commented template, with the demo's values
 * set in place (comments kept), so the file still documents every key.
 */
export function demoConfigText(template: string, o: { url: string; chromium: string | null; formats: ReportFormat[]; now: Date }): string {
  const doc = parseDocument(template)
  const stamp = isoWithOffset(o.now, 'Asia/Shanghai').slice(0, 16).replace('T', ' ')
  const header = [
    `# Written by \`yuqing demo\` on ${stamp} (Asia/Shanghai): every source points at the sample sources`,
    `# server the demo ran on ${o.url}. It stopped when the demo ended, so \`crawl\` here fails until`,
    '# one listens there again; for the real sites start from `yuqing init DIR`. Politeness is turned',
    '# off for loopback (rateLimit): never use these values against a real site.',
  ]
  const region = doc.getIn(['regions', 0]) as { set(k: string, v: unknown): void } | undefined
  if (!region) throw new Error('the init template has no example region')
  doc.setIn(['regions', 0, 'keywords'], doc.createNode(STREET_KEYWORDS, { flow: true }))
  doc.setIn(['regions', 0, 'officialAccounts'], doc.createNode([{ platform: 'weibo', id: '2100000001', name: '深圳宝安发布' }]))
  for (const p of PEERS) doc.addIn(['regions'], doc.createNode({ code: p.code, name: p.name }))
  const rl = () => doc.createNode(NO_WAITS, { flow: true })
  doc.setIn(['sources', 'weibo', 'baseUrls', 'api'], o.url)
  doc.setIn(['sources', 'weibo', 'maxPages'], 100)
  doc.setIn(['sources', 'weibo', 'hotComments'], 2)
  doc.setIn(['sources', 'weibo', 'rateLimit'], rl())
  doc.setIn(['sources', 'weibo-search', 'enabled'], o.chromium !== null)
  doc.setIn(['sources', 'weibo-search', 'baseUrls', 'search'], o.url)
  if (o.chromium) doc.setIn(['sources', 'weibo-search', 'chromiumPath'], o.chromium)
  doc.setIn(['sources', 'weibo-search', 'rateLimit'], rl())
  for (const e of ['baidu', 'sogou', 'so360']) doc.setIn(['sources', 'news', 'baseUrls', e], o.url)
  doc.setIn(['sources', 'news', 'feeds'], doc.createNode([`${o.url}/rss/scroll-news.xml`], { flow: true }))
  doc.setIn(['sources', 'news', 'maxPages'], 2)
  doc.setIn(['sources', 'news', 'rateLimit'], rl())
  doc.setIn(['alerts', 'sensitiveWords'], doc.createNode(SENSITIVE_WORDS, { flow: true }))
  // alerts.channels stays as the template has it: [] (nothing that would try the network).
  doc.setIn(['report', 'formats'], doc.createNode(o.formats, { flow: true }))
  const lines = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).split('\n')
  // The yaml-language-server line must stay first for editors to find the schema.
  const at = lines[0]?.startsWith('# yaml-language-server') ? 1 : 0
  lines.splice(at, 0, ...header, '#')
  return lines.join('\n')
}

const MARKS = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧']

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const t0 = performance.now()
  const cwd = o.cwd ?? process.cwd()
  const env = o.env ?? process.env
  const dir = path.resolve(cwd, o.dir ?? 'yuqing-demo')
  const now = o.now ?? new Date()
  const steps: DemoStep[] = []
  const problems: string[] = []
  const say = o.progress
  let n = 0
  const step = async <T>(name: string, label: string, fn: () => Promise<T> | T): Promise<T> => {
    const mark = MARKS[n++]!
    say(`${mark} ${label} …`)
    const s = performance.now()
    try {
      return await fn()
    } catch (err) {
      throw new DemoStepError(`${mark} ${name}`, err)
    } finally {
      steps.push({ step: name, label, seconds: Math.round(performance.now() - s) / 1000 })
    }
  }
  const detail = (line: string) => say(`   ${line}`)

  // ① The workspace.
  const ws = await step('workspace', '创建工作区 workspace', async () => {
    const state = demoDirState(dir)
    if (state === 'file') throw new UsageError(`${dir} is a file, not a directory`, 'give the demo a directory: yuqing demo DIR')
    if (state === 'other' && !o.force)
      throw new UsageError(
        `${dir} exists and is not a demo workspace (no ${DEMO_MARKER} in it)`,
        'give another directory (yuqing demo DIR), or pass --force to use it anyway: its yuqing.yaml is overwritten and its data/yuqing.db and reports/ are deleted',
      )
    const reused = state === 'demo' || state === 'other'
    if (reused) clearDemoData(dir)
    const { initWorkspace } = await import('./init.js')
    const res = initWorkspace(dir, { force: true })
    writeFileSync(path.join(dir, DEMO_MARKER), `${JSON.stringify({ createdBy: 'yuqing demo', at: now.toISOString(), note: 'yuqing demo reuses this directory on its next run: the database and reports are deleted first' }, null, 2)}\n`)
    detail(`${res.dir}${reused ? '（复用上次的演示工作区，已清空数据库和报告 reused: database and reports cleared）' : ''}`)
    return { ...res, reused }
  })

  // ② The sample sources server.
  const { startSampleServer } = await import('../sample/server.js')
  const server = await step('sample-server', '启动样例数据源 sample sources on 127.0.0.1', async () => {
    const s = await startSampleServer({ now, posts: SAMPLE_POSTS, days: SAMPLE_DAYS })
    detail(`${s.url}: ${s.world.posts.length} 条微博 posts, ${s.world.articles.length} 篇新闻 articles, 近 ${SAMPLE_DAYS} 天 days`)
    return s
  })
  let ctx: AppContext | undefined
  let closed = false
  const closeServer = async () => {
    if (closed) return
    closed = true
    await server.close()
  }
  try {
    // ③ The config.
    const { findChromium } = await import('../crawlers/browser.js')
    const chromium = o.noBrowser ? null : findChromium(undefined, env)
    const browserReason = o.noBrowser ? 'skipped (--no-browser)' : chromium ? null : 'Chromium not found ($YUQING_CHROMIUM, /usr/bin/chromium); install it with: sudo apt-get install -y chromium fonts-wqy-zenhei'
    const formats = FILE_FORMATS.filter((f) => f !== 'pdf' || chromium !== null)
    await step('config', '写入配置 config', async () => {
      const text = demoConfigText(readFileSync(ws.config, 'utf8'), { url: server.url, chromium, formats, now })
      // Refuse to leave a config that would not load.
      const parsed = parseConfigText(text, { file: ws.config, resolveRegion: gazetteerResolver })
      if (parsed.config.alerts.channels.length) throw new Error('the demo config must not have alert channels (they would try the network)')
      writeFileSync(ws.config, text)
      // The demo's own database, whatever $YUQING_DB says.
      const { YUQING_DB: _db, YUQING_CONFIG: _cfg, ...rest } = env
      ctx = createContext({ configFlag: ws.config, env: rest, cwd, log: o.log })
      if (chromium) {
        // s.weibo.com shows results only to a logged-in cookie; the sample server takes any SUB.
        const { storeCookie } = await import('./auth.js')
        storeCookie(ctx, 'SUB=yuqing-demo-sample-cookie')
      }
      detail(`${ws.config}: 监测 watching ${REGION.name} ${REGION.code} + ${PEERS.length} 个对比地区 peers (${PEERS.map((p) => p.name).join('、')})`)
      detail(chromium ? `s.weibo.com 经 Chromium via ${chromium}` : `s.weibo.com 未启用 disabled: ${browserReason}`)
    })
    const c = ctx!

    // ④ Crawl (and analyse).
    const crawl = await step('crawl', '抓取并分析 crawl + analyse (weibo, news' + (chromium ? ', weibo-search' : '') + ')', async () => {
      const { runCrawl } = await import('./crawl.js')
      const { reanalyze } = await import('./analyze.js')
      // The API and the news over the whole sample window; s.weibo.com (one Chromium page per
      // result page, ~0.25 s each) over the last 24 hours only, as a first run would, after the
      // API crawl so the API's richer view of a post is stored first.
      const api = await runCrawl(c, { sources: ['weibo', 'news'], since: `${SAMPLE_DAYS + 1}d`, analyze: false })
      const browser = chromium ? await runCrawl(c, { sources: ['weibo-search'], since: '24h', analyze: false }) : null
      const a = await reanalyze(c)
      const sum: CrawlSummary = { dryRun: false, sources: [...api.sources, ...(browser?.sources ?? [])], analysis: { analyzed: a.analyzed, withRegions: a.withRegions, seconds: a.seconds } }
      for (const s of sum.sources) {
        if (s.status === 'disabled') continue
        detail(`${s.source.padEnd(12)} ${s.status.padEnd(7)} 页 pages ${s.pages}, 新增 new ${s.inserted}, 更新 updated ${s.updated}, 不相关 filtered ${s.filtered}, 错误 errors ${s.errors}, 请求 requests ${s.requests}`)
        for (const p of s.problems.slice(0, 3)) detail(`  ! ${p}`)
        if (s.status === 'failed' || s.status === 'partial' || s.status === 'aborted') problems.push(`crawl: ${s.source} ${s.status}${s.problems[0] ? `: ${s.problems[0]}` : ''}`)
      }
      const ran = sum.sources.filter((s) => s.status !== 'disabled')
      if (ran.length && ran.every((s) => s.status === 'failed')) throw new AppError(`every source failed: ${ran.map((s) => `${s.source} (${s.problems[0] ?? s.status})`).join('; ')}`)
      detail(`分析 analysed ${a.analyzed} 条, ${a.withRegions} 条定位到地区 with regions (${a.seconds.toFixed(1)} s)`)
      return sum
    })
    const store = c.store()
    const bySource = Object.fromEntries((store.db.prepare('select source, count(*) as n from mentions group by source order by source').all() as Array<{ source: string; n: number }>).map((r) => [r.source, r.n]))
    const stored = Object.values(bySource).reduce((a, b) => a + b, 0)
    const analyzed = (store.db.prepare('select count(*) from analyses').pluck().get() as number) ?? 0
    const attributed = (store.db.prepare('select count(distinct mention_id) from mention_regions where region_code = ?').pluck().get(REGION.code) as number) ?? 0

    // ⑤ Alerts.
    const alerts = await step('alerts', '预警检查 alerts', async () => {
      const { checkAlerts } = await import('./alerts.js')
      const r = await checkAlerts(c)
      const rows = store.db.prepare(`select rule, severity, status from alerts`).all() as Array<{ rule: string; severity: string; status: string }>
      const count = (k: 'rule' | 'severity') => rows.reduce<Record<string, number>>((m, x) => ((m[x[k]] = (m[x[k]] ?? 0) + 1), m), {})
      const res = { created: r.created, open: rows.filter((x) => x.status === 'open').length, bySeverity: count('severity'), byRule: count('rule') }
      detail(`新预警 new alerts ${r.created}: ${Object.entries(res.byRule).map(([k, v]) => `${k} ${v}`).join(', ') || '无 none'}（未配置推送渠道 no channels configured: stored only）`)
      return res
    })

    // ⑥ Ranking over the 7 days ending the report day.
    const reportDay = addDays(isoWithOffset(c.clock.now(), c.config.report.timezone).slice(0, 10), -1)
    const ranking = await step('rank', `网络形象指数 ranking (7 天 days to ${reportDay})`, async () => {
      const { rank } = await import('./rank.js')
      const r = rank(c, { period: 'week', date: reportDay })
      const top = r.rows.slice(0, 5).map((x) => ({ rank: x.rank, code: x.code, name: x.name, index: Math.round(x.index * 10) / 10, mentions: x.mentions, flags: x.flags }))
      for (const x of top) detail(`${String(x.rank ?? '—').padStart(2)}. ${x.name} ${x.code}  指数 index ${x.rank === null ? '—' : x.index.toFixed(1)}  提及 mentions ${x.mentions}${x.flags.length ? `  ${x.flags.join(' ')}` : ''}`)
      return { from: r.period.from, to: r.period.to, regions: r.peers, ranked: r.rows.filter((x) => x.rank !== null).length, top }
    })

    // ⑦ The daily report for yesterday, in every format.
    const report = await step('report', `生成日报 daily report ${reportDay} (${formats.join(', ')})`, async () => {
      const { writeReport } = await import('./report.js')
      const skipped: Array<{ format: string; reason: string }> = []
      if (!chromium) skipped.push({ format: 'pdf', reason: `PDF needs Chromium: ${browserReason}` })
      let res
      try {
        res = await writeReport(c, { kind: 'daily', date: reportDay, region: REGION.code, formats })
      } catch (err) {
        // A PDF that fails alone should not cost the other formats.
        if (!formats.includes('pdf')) throw err
        res = await writeReport(c, { kind: 'daily', date: reportDay, region: REGION.code, formats: formats.filter((f) => f !== 'pdf') })
        skipped.push({ format: 'pdf', reason: `PDF failed: ${errorMessage(err).split('\n')[0]}` })
        problems.push(`report: pdf failed: ${errorMessage(err).split('\n')[0]}`)
      }
      for (const f of res.files) detail(`${f.format.padEnd(4)} ${f.path} (${fmtBytes(f.bytes)})`)
      for (const s of skipped) detail(`${s.format.padEnd(4)} 跳过 skipped: ${s.reason}`)
      return { kind: 'daily' as const, date: reportDay, files: res.files.map((f) => ({ format: f.format, path: f.path, bytes: f.bytes })), skipped }
    })

    // ⑧ Stop the server.
    await step('stop', '停止样例数据源 stop sample sources', () => closeServer())
    const rel = (p: string) => {
      const r = path.relative(cwd, p)
      return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p
    }
    const cfg = rel(ws.config)
    const q = (s: string) => (/^[\w./@:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
    return {
      ok: problems.length === 0,
      workspace: { dir: ws.dir, config: ws.config, database: ws.database, reports: ws.reports, reused: ws.reused },
      sample: { url: server.url, posts: server.world.posts.length, articles: server.world.articles.length, days: SAMPLE_DAYS, now: now.toISOString() },
      browser: { chromium, weiboSearch: chromium !== null, pdf: report.files.some((f) => f.format === 'pdf'), reason: browserReason },
      crawl: {
        sources: crawl.sources
          .filter((s) => s.status !== 'disabled')
          .map((s) => ({ source: s.source, status: s.status, pages: s.pages, fetched: s.fetched, inserted: s.inserted, filtered: s.filtered, errors: s.errors, requests: s.requests, problems: s.problems })),
        analyzed: crawl.analysis?.analyzed ?? 0,
      },
      mentions: { stored, bySource, analyzed, attributed, region: REGION },
      alerts,
      rank: ranking,
      report,
      problems,
      steps,
      seconds: Math.round(performance.now() - t0) / 1000,
      next: [
        `npx yuqing --config ${q(cfg)} report daily --date ${reportDay}`,
        `npx yuqing --config ${q(cfg)} search 积水 --region ${REGION.code}`,
        `npx yuqing --config ${q(cfg)} rank --date ${reportDay} --explain ${REGION.code}`,
        `npx yuqing --config ${q(cfg)} trend`,
        `npx yuqing --config ${q(cfg)} alerts list`,
      ],
    }
  } finally {
    await closeServer().catch(() => undefined)
    ctx?.close()
  }
}

export function fmtBytes(n: number): string {
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`
}
