/** The alert rules' pure parts: the Poisson tail, quiet hours, robot signatures, escaping. */
import { describe, expect, it } from 'vitest'
import { dingtalkSign, feishuSign, channelNames } from '../../src/alerts/channels.js'
import { escapeHtml, escapeMarkdown, safeUrl } from '../../src/alerts/message.js'
import { crawlerHealth, inQuietHours, negativeSpikes, poissonTail, quietHoursEnd } from '../../src/alerts/rules.js'
import type { RuleMention } from '../../src/store/alerts.js'

describe('poissonTail', () => {
  // Reference values from Python (math.lgamma sums), not from this code.
  it.each([
    [1, 12, 8.316107426882317e-10],
    [10, 5, 0.9707473119230389],
    [10, 15, 0.08345847293466313],
    [0.5, 5, 0.00017211562995584083],
    [100, 120, 0.028230393964865708],
    [100, 150, 1.8842104660387047e-6],
    [1000, 1100, 0.0009626304058662804],
  ])('P(Poisson(%d) ≥ %d) = %d', (lambda, x, p) => {
    expect(poissonTail(lambda, x) / p).toBeCloseTo(1, 8)
  })
  it('handles the edges: no baseline, nothing observed', () => {
    expect(poissonTail(0, 3)).toBe(0)
    expect(poissonTail(5, 0)).toBe(1)
  })
})

describe('negativeSpikes', () => {
  const now = new Date('2026-12-02T02:00:00Z')
  const neg = (id: number, hoursAgo: number): RuleMention => ({ id, region: '440306', source: 'weibo', publishedAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(), label: 'neg', reposts: 0, comments: 0, likes: 0, followers: null, verified: false, authorName: null, url: null, title: null, text: 'x', clusterId: null })
  const cfg = { enabled: true, baselineDays: 14, minCount: 5, pValue: 0.001 }
  const regions = [{ code: '440306', name: '宝安区' }]
  const baseline = Array.from({ length: 28 }, (_, i) => neg(1000 + i, 30 + i * 12)) // 2 a day
  it('fires when the last 24 h are far above the 14-day baseline, keyed by the local day', () => {
    const recent = Array.from({ length: 12 }, (_, i) => neg(i, i + 0.5))
    const [a] = negativeSpikes([...baseline, ...recent], regions, now, cfg, 'Asia/Shanghai')
    expect(a).toMatchObject({ rule: 'negative-spike', dedupKey: 'negative-spike:440306:2026-12-02', regionCode: '440306' })
    expect(a!.title).toBe('宝安区负面舆情激增：近24小时 12 条（基线 2.0 条）')
    expect(a!.evidence).toHaveLength(12)
  })
  it('stays quiet within the baseline and below minCount', () => {
    expect(negativeSpikes([...baseline, neg(1, 1), neg(2, 2), neg(3, 3)], regions, now, cfg, 'Asia/Shanghai')).toEqual([])
    expect(negativeSpikes([neg(1, 1), neg(2, 2), neg(3, 3), neg(4, 4)], regions, now, cfg, 'Asia/Shanghai')).toEqual([]) // 4 < minCount, λ = 0
  })
  it('uses the 6-hour window when the burst is recent but the day as a whole is not extreme', () => {
    const busy = Array.from({ length: 28 }, (_, i) => neg(2000 + i, 30 + i * 12)).concat(Array.from({ length: 6 }, (_, i) => neg(3000 + i, 0.2 * i)))
    const [a] = negativeSpikes(busy.concat(Array.from({ length: 28 }, (_, i) => neg(4000 + i, 30 + i * 12))), regions, now, cfg, 'Asia/Shanghai')
    expect(a?.title).toMatch(/近6小时 6 条/)
  })
})

describe('quiet hours (Asia/Shanghai)', () => {
  const q = { start: '23:00', end: '07:00' }
  it('spans midnight', () => {
    expect(inQuietHours(new Date('2026-12-02T15:00:00Z'), 'Asia/Shanghai', q)).toBe(true) // 23:00
    expect(inQuietHours(new Date('2026-12-02T22:59:00Z'), 'Asia/Shanghai', q)).toBe(true) // 06:59
    expect(inQuietHours(new Date('2026-12-02T23:00:00Z'), 'Asia/Shanghai', q)).toBe(false) // 07:00
    expect(inQuietHours(new Date('2026-12-02T14:59:00Z'), 'Asia/Shanghai', q)).toBe(false) // 22:59
    expect(inQuietHours(new Date('2026-12-02T04:00:00Z'), 'Asia/Shanghai', { start: '12:00', end: '13:30' })).toBe(true)
    expect(inQuietHours(new Date('2026-12-02T15:00:00Z'), 'Asia/Shanghai', undefined)).toBe(false)
  })
  it('ends at the next local 07:00', () => {
    expect(quietHoursEnd(new Date('2026-12-02T16:30:10Z'), 'Asia/Shanghai', q).toISOString()).toBe('2026-12-02T23:00:00.000Z')
  })
})

describe('robot signatures and escaping', () => {
  it('signs as DingTalk and Feishu document it (reference values from Python hmac)', () => {
    expect(dingtalkSign('SECabc', 1700000000000)).toBe('jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM=')
    expect(feishuSign('feishu-secret', 1700000000)).toBe('OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=')
  })
  it('names channels by name, else type-n', () => {
    expect(channelNames([{ type: 'wecom', webhook: 'http://a' }, { type: 'wecom', name: '值班群', webhook: 'http://b' }, { type: 'wecom', webhook: 'http://c' }] as never)).toEqual(['wecom-1', '值班群', 'wecom-2'])
  })
  it('escapes hostile text for Markdown and HTML, and links only http(s)', () => {
    expect(escapeMarkdown('[x](javascript:alert(1)) *b* `c` <font>')).toBe('\\[x\\](javascript:alert(1)) \\*b\\* \\`c\\` ＜font＞')
    expect(escapeHtml(`<img src=x onerror="a('1')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;')
    expect(safeUrl('javascript:alert(1)')).toBeNull()
    expect(safeUrl('file:///etc/passwd')).toBeNull()
    expect(safeUrl('https://m.weibo.cn/detail/1')).toBe('https://m.weibo.cn/detail/1')
  })
})

describe('crawlerHealth', () => {
  const now = new Date('2026-12-02T02:00:00Z')
  const run = (o: Partial<{ source: string; status: string; stopReason: string | null; hoursAgo: number }>) => {
    const at = new Date(now.getTime() - (o.hoursAgo ?? 1) * 3_600_000).toISOString()
    return { source: o.source ?? 'weibo', status: o.status ?? 'failed', stopReason: o.stopReason ?? null, error: null, startedAt: at, finishedAt: at }
  }
  it('alerts on a recent run that needs its cookie, hit a captcha or failed; not on an old one, an ok one, or a few failed pages', () => {
    const got = crawlerHealth(
      [run({ stopReason: 'needs-cookie' }), run({ source: 'news', status: 'partial', stopReason: 'throttled' }), run({ source: 'weibo-search', hoursAgo: 30 }), run({ source: 'x', status: 'ok' }), run({ source: 'y', status: 'partial' })],
      now,
      { enabled: true },
      'Asia/Shanghai',
    )
    expect(got.map((a) => [a.dedupKey, a.severity])).toEqual([
      ['crawler-health:weibo:needs-cookie:2026-12-02', 'critical'],
      ['crawler-health:news:throttled:2026-12-02', 'warning'],
    ])
  })
})
