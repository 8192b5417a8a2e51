/**
 * Alerts end to end on a temp workspace: the rules over stored mentions (negative spike against
 * its baseline, a high-reach item, a sensitive word, a crawler that needs its cookie), one alert
 * per story, notices on every channel against loopback robot servers (WeCom, DingTalk and Feishu
 * with their signatures checked by the server, a generic webhook) and a real SMTP server, with
 * failures, retries, re-notices, quiet hours, acknowledgement, and hostile text escaped.
 */
import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateInterchange, type MentionInput } from '../../src/core/mention.js'
import { silentLogger } from '../../src/core/logger.js'
import { checkAlerts, listAlerts, ackAlert, testChannel } from '../../src/services/alerts.js'
import { createContext, type AppContext } from '../../src/services/context.js'
import { ensureBuilt, parseJson, runCli, tmpDir } from '../helpers/cli.js'

const DING_SECRET = 'SECding-test-secret'
const FEISHU_SECRET = 'feishu-test-secret'
const SMTP_PASSWORD = 'smtp-pass-Xy7'
const TOKEN = 'access_token=SECRET-TOKEN-123'

interface Got {
  path: string
  query: URLSearchParams
  body: any
}

/** Robot endpoints: /wecom, /dingtalk (checks timestamp+sign), /feishu (checks body sign), /hook. `fail` makes one answer badly N times. */
class Robots {
  server = http.createServer((req, res) => this.handle(req, res))
  got: Got[] = []
  fail: Record<string, { mode: '500' | 'errcode' | 'reset'; times: number }> = {}
  url = ''
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }
  of(p: string) {
    return this.got.filter((g) => g.path === p)
  }
  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = ''
    req.on('data', (d) => (raw += d))
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x')
      const f = this.fail[u.pathname]
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (f && f.times > 0) {
        f.times--
        if (f.mode === 'reset') return req.socket.destroy()
        if (f.mode === '500') return json(500, { error: 'busy' })
        return json(200, u.pathname === '/feishu' ? { code: 9499, msg: 'Bad Request' } : { errcode: 93000, errmsg: 'invalid webhook url' })
      }
      const body = JSON.parse(raw)
      this.got.push({ path: u.pathname, query: u.searchParams, body })
      if (u.pathname === '/dingtalk') {
        const ts = u.searchParams.get('timestamp')!
        const want = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64')
        if (u.searchParams.get('sign') !== want || Math.min(Math.abs(t - Number(ts)), Math.abs(Date.now() - Number(ts))) > 3_600_000) /* within an hour (of the test's clock or the real one) */ return json(200, { errcode: 310000, errmsg: 'sign not match' })
        return json(200, { errcode: 0, errmsg: 'ok' })
      }
      if (u.pathname === '/feishu') {
        const want = createHmac('sha256', `${body.timestamp}\n${FEISHU_SECRET}`).update('').digest('base64')
        if (body.sign !== want) return json(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' })
        return json(200, { code: 0, msg: 'success', data: {} })
      }
      if (u.pathname === '/wecom') return json(200, { errcode: 0, errmsg: 'ok' })
      return json(200, { received: true })
    })
  }
}

let ws: { dir: string; cleanup: () => void }
let robots: Robots
let smtp: SMTPServer
let smtpPort = 0
const mails: Array<{ from: string; to: string[]; raw: string }> = []
let rejectRcpt = 0
let cfg: string
let t = Date.now()
const clock = { now: () => new Date(t) }
const noWait = async () => undefined

function writeConfig(extra = '', dingSecret = DING_SECRET): string {
  const file = path.join(ws.dir, 'yuqing.yaml')
  writeFileSync(path.join(ws.dir, 'smtp.pass'), `${SMTP_PASSWORD}\n`, { mode: 0o600 })
  writeFileSync(
    file,
    `database: { path: a.db }
regions:
  - { code: "440306", name: 宝安区, aliases: [宝安] }
alerts:
  renotifyMinutes: 60
  negativeSpike: { baselineDays: 14, minCount: 5, pValue: 0.001 }
  highReach: { engagement: 500, followers: 100000 }
  sensitiveWords: { 安全事故: [爆炸, 坍塌] }
${extra}  channels:
    - { type: wecom, name: 企业微信, webhook: "${robots.url}/wecom?key=SECRET-KEY" }
    - { type: dingtalk, webhook: "${robots.url}/dingtalk?${TOKEN}", secret: ${dingSecret} }
    - { type: feishu, webhook: "${robots.url}/feishu", secret: ${FEISHU_SECRET} }
    - { type: webhook, name: hook, url: "${robots.url}/hook", headers: { x-token: abc } }
    - { type: email, name: 值班邮箱, host: 127.0.0.1, port: ${smtpPort}, secure: false, user: duty, passwordFile: smtp.pass, from: "yuqing <yuqing@example.com>", to: [duty@example.com] }
`,
  )
  return file
}

