/**
 * The alert tables (migration 6) and the reads the alert rules need. Prepared statements on the
 * store's connection; an alert is keyed by its dedup key (one per rule and story), each channel
 * delivery is a row with its attempts, next retry and last error.
 */
import type BetterSqlite3 from 'better-sqlite3'

type Database = BetterSqlite3.Database

export type AlertRule = 'negative-spike' | 'high-reach' | 'sensitive-word' | 'crawler-health'
export type Severity = 'info' | 'warning' | 'critical'

export interface AlertCandidate {
  rule: AlertRule
  dedupKey: string
  regionCode: string | null
  clusterId: number | null
  severity: Severity
  title: string
  detail: string
  /** Mention ids behind the alert. */
  evidence: number[]
}

export interface AlertRow {
  id: number
  rule: AlertRule
  dedup_key: string
  region_code: string | null
  cluster_id: number | null
  severity: Severity
  title: string
  detail: string | null
  evidence_json: string
  created_at: string
  updated_at: string
  last_notified_at: string | null
  notify_count: number
  status: 'open' | 'acked' | 'resolved'
  acked_at: string | null
  acked_by: string | null
}

export interface DeliveryRow {
  id: number
  alert_id: number
  channel: string
  round: number
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: string
  last_error: string | null
  sent_at: string | null
  created_at: string
}

/** A mention as the rules see it, once per watched region it is attributed to. */
export interface RuleMention {
  id: number
  region: string
  source: string
  publishedAt: string
  label: 'pos' | 'neu' | 'neg' | null
  reposts: number
  comments: number
  likes: number
  followers: number | null
  verified: boolean
  authorName: string | null
  url: string | null
  title: string | null
  text: string
  clusterId: number | null
}

export interface EvidenceRow {
  id: number
  source: string
  url: string | null
  title: string | null
  text: string
  authorName: string | null
  publishedAt: string
  reposts: number | null
  comments: number | null
}

const ORDER_DESC = 'order by id desc'
const iso = (d: Date) => d.toISOString()

export class AlertStore {
  constructor(private readonly db: Database) {}

