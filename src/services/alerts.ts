/**
 * The alert use cases: the check the worker's `alerts` job runs (rules → stored alerts →
 * notices → deliveries with retries), `yuqing alerts list / ack / test`.
 *
 * Notices: a new open alert is sent on every channel; an open alert not acknowledged within
 * `renotifyMinutes` is sent again. Quiet hours hold warning and info notices until they end
 * (the alerts are stored at once); critical ones ring through. A failed delivery is retried
 * in the same check (after 1 s and 2 s), then once per check after 2, 4, 8, 16 and 32 min, and
 * given up after 8 attempts; every attempt's outcome is stored per channel.
 */
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { UsageError } from '../core/errors.js'
import { isoWithOffset } from '../core/time.js'
import { realSleep, type Sleep } from '../schedule/scheduler.js'
import type { AlertRow } from '../store/alerts.js'
import type { AppContext } from './context.js'

const MAX_ATTEMPTS = 8
const IN_CHECK_TRIES = 3
const LOOKBACK_MS = 24 * 3_600_000

export interface AlertCheck {
  candidates: number
  created: number
  updated: number
  notices: number
  sent: number
  held: number
  retrying: number
  failedDeliveries: number
}

function regionNamer(ctx: AppContext): (code: string) => string {
  const watched = new Map(ctx.regions.map((r) => [r.code, r.name]))
  return (code) => watched.get(code) ?? ctx.gazetteer().get(code)?.name ?? code
}

export async function checkAlerts(ctx: AppContext, o: { signal?: AbortSignal; sleep?: Sleep } = {}): Promise<AlertCheck> {
  const res: AlertCheck = { candidates: 0, created: 0, updated: 0, notices: 0, sent: 0, held: 0, retrying: 0, failedDeliveries: 0 }
  const cfg = ctx.config.alerts
  if (!cfg.enabled) return res
  const { negativeSpikes, highReach, sensitiveWords, crawlerHealth } = await import('../alerts/rules.js')
  const tz = ctx.config.report.timezone
  const now = ctx.clock.now()
  const store = ctx.store().alerts()
  const name = regionNamer(ctx)
  const codes = ctx.regions.map((r) => r.code)
  const since = new Date(now.getTime() - LOOKBACK_MS)
  const negative = store.ruleMentions(codes, new Date(now.getTime() - (cfg.negativeSpike.baselineDays + 1) * 86_400_000), now, true)
  const recentNegative = negative.filter((m) => Date.parse(m.publishedAt) >= since.getTime())
  const candidates = [
    ...negativeSpikes(negative, ctx.regions.map((r) => ({ code: r.code, name: r.name })), now, cfg.negativeSpike, tz),
    ...highReach(recentNegative, name, cfg.highReach),
    ...(Object.keys(cfg.sensitiveWords).length ? sensitiveWords(store.ruleMentions(codes, since, now, false), name, cfg.sensitiveWords) : []),
    ...crawlerHealth(store.latestCrawlRuns(), now, cfg.crawlerHealth, tz),
  ]
  res.candidates = candidates.length
  for (const c of candidates) {
    const { isNew } = store.upsert(c, now)
    if (isNew) res.created++
    else res.updated++
  }
  const { channelNames } = await import('../alerts/channels.js')
  const names = channelNames(cfg.channels)
  for (const a of store.dueForNotice(new Date(now.getTime() - cfg.renotifyMinutes * 60_000))) {
    store.queueNotice(a.id, names, now)
    res.notices++
  }
  await deliverDue(ctx, res, o.signal, o.sleep ?? realSleep)
  return res
}

async function deliverDue(ctx: AppContext, res: AlertCheck, signal: AbortSignal | undefined, sleep: Sleep): Promise<void> {
  const cfg = ctx.config.alerts
  const tz = ctx.config.report.timezone
  const store = ctx.store().alerts()
  const { channelNames, deliver } = await import('../alerts/channels.js')
  const { formatAlert } = await import('../alerts/message.js')
  const { inQuietHours, quietHoursEnd } = await import('../alerts/rules.js')
  const names = channelNames(cfg.channels)
  const name = regionNamer(ctx)
  const log = ctx.log.child('alerts')
  for (const d of store.dueDeliveries(ctx.clock.now())) {
    if (signal?.aborted) break
    const now = ctx.clock.now()
    const a = store.get(d.alert_id)!
    if (a.status !== 'open') {
      store.recordAttempt(d.id, now, { ok: false, error: `not sent: the alert was ${a.status === 'acked' ? 'acknowledged' : a.status} first`, nextAt: null })
      continue
    }
    if (a.severity !== 'critical' && inQuietHours(now, tz, cfg.quietHours)) {
      store.postpone(d.id, quietHoursEnd(now, tz, cfg.quietHours))
      res.held++
      continue
    }
    const channel = cfg.channels[names.indexOf(d.channel)]
    if (!channel) {
      store.recordAttempt(d.id, now, { ok: false, error: `channel ${d.channel} is no longer configured`, nextAt: null })
      res.failedDeliveries++
      continue
    }
    const msg = formatAlert(a, store.evidence((JSON.parse(a.evidence_json) as number[]).slice(0, 3)), { tz, regionName: name, round: d.round })
    // A first delivery gets IN_CHECK_TRIES tries now; a retried one, one try per check.
    const tries = d.attempts === 0 ? IN_CHECK_TRIES : 1
    for (let t = 1; ; t++) {
      try {
        await deliver(channel, msg, { now: () => ctx.clock.now(), readSecret: (f) => readSecret(ctx, f) })
        store.recordAttempt(d.id, ctx.clock.now(), { ok: true })
        res.sent++
        log.info(`alert ${a.id} sent on ${d.channel}`)
        break
      } catch (err) {
        const attempts = d.attempts + t
        const error = (err as Error).message
        const last = attempts >= MAX_ATTEMPTS
        const later = t >= tries || signal?.aborted
        // After the tries of this check: 2, 4, 8, 16, 32 min (60 at most) to the next one.
        const nextAt = last ? null : later ? new Date(ctx.clock.now().getTime() + Math.min(60, 2 ** Math.max(1, attempts - 2)) * 60_000) : ctx.clock.now()
        store.recordAttempt(d.id, ctx.clock.now(), { ok: false, error, nextAt })
        if (last || later) {
          log.warn(`alert ${a.id} on ${d.channel}: ${error}${nextAt ? `; next try at ${isoWithOffset(nextAt, tz)}` : `; given up after ${attempts} attempts`}`)
          if (last) res.failedDeliveries++
          else res.retrying++
          break
        }
        await sleep(1000 * 2 ** (t - 1), signal)
      }
    }
  }
}