function context(): AppContext {
  return createContext({ configFlag: cfg, clock, log: silentLogger })
}

function mention(over: Record<string, unknown>): MentionInput {
  const v = validateInterchange({ source: 'weibo', authorName: '市民', authorFollowers: 100, authorVerified: false, reposts: 1, comments: 1, likes: 1, ...over })
  if (!v.ok) throw new Error(v.reason)
  return v.mention
}

/** Stores mentions with analyses: negative or not, attributed to 宝安区, in a cluster. */
function seed(ctx: AppContext, rows: Array<{ id: string; at: number; text: string; neg: boolean; cluster?: number; over?: Record<string, unknown> }>): Map<string, number> {
  const store = ctx.store()
  store.upsertMentions(
    rows.map((r) => mention({ platformId: r.id, url: `https://m.weibo.cn/detail/${r.id}`, text: r.text, publishedAt: new Date(r.at).toISOString(), ...r.over })),
    new Date(t),
  )
  const ids = new Map((store.db.prepare('select platform_id as p, id from mentions').all() as Array<{ p: string; id: number }>).map((x) => [x.p, x.id]))
  store.saveAnalyses(
    rows.map((r) => ({
      mentionId: ids.get(r.id)!,
      version: 'test',
      sentiment: r.neg ? { score: -0.8, label: 'neg' as const, confidence: 0.9 } : { score: 0.1, label: 'neu' as const, confidence: 0.6 },
      keywords: [],
      topics: [],
      simhash: null,
      clusterId: r.cluster ?? null,
      regions: [{ code: '440306', evidence: '宝安区', confidence: 0.9 }],
    })),
    new Date(t),
  )
  return ids
}

const H = 3_600_000
const DAY = 24 * H
const HOSTILE = '<script>alert(1)</script>宝安区某小区 [点我](javascript:alert(1)) *粗体* <at user_id="all">所有人</at>'

beforeAll(async () => {
  ensureBuilt()
  ws = tmpDir()
  robots = new Robots()
  await robots.start()
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _s, cb) {
      if (auth.username === 'duty' && auth.password === SMTP_PASSWORD) cb(null, { user: 'duty' })
      else cb(new Error('Invalid username or password'))
    },
    onRcptTo(_a, _s, cb) {
      if (rejectRcpt > 0) {
        rejectRcpt--
        const e = new Error('mailbox busy, try later') as Error & { responseCode: number }
        e.responseCode = 450
        return cb(e)
      }
      cb()
    },
    onData(stream, session, cb) {
      let raw = ''
      stream.on('data', (d) => (raw += d))
      stream.on('end', () => {
        mails.push({ from: String(session.envelope.mailFrom && (session.envelope.mailFrom as { address: string }).address), to: session.envelope.rcptTo.map((r) => r.address), raw })
        cb()
      })
    },
  })
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()))
  smtpPort = (smtp.server.address() as AddressInfo).port
  cfg = writeConfig()
})
afterAll(async () => {
  robots.server.close()
  await new Promise<void>((r) => smtp.close(() => r()))
  ws.cleanup()
})