  /**
   * Inserts a new alert, or refreshes an existing one with the same key (evidence, detail, a
   * raised severity). Returns the row and whether it is new.
   */
  upsert(c: AlertCandidate, now: Date): { alert: AlertRow; isNew: boolean } {
    return this.db.transaction(() => {
      const old = this.db.prepare(`select * from alerts where dedup_key = ?`).get(c.dedupKey) as AlertRow | undefined
      if (!old) {
        const info = this.db
          .prepare(`insert into alerts (rule, dedup_key, region_code, cluster_id, severity, title, detail, evidence_json, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(c.rule, c.dedupKey, c.regionCode, c.clusterId, c.severity, c.title, c.detail, JSON.stringify(c.evidence), iso(now), iso(now))
        return { alert: this.get(Number(info.lastInsertRowid))!, isNew: true }
      }
      const rank = { info: 0, warning: 1, critical: 2 }
      const severity = rank[c.severity] > rank[old.severity] ? c.severity : old.severity
      const evidence = [...new Set([...(JSON.parse(old.evidence_json) as number[]), ...c.evidence])].slice(0, 200)
      this.db.prepare(`update alerts set severity = ?, title = ?, detail = ?, evidence_json = ?, updated_at = ? where id = ?`).run(severity, c.title, c.detail, JSON.stringify(evidence), iso(now), old.id)
      return { alert: this.get(old.id)!, isNew: false }
    }).immediate()
  }

  get(id: number): AlertRow | null {
    return (this.db.prepare(`select * from alerts where id = ?`).get(id) as AlertRow | undefined) ?? null
  }

  /** Open alerts never notified, or last notified before `before` (re-notice). */
  dueForNotice(before: Date): AlertRow[] {
    return this.db.prepare(`select * from alerts where status = 'open' and (last_notified_at is null or last_notified_at < ?) order by id`).all(iso(before)) as AlertRow[]
  }

  /** Queues one delivery per channel for the alert's next round, and marks it notified. */
  queueNotice(alertId: number, channels: string[], now: Date): number {
    return this.db.transaction(() => {
      const a = this.get(alertId)!
      const round = a.notify_count + 1
      const ins = this.db.prepare(`insert into alert_deliveries (alert_id, channel, round, status, next_attempt_at, created_at) values (?, ?, ?, 'pending', ?, ?) on conflict do nothing`)
      for (const ch of channels) ins.run(alertId, ch, round, iso(now), iso(now))
      this.db.prepare(`update alerts set last_notified_at = ?, notify_count = ? where id = ?`).run(iso(now), round, alertId)
      return round
    }).immediate()
  }

  /** Pending deliveries whose next attempt has come, oldest first. */
  dueDeliveries(now: Date): DeliveryRow[] {
    return this.db.prepare(`select * from alert_deliveries where status = 'pending' and next_attempt_at <= ? order by id`).all(iso(now)) as DeliveryRow[]
  }

  /** Records one attempt: sent, or failed with the next attempt time (null: given up). */
  recordAttempt(id: number, now: Date, result: { ok: true } | { ok: false; error: string; nextAt: Date | null }): void {
    if (result.ok) this.db.prepare(`update alert_deliveries set status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = null where id = ?`).run(iso(now), id)
    else
      this.db
        .prepare(`update alert_deliveries set status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?`)
        .run(result.nextAt ? 'pending' : 'failed', result.error, iso(result.nextAt ?? now), id)
  }

  /** A held delivery (quiet hours) waits until `until`. */
  postpone(id: number, until: Date): void {
    this.db.prepare(`update alert_deliveries set next_attempt_at = ? where id = ?`).run(iso(until), id)
  }

  deliveries(alertId: number): DeliveryRow[] {
    return this.db.prepare(`select * from alert_deliveries where alert_id = ? order by id`).all(alertId) as DeliveryRow[]
  }

  list(opts: { status?: 'open' | 'acked' | 'resolved'; limit?: number } = {}): AlertRow[] {
    const limit = opts.limit ?? 50
    return (opts.status
      ? this.db.prepare(`select * from alerts where status = ? ${ORDER_DESC} limit ?`).all(opts.status, limit)
      : this.db.prepare(`select * from alerts ${ORDER_DESC} limit ?`).all(limit)) as AlertRow[]
  }

  /** Acknowledges an open alert (no more notices); false when it is not open. */
  ack(id: number, by: string, now: Date): boolean {
    return this.db.prepare(`update alerts set status = 'acked', acked_at = ?, acked_by = ? where id = ? and status = 'open'`).run(iso(now), by, id).changes === 1
  }

  // ---------------------------------------------------------------- what the rules read

  /**
   * Mentions attributed to `regions` published in [from, to), with their sentiment, cluster and
   * reach; only negative ones when `negativeOnly`. One row per mention and region.
   */
  ruleMentions(regions: readonly string[], from: Date, to: Date, negativeOnly: boolean): RuleMention[] {
    if (regions.length === 0) return []
    const day = `substr(m.published_at, 1, 10)`
    const rows = this.db
      .prepare(
        `select m.id, r.region_code as region, m.source, m.published_at as publishedAt, a.sentiment_label as label,
                coalesce(m.reposts, 0) as reposts, coalesce(m.comments, 0) as comments, coalesce(m.likes, 0) as likes,
                m.author_followers as followers, coalesce(m.author_verified, 0) as verified, m.author_name as authorName,
                m.url, m.title, m.text, a.cluster_id as clusterId
           from mention_regions r
           join mentions m on m.id = r.mention_id
           left join analyses a on a.mention_id = m.id
          where r.region_code in (${regions.map(() => '?').join(', ')})
            and ${day} >= ? and m.published_at >= ? and ${day} <= ? and m.published_at < ?
            ${negativeOnly ? `and a.sentiment_label = 'neg'` : ''}
          order by m.published_at, m.id`,
      )
      .all(...regions, iso(from).slice(0, 10), iso(from), iso(to).slice(0, 10), iso(to)) as Array<Omit<RuleMention, 'verified'> & { verified: number }>
    return rows.map((r) => ({ ...r, verified: r.verified === 1 }))
  }

  /** Each source's latest finished crawl run. */
  latestCrawlRuns(): Array<{ source: string; status: string; stopReason: string | null; error: string | null; finishedAt: string | null; startedAt: string }> {
    return this.db
      .prepare(
        `select c.source, c.status, c.stop_reason as stopReason, c.error, c.finished_at as finishedAt, c.started_at as startedAt
           from crawl_runs c join (select source, max(id) as id from crawl_runs where status <> 'running' group by source) l on l.id = c.id`,
      )
      .all() as Array<{ source: string; status: string; stopReason: string | null; error: string | null; finishedAt: string | null; startedAt: string }>
  }

  evidence(ids: readonly number[]): EvidenceRow[] {
    if (ids.length === 0) return []
    return this.db
      .prepare(
        `select id, source, url, title, text, author_name as authorName, published_at as publishedAt, reposts, comments from mentions where id in (${ids.map(() => '?').join(', ')})`,
      )
      .all(...ids) as EvidenceRow[]
  }
}