function readSecret(ctx: AppContext, file: string): string {
  const p = path.resolve(ctx.baseDir, file)
  try {
    return readFileSync(p, 'utf8').replace(/[\r\n]+$/, '')
  } catch {
    throw new Error(`the password file ${p} cannot be read`)
  }
}

export interface AlertView {
  id: number
  rule: string
  severity: string
  status: string
  title: string
  detail: string | null
  region: string | null
  regionName: string | null
  clusterId: number | null
  evidence: number[]
  createdAt: string
  lastNotifiedAt: string | null
  notices: number
  ackedAt: string | null
  ackedBy: string | null
  deliveries: Array<{ channel: string; round: number; status: string; attempts: number; lastError: string | null; sentAt: string | null; nextAttemptAt: string | null }>
}

function view(ctx: AppContext, a: AlertRow): AlertView {
  const tz = ctx.config.report.timezone
  const local = (s: string | null) => (s ? isoWithOffset(new Date(s), tz) : null)
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    status: a.status,
    title: a.title,
    detail: a.detail,
    region: a.region_code,
    regionName: a.region_code ? regionNamer(ctx)(a.region_code) : null,
    clusterId: a.cluster_id,
    evidence: JSON.parse(a.evidence_json) as number[],
    createdAt: local(a.created_at)!,
    lastNotifiedAt: local(a.last_notified_at),
    notices: a.notify_count,
    ackedAt: local(a.acked_at),
    ackedBy: a.acked_by,
    deliveries: ctx
      .store()
      .alerts()
      .deliveries(a.id)
      .map((d) => ({ channel: d.channel, round: d.round, status: d.status, attempts: d.attempts, lastError: d.last_error, sentAt: local(d.sent_at), nextAttemptAt: d.status === 'pending' ? local(d.next_attempt_at) : null })),
  }
}

export function listAlerts(ctx: AppContext, o: { status?: string; limit?: number } = {}): AlertView[] {
  const status = o.status === undefined || o.status === 'all' ? undefined : o.status
  if (status !== undefined && !['open', 'acked', 'resolved'].includes(status)) throw new UsageError(`--status must be open, acked, resolved or all, got ${o.status}`)
  return ctx
    .store()
    .alerts()
    .list({ status: status as 'open' | undefined, limit: o.limit })
    .map((a) => view(ctx, a))
}

export function ackAlert(ctx: AppContext, id: number, by: string): AlertView {
  const store = ctx.store().alerts()
  const a = store.get(id)
  if (!a) throw new UsageError(`no alert ${id}`, 'see `yuqing alerts list`')
  if (!store.ack(id, by, ctx.clock.now())) throw new UsageError(`alert ${id} is already ${a.status}`, 'only open alerts can be acknowledged')
  return view(ctx, store.get(id)!)
}

/** Sends a test message on one channel (by name, or by type when only one has it). */
export async function testChannel(ctx: AppContext, which: string): Promise<{ channel: string; type: string; ok: boolean; error: string | null; seconds: number }> {
  const { channelNames, deliver } = await import('../alerts/channels.js')
  const channels = ctx.config.alerts.channels
  const names = channelNames(channels)
  let i = names.indexOf(which)
  if (i < 0) {
    const ofType = channels.map((c, k) => (c.type === which ? k : -1)).filter((k) => k >= 0)
    if (ofType.length === 1) i = ofType[0]!
  }
  if (i < 0) throw new UsageError(`no alert channel "${which}"`, names.length ? `the channels are ${names.join(', ')} (alerts.channels in the config)` : 'add one to alerts.channels in the config')
  const now = ctx.clock.now()
  const tz = ctx.config.report.timezone
  const { formatAlert } = await import('../alerts/message.js')
  const probe: AlertRow = {
    id: 0,
    rule: 'crawler-health',
    dedup_key: 'test',
    region_code: ctx.regions[0]?.code ?? null,
    cluster_id: null,
    severity: 'info',
    title: 'yuqing 预警通道测试（无需处理）',
    detail: `测试消息，发送于 ${isoWithOffset(now, tz)}`,
    evidence_json: '[]',
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    last_notified_at: null,
    notify_count: 0,
    status: 'open',
    acked_at: null,
    acked_by: null,
  }
  const t0 = performance.now()
  try {
    await deliver(channels[i]!, formatAlert(probe, [], { tz, regionName: regionNamer(ctx), round: 1, ackHint: false }), { now: () => ctx.clock.now(), readSecret: (f) => readSecret(ctx, f) })
    return { channel: names[i]!, type: channels[i]!.type, ok: true, error: null, seconds: Math.round(performance.now() - t0) / 1000 }
  } catch (err) {
    return { channel: names[i]!, type: channels[i]!.type, ok: false, error: (err as Error).message, seconds: Math.round(performance.now() - t0) / 1000 }
  }
}
