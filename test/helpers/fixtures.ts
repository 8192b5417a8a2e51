/** Small fixtures several test files share. */
import { writeFileSync } from 'node:fs'

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

/** Politeness with no waits, for crawls against the loopback sample server. */
export const NO_WAITS = '{ minIntervalMs: 0, jitterMs: 0, restEvery: 0, maxRetries: 1 }'

/**
 * The workspace config the crawl and worker tests share: database `<name>.db`, 宝安区 (alias 宝安)
 * watched, and `rest` (YAML from `sources:` on) below it. Written to `<dir>/<name>.yaml`; returns its path.
 */
export function sampleConfig(dir: string, name: string, rest: string): string {
  const file = `${dir}/${name}.yaml`
  writeFileSync(
    file,
    `database: { path: ${name}.db }
regions:
  - code: "440306"
    name: 宝安区
    aliases: [宝安]
${rest}`,
  )
  return file
}

/** The m.weibo.cn source at `url` (the sample server), with no waits. */
export function weiboAt(url: string, o: { maxPages?: number; hotComments?: number; extra?: string } = {}): string {
  return `  weibo:
    baseUrls: { api: "${url}" }
    maxPages: ${o.maxPages ?? 10}
    hotComments: ${o.hotComments ?? 3}
    rateLimit: ${NO_WAITS}
${o.extra ?? ''}`
}
