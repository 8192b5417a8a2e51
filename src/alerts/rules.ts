/**
 * The alert rules (../shared/design/INDEX.md, "Alert rules"), pure: mentions and crawl runs in,
 * alert candidates out, each with a dedup key so that a story alerts once.
 *
 * - negative-spike: the negative count x of a watched region over the last 24 h (and the last
 *   6 h) against its baseline λ, the mean over the `baselineDays` before (scaled to the window).
 *   Alert when x ≥ minCount and P(Poisson(λ) ≥ x) < pValue. One alert per region and local day.
 * - high-reach: one negative item with reposts + comments ≥ engagement, or by a verified author
 *   with ≥ followers, or by official media (央媒/省媒). One alert per region and story cluster.
 * - sensitive-word: a text of the region containing a word of a configured category. One per
 *   category, region and story cluster.
 * - crawler-health: a source's latest run (of the last 24 h) stopped because it needs a cookie,
 *   hit a captcha, was throttled or paused by its breaker, or failed. One per source, reason and
 *   local day.
 */
import { isoWithOffset } from '../core/time.js'
import type { AlertCandidate, RuleMention } from '../store/alerts.js'
import { isOfficialMedia } from './media.js'

export interface RuleConfig {
  negativeSpike: { enabled: boolean; baselineDays: number; minCount: number; pValue: number }
  highReach: { enabled: boolean; engagement: number; followers: number }
  sensitiveWords: Record<string, string[]>
  crawlerHealth: { enabled: boolean }
}

/** P(X ≥ x) for X ~ Poisson(λ), summed in log space (exact enough for x up to millions). */
export function poissonTail(lambda: number, x: number): number {
  if (x <= 0) return 1
  if (lambda <= 0) return 0
  // P(X ≥ x) = 1 − Σ_{k<x} e^−λ λ^k / k!; for x well above λ sum the upper tail directly.
  if (x > lambda) {
    let logTerm = -lambda + x * Math.log(lambda) - logFactorial(x)
    let sum = 0
    for (let k = x; k < x + 10_000; k++) {
      const t = Math.exp(logTerm)
      sum += t
      if (t < sum * 1e-15) break
      logTerm += Math.log(lambda) - Math.log(k + 1)
    }
    return Math.min(1, sum)
  }
  let logTerm = -lambda
  let below = 0
  for (let k = 0; k < x; k++) {
    below += Math.exp(logTerm)
    logTerm += Math.log(lambda) - Math.log(k + 1)
  }
  return Math.max(0, 1 - below)
}

function logFactorial(n: number): number {
  let s = 0
  for (let k = 2; k <= n; k++) s += Math.log(k)
  return s
}

const engagement = (m: RuleMention) => m.reposts + m.comments
const byReach = (a: RuleMention, b: RuleMention) => engagement(b) - engagement(a) || b.likes - a.likes || a.id - b.id
const localDay = (d: Date, tz: string) => isoWithOffset(d, tz).slice(0, 10)
const storyKey = (m: RuleMention) => (m.clusterId !== null ? `c${m.clusterId}` : `m${m.id}`)
const snippet = (m: RuleMention) => (m.title || m.text).replace(/\s+/g, ' ').slice(0, 60)

/**
 * Spikes of negative mentions. `negative`: the negative mentions of the watched regions
 * published in [now − (baselineDays + 1) days, now).
 */
export function negativeSpikes(negative: readonly RuleMention[], regions: ReadonlyArray<{ code: string; name: string }>, now: Date, cfg: RuleConfig['negativeSpike'], tz: string): AlertCandidate[] {
  if (!cfg.enabled) return []
  const out: AlertCandidate[] = []
  const t = now.getTime()
  const DAY = 86_400_000
  for (const r of regions) {
    const mine = negative.filter((m) => m.region === r.code)
    const baseStart = t - (cfg.baselineDays + 1) * DAY
    const baseline = mine.filter((m) => Date.parse(m.publishedAt) >= baseStart && Date.parse(m.publishedAt) < t - DAY).length
    const perDay = baseline / cfg.baselineDays
    for (const hours of [24, 6]) {
      const recent = mine.filter((m) => Date.parse(m.publishedAt) >= t - hours * 3_600_000)
      const x = recent.length
      const lambda = (perDay * hours) / 24
      if (x < cfg.minCount) continue
      const p = poissonTail(lambda, x)
      if (p >= cfg.pValue) continue
      const z = (x - lambda) / Math.sqrt(Math.max(lambda, 1))
      out.push({
        rule: 'negative-spike',
        dedupKey: `negative-spike:${r.code}:${localDay(now, tz)}`,
        regionCode: r.code,
        clusterId: null,
        severity: p < cfg.pValue / 100 || z >= 8 ? 'critical' : 'warning',
        title: `${r.name}负面舆情激增：近${hours}小时 ${x} 条（基线 ${lambda.toFixed(1)} 条）`,
        detail: `近${hours}小时负面 ${x} 条，前${cfg.baselineDays}天日均 ${perDay.toFixed(1)} 条；P(Poisson(${lambda.toFixed(2)}) ≥ ${x}) = ${p.toExponential(2)}，z = ${z.toFixed(1)}`,
        evidence: [...recent].sort(byReach).slice(0, 20).map((m) => m.id),
      })
      break // the 24-hour window speaks for the 6-hour one
    }
  }
  return out
}

