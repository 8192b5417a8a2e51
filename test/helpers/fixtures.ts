/** Small fixtures several test files share. */

/** A valid Weibo post in the interchange schema (as imported from JSONL). */
export const WEIBO_POST = {
  source: 'weibo',
  platformId: '4900000000000001',
  url: 'https://m.weibo.cn/detail/4900000000000001',
  text: '宝安区西乡街道地铁站今天很拥堵[怒]',
  authorId: 'u1',
  authorName: '深圳小明',
  authorFollowers: 120,
  authorVerified: false,
  publishedAt: '2026-11-25T08:30:00+08:00',
  reposts: 3,
  comments: 5,
  likes: 10,
} as const

/** A config with a wrong type (line 8), an unknown region (line 2) and an unknown key (line 5). */
export const BAD_CONFIG = `regions:
  - name: 宝按区
sources:
  weibo:
    ratelimit:
      concurrency: 2
    rateLimit:
      concurrency: fast
`