describe('alerts', () => {
  it('raises one alert per story for each rule and delivers it on every channel, signed, with hostile text escaped', async () => {
    t = Date.parse('2026-12-02T02:00:00Z') // 10:00 in Shanghai
    const ctx = context()
    try {
      // Baseline: one negative post a day for 14 days; then 12 in the last 24 h (one story of 3, one of high reach).
      const rows = [
        ...Array.from({ length: 14 }, (_, i) => ({ id: `b${i}`, at: t - (i + 1.5) * DAY, text: `宝安区路面积水 ${i}`, neg: true })),
        ...Array.from({ length: 9 }, (_, i) => ({ id: `s${i}`, at: t - (i + 1) * H, text: `宝安区地铁故障乘客滞留 ${i}`, neg: true, cluster: 100 + (i % 3) })),
        { id: 'big', at: t - 2 * H, text: HOSTILE, neg: true, cluster: 7, over: { reposts: 800, comments: 300, authorName: '深圳爆料' } },
        { id: 'big2', at: t - 3 * H, text: '宝安区某小区（续）', neg: true, cluster: 7 },
        { id: 'media', at: t - 4 * H, text: '宝安区一工地发生坍塌', neg: true, cluster: 8, over: { authorName: '人民日报', reposts: 5, comments: 5 } },
        { id: 'calm', at: t - 5 * H, text: '宝安区公园菊花展开幕', neg: false },
      ]
      seed(ctx, rows)
      ctx.store().db.prepare(`insert into crawl_runs (source, started_at, finished_at, status, stop_reason, error) values ('weibo', ?, ?, 'failed', 'needs-cookie', 'm.weibo.cn answered 432')`).run(new Date(t - H).toISOString(), new Date(t - H + 5000).toISOString())

      const r = await checkAlerts(ctx, { sleep: noWait })
      const alerts = listAlerts(ctx)
      const rules = alerts.map((a) => a.rule).sort()
      expect(rules).toEqual(['crawler-health', 'high-reach', 'high-reach', 'negative-spike', 'sensitive-word'])
      expect(r).toMatchObject({ created: 5, notices: 5, sent: 25, held: 0, retrying: 0, failedDeliveries: 0 })
      const spike = alerts.find((a) => a.rule === 'negative-spike')!
      expect(spike.title).toBe('宝安区负面舆情激增：近24小时 12 条（基线 1.0 条）')
      expect(spike.severity).toBe('critical')
      expect(spike.evidence).toHaveLength(12)
      const reach = alerts.filter((a) => a.rule === 'high-reach')
      expect(reach.map((a) => a.clusterId).sort()).toEqual([7, 8]) // the big post's story, and 人民日报
      expect(reach.find((a) => a.clusterId === 7)!.evidence).toHaveLength(2) // its story: both posts
      expect(reach.find((a) => a.clusterId === 8)).toMatchObject({ severity: 'critical', detail: '央媒 人民日报' })
      expect(alerts.find((a) => a.rule === 'sensitive-word')!.title).toMatch(/^宝安区敏感词（安全事故）：宝安区一工地发生坍塌/)
      expect(alerts.find((a) => a.rule === 'crawler-health')).toMatchObject({ severity: 'critical', title: '数据源 weibo 异常：Cookie 失效或缺失，需要重新登录（yuqing auth weibo）' })
      for (const a of alerts) expect(a.deliveries.map((d) => `${d.channel}:${d.status}:${d.attempts}`).sort()).toEqual(['dingtalk-1:sent:1', 'feishu-1:sent:1', 'hook:sent:1', '企业微信:sent:1', '值班邮箱:sent:1'])

      // What the robots and the mailbox received.
      expect(robots.of('/wecom')).toHaveLength(5)
      expect(robots.of('/dingtalk')).toHaveLength(5)
      expect(robots.of('/feishu')).toHaveLength(5)
      expect(robots.of('/hook')).toHaveLength(5)
      expect(mails).toHaveLength(5)
      expect(mails[0]).toMatchObject({ from: 'yuqing@example.com', to: ['duty@example.com'] })
      const bigId = reach.find((a) => a.clusterId === 7)!.id
      const wecom = robots.of('/wecom').map((g) => g.body.markdown.content as string).find((c) => c.includes('高传播负面') && c.includes('深圳爆料'))!
      expect(wecom).not.toMatch(/<script>|(?<!\\)\]\(javascript:|<at /) // the brackets are escaped: no link
      expect(wecom).toContain('\\[点我\\]')
      expect(wecom).toContain(`yuqing alerts ack ${bigId}`)
      const feishu = robots.of('/feishu').map((g) => g.body.content.text as string).find((c) => c.includes('高传播负面') && c.includes('深圳爆料'))!
      expect(feishu).not.toMatch(/<at |<script>/)
      const hook = robots.of('/hook').find((g) => g.body.id === bigId)!
      expect(hook.body).toMatchObject({ rule: 'high-reach', region: '440306', regionName: '宝安区', clusterId: 7 })
      const mail = mails.map((m) => m.raw.replace(/=\r?\n/g, '')).find((m) => m.includes('script'))!
      expect(mail).toContain('&lt;script&gt;')
      expect(mail).not.toContain('<script>')

      // A second check: the same stories, no new alerts, no new notices (not yet due again).
      const again = await checkAlerts(ctx, { sleep: noWait })
      expect(again).toMatchObject({ created: 0, updated: 5, notices: 0, sent: 0 })
      expect(robots.of('/wecom')).toHaveLength(5)
    } finally {
      ctx.close()
    }
  })

  it('re-notifies what is not acknowledged after renotifyMinutes, and nothing acknowledged', async () => {
    t += 61 * 60_000
    const ctx = context()
    try {
      const open = listAlerts(ctx, { status: 'open' })
      const acked = ackAlert(ctx, open[0]!.id, '值班员')
      expect(acked).toMatchObject({ status: 'acked', ackedBy: '值班员' })
      const before = robots.of('/hook').length
      const r = await checkAlerts(ctx, { sleep: noWait })
      expect(r).toMatchObject({ created: 0, notices: 4, sent: 20 })
      const hooks = robots.of('/hook').slice(before)
      expect(hooks.map((g) => g.body.id)).not.toContain(acked.id)
      expect(hooks.every((g) => g.body.round === 2)).toBe(true)
      expect(robots.of('/wecom').at(-1)!.body.markdown.content).toContain('第 2 次提醒')
      expect(() => ackAlert(ctx, acked.id, 'x')).toThrow(/already acked/)
    } finally {
      ctx.close()
    }
  })

  it('retries failed deliveries with backoff, gives up after 8 attempts, and holds non-critical notices in quiet hours', async () => {
    t += 30 * 60_000 // the open alerts are not due for a re-notice yet
    cfg = writeConfig('  quietHours: { start: "23:00", end: "07:00" }\n')
    const ctx = context()
    try {
      seed(ctx, [{ id: 'late', at: t - H, text: '宝安区一处厂房爆炸', neg: false, cluster: 9 }]) // sensitive word, not negative: info
      robots.fail['/dingtalk'] = { mode: '500', times: 2 } // answers on the third try
      robots.fail['/wecom'] = { mode: 'errcode', times: 100 } // refuses every time
      robots.fail['/feishu'] = { mode: 'reset', times: 1 }
      rejectRcpt = 1
      const r = await checkAlerts(ctx, { sleep: noWait })
      const a = listAlerts(ctx).find((x) => x.title.includes('厂房爆炸'))!
      expect(a).toMatchObject({ rule: 'sensitive-word', severity: 'info' })
      const by = (ch: string) => a.deliveries.find((d) => d.channel === ch)!
      expect(by('dingtalk-1')).toMatchObject({ status: 'sent', attempts: 3 })
      expect(by('feishu-1')).toMatchObject({ status: 'sent', attempts: 2 })
      expect(by('值班邮箱')).toMatchObject({ status: 'sent', attempts: 2 })
      expect(by('企业微信')).toMatchObject({ status: 'pending', attempts: 3, lastError: 'WeCom refused it: 93000 invalid webhook url' })
      expect(r.retrying).toBe(1)
      // Later checks: one try each at 2, 4, 8, 16, 32 min; after the 8th attempt it is given up.
      const waits: number[] = []
      for (let i = 0; i < 5; i++) {
        const next = Date.parse(listAlerts(ctx).find((x) => x.id === a.id)!.deliveries.find((d) => d.channel === '企业微信')!.nextAttemptAt!)
        waits.push(Math.round((next - t) / 60_000))
        t = next
        await checkAlerts(ctx, { sleep: noWait })
      }
      expect(waits).toEqual([2, 4, 8, 16, 32])
      const wecom = listAlerts(ctx).find((x) => x.id === a.id)!.deliveries.find((d) => d.channel === '企业微信')!
      expect(wecom).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null })
      delete robots.fail['/wecom']

      // Quiet hours (23:00–07:00 Shanghai): an info alert waits until 07:00; a critical one rings through.
      t = Date.parse('2026-12-02T16:30:00Z') // 00:30 in Shanghai
      seed(ctx, [
        { id: 'night1', at: t - H, text: '宝安区某楼盘坍塌传闻', neg: false, cluster: 11 },
        { id: 'night2', at: t - H, text: '宝安区夜间事故', neg: true, cluster: 12, over: { authorName: '新华社' } },
      ])
      const before = robots.of('/hook').length
      const q = await checkAlerts(ctx, { sleep: noWait })
      const all = listAlerts(ctx)
      const held = all.find((x) => x.title.includes('坍塌传闻'))!
      const rang = all.find((x) => x.rule === 'high-reach' && x.clusterId === 12)!
      expect(held.severity).toBe('info')
      expect(held.deliveries.every((d) => d.status === 'pending' && d.attempts === 0 && d.nextAttemptAt === '2026-12-03T07:00:00+08:00')).toBe(true)
      expect(rang.severity).toBe('critical')
      expect(rang.deliveries.every((d) => d.status === 'sent')).toBe(true)
      // Also held: the re-notices of the earlier non-critical alerts; only critical ones went out.
      expect(q.held).toBeGreaterThanOrEqual(5)
      const sentNow = robots.of('/hook').slice(before).map((g) => g.body)
      expect(sentNow.map((b) => b.id)).toContain(rang.id)
      expect(sentNow.every((b) => b.severity === 'critical')).toBe(true)
      for (const x of all.filter((y) => y.status === 'open' && y.severity !== 'critical')) {
        const latest = Math.max(...x.deliveries.map((d) => d.round))
        expect(x.deliveries.filter((d) => d.round === latest).every((d) => d.status === 'pending' && d.nextAttemptAt === '2026-12-03T07:00:00+08:00'), `alert ${x.id}`).toBe(true)
      }
      // At 07:00 the held notice goes out.
      t = Date.parse('2026-12-02T23:00:00Z')
      await checkAlerts(ctx, { sleep: noWait })
      expect(listAlerts(ctx).find((x) => x.id === held.id)!.deliveries.every((d) => d.status === 'sent')).toBe(true)
    } finally {
      ctx.close()
    }
  })

  it('tests a channel from the CLI: a working one, a wrong DingTalk secret refused by the server, never printing the URL or secrets', async () => {
    const good = await runCli(['alerts', 'test', 'dingtalk', '--config', cfg], { cwd: ws.dir })
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toMatch(/dingtalk-1（dingtalk）：已送达/)
    expect(robots.of('/dingtalk').at(-1)!.body.markdown.text).toContain('预警通道测试')
    const mail = await runCli(['alerts', 'test', '值班邮箱', '--config', cfg, '--json'], { cwd: ws.dir })
    expect(parseJson(mail)).toMatchObject({ channel: '值班邮箱', type: 'email', ok: true })

    const bad = writeConfig('', 'SECwrong')
    const r = await runCli(['alerts', 'test', 'dingtalk', '--config', bad, '--json'], { cwd: ws.dir })
    expect(r.code).toBe(1)
    expect(parseJson(r)).toMatchObject({ ok: false, error: 'DingTalk refused it: 310000 sign not match' })
    const everything = r.stdout + r.stderr
    for (const secret of ['SECRET-TOKEN-123', 'SECwrong', SMTP_PASSWORD, 'SECRET-KEY']) expect(everything).not.toContain(secret)
    const list = await runCli(['alerts', 'list', '--config', bad, '--json'], { cwd: ws.dir })
    expect(list.code).toBe(0)
    for (const secret of ['SECRET-TOKEN-123', DING_SECRET, FEISHU_SECRET, SMTP_PASSWORD, 'SECRET-KEY']) expect(list.stdout).not.toContain(secret)
    expect((await runCli(['alerts', 'test', 'nope', '--config', bad], { cwd: ws.dir })).code).toBe(2)
    cfg = writeConfig()
  })

  it('runs as the worker job: `schedule run alerts` records the check, `alerts ack` from the CLI', async () => {
    const run = await runCli(['schedule', 'run', 'alerts', '--config', cfg, '--json'], { cwd: ws.dir, timeoutMs: 60_000 })
    expect(run.code, run.stderr).toBe(0)
    expect(parseJson(run)).toMatchObject({ job: 'alerts', task: 'alerts', trigger: 'manual', status: 'ok' })
    const open = parseJson(await runCli(['alerts', 'list', '--status', 'open', '--config', cfg, '--json'], { cwd: ws.dir }))
    const ack = await runCli(['alerts', 'ack', String(open[0].id), '--by', '张三', '--config', cfg], { cwd: ws.dir })
    expect(ack.code, ack.stderr).toBe(0)
    expect(ack.stdout).toMatch(new RegExp(`#${open[0].id} 已确认（张三`))
    const twice = await runCli(['alerts', 'ack', String(open[0].id), '--config', cfg], { cwd: ws.dir })
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/already acked/)
  })
})