/** Negative items of high reach. `negative`: the negative mentions of the lookback window. */
export function highReach(negative: readonly RuleMention[], regionName: (code: string) => string, cfg: RuleConfig['highReach']): AlertCandidate[] {
  if (!cfg.enabled) return []
  const reasons = (m: RuleMention): string[] => {
    const why: string[] = []
    if (engagement(m) >= cfg.engagement) why.push(`转发+评论 ${engagement(m)}`)
    if (m.verified && (m.followers ?? 0) >= cfg.followers) why.push(`认证账号 ${m.authorName ?? ''}（粉丝 ${m.followers}）`)
    const media = isOfficialMedia(m.authorName, m.url)
    if (media) why.push(`${media.tier} ${media.name}`)
    return why
  }
  const stories = new Map<string, RuleMention[]>()
  for (const m of negative) {
    const key = `${m.region}:${storyKey(m)}`
    stories.set(key, [...(stories.get(key) ?? []), m])
  }
  const out: AlertCandidate[] = []
  for (const [key, all] of stories) {
    const top = all.filter((m) => reasons(m).length).sort(byReach)[0]
    if (!top) continue
    const media = isOfficialMedia(top.authorName, top.url)
    out.push({
      rule: 'high-reach',
      dedupKey: `high-reach:${key}`,
      regionCode: top.region,
      clusterId: top.clusterId,
      severity: media?.tier === '央媒' || engagement(top) >= cfg.engagement * 10 ? 'critical' : 'warning',
      title: `${regionName(top.region)}高传播负面：${snippet(top)}`,
      detail: reasons(top).join('；'),
      evidence: [...all].sort(byReach).slice(0, 20).map((x) => x.id),
    })
  }
  return out
}

/** Sensitive words by category. `mentions`: every mention of the lookback window. */
export function sensitiveWords(mentions: readonly RuleMention[], regionName: (code: string) => string, categories: RuleConfig['sensitiveWords']): AlertCandidate[] {
  const stories = new Map<string, { cat: string; words: Set<string>; all: RuleMention[] }>()
  for (const m of mentions) {
    const hay = `${m.title ?? ''}\n${m.text}`
    for (const [cat, words] of Object.entries(categories)) {
      const hit = words.filter((w) => hay.includes(w))
      if (!hit.length) continue
      const key = `sensitive-word:${cat}:${m.region}:${storyKey(m)}`
      const s = stories.get(key) ?? { cat, words: new Set<string>(), all: [] }
      for (const w of hit) s.words.add(w)
      s.all.push(m)
      stories.set(key, s)
    }
  }
  return [...stories].map(([key, s]) => {
    const top = [...s.all].sort(byReach)
    const m = top[0]!
    return {
      rule: 'sensitive-word' as const,
      dedupKey: key,
      regionCode: m.region,
      clusterId: m.clusterId,
      severity: top.some((x) => x.label === 'neg') ? ('warning' as const) : ('info' as const),
      title: `${regionName(m.region)}敏感词（${s.cat}）：${snippet(m)}`,
      detail: `命中 ${[...s.words].join('、')}；${s.all.length} 条`,
      evidence: top.slice(0, 20).map((x) => x.id),
    }
  })
}

const HEALTH: Record<string, string> = {
  'needs-cookie': 'Cookie 失效或缺失，需要重新登录（yuqing auth weibo）',
  captcha: '遇到验证码，需要人工处理',
  throttled: '被限流，已暂停',
  breaker: '连续失败，已暂停',
}

/** Crawler health from each source's latest finished run. */
export function crawlerHealth(runs: ReadonlyArray<{ source: string; status: string; stopReason: string | null; error: string | null; finishedAt: string | null; startedAt: string }>, now: Date, cfg: RuleConfig['crawlerHealth'], tz: string): AlertCandidate[] {
  if (!cfg.enabled) return []
  const out: AlertCandidate[] = []
  for (const r of runs) {
    if (r.status !== 'failed' && r.status !== 'partial') continue
    // Only a recent run speaks for the source's health (a source disabled since is not failing).
    if (now.getTime() - Date.parse(r.finishedAt ?? r.startedAt) > 86_400_000) continue
    if (r.status === 'partial' && !r.stopReason) continue // a few failed pages: not a health problem
    const reason = r.stopReason ?? 'failed'
    out.push({
      rule: 'crawler-health',
      dedupKey: `crawler-health:${r.source}:${reason}:${localDay(now, tz)}`,
      regionCode: null,
      clusterId: null,
      severity: reason === 'needs-cookie' || reason === 'captcha' || r.status === 'failed' ? 'critical' : 'warning',
      title: `数据源 ${r.source} 异常：${HEALTH[reason] ?? '抓取失败'}`,
      detail: `${r.source} 最近一次抓取（${isoWithOffset(new Date(r.startedAt), tz)}）状态 ${r.status}${r.stopReason ? `，原因 ${r.stopReason}` : ''}${r.error ? `：${r.error.slice(0, 300)}` : ''}`,
      evidence: [],
    })
  }
  return out
}

/** Whether `now` falls in the quiet hours [start, end) of the zone (a span may cross midnight). */
export function inQuietHours(now: Date, tz: string, quiet: { start: string; end: string } | undefined): boolean {
  if (!quiet) return false
  const hm = isoWithOffset(now, tz).slice(11, 16)
  return quiet.start <= quiet.end ? hm >= quiet.start && hm < quiet.end : hm >= quiet.start || hm < quiet.end
}

/** The first instant at or after `now` outside the quiet hours (minute resolution). */
export function quietHoursEnd(now: Date, tz: string, quiet: { start: string; end: string } | undefined): Date {
  let t = new Date(Math.ceil(now.getTime() / 60_000) * 60_000)
  for (let i = 0; i < 24 * 60 && inQuietHours(t, tz, quiet); i++) t = new Date(t.getTime() + 60_000)
  return t
}
