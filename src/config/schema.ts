/**
 * The one configuration schema (zod). `yuqing.yaml` is validated against it, the commented
 * template from `yuqing init` documents it, and `config/yuqing.schema.json` (editor completion)
 * is generated from it by `npm run gen:schema`.
 *
 * Relative paths in the config are resolved against the directory of the config file.
 */
import { z } from 'zod'
import { ruleError } from '../nlp/topics.js'

const TIME_ZONE_HINT = 'an IANA time zone such as Asia/Shanghai'
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
const timeZone = z.string().refine(isTimeZone, { message: `must be ${TIME_ZONE_HINT}` })

/** 5 or 6 space-separated cron fields (sec? min hour dom mon dow), node-cron syntax, ranges checked. */
const CRON_RANGES: Array<[number, number]> = [
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 7], // day of week (0 and 7 are Sunday)
]
const NAMES: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12, sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }
function cronFieldOk(field: string, [lo, hi]: [number, number]): boolean {
  return field.split(',').every((part) => {
    const m = /^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:\/(\d+))?$/i.exec(part)
    if (!m) return false
    if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > hi)) return false
    if (m[1] === '*') return true
    const val = (v: string) => (/^\d+$/.test(v) ? Number(v) : NAMES[v.toLowerCase()] ?? NaN)
    const [a, b] = m[1]!.split('-').map(val) as [number, number | undefined]
    if (!(a >= lo && a <= hi)) return false
    return b === undefined || (b >= a && b <= hi)
  })
}
export function isCronExpression(expr: string): boolean {
  const f = expr.trim().split(/\s+/)
  if (f.length === 6) return cronFieldOk(f[0]!, [0, 59]) && f.slice(1).every((x, i) => cronFieldOk(x, CRON_RANGES[i]!))
  return f.length === 5 && f.every((x, i) => cronFieldOk(x, CRON_RANGES[i]!))
}
const cron = z.string().refine(isCronExpression, {
  message: 'must be a cron expression with 5 fields (min hour day month weekday), e.g. "30 7 * * *"',
})
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM, e.g. 23:00')
const posInt = (d: number, max = 1_000_000) => z.int().min(1).max(max).default(d)
const nonNegInt = (d: number, max = 100_000_000) => z.int().min(0).max(max).default(d)

export const rateLimitSchema = z
  .strictObject({
    concurrency: posInt(1, 16).describe('Requests in flight at once per host'),
    minIntervalMs: nonNegInt(3000).describe('Minimum gap between two requests to one host, in ms'),
    jitterMs: nonNegInt(1500).describe('Random extra delay added to each gap, in ms'),
    restEvery: nonNegInt(50).describe('Rest after this many requests (0: never)'),
    restMs: nonNegInt(60_000).describe('Length of the rest, in ms'),
    maxRetries: z.int().min(0).max(10).default(3).describe('Retries of a throttled or failed request'),
    timeoutMs: z.int().min(1000).max(600_000).default(20_000).describe('Per-request timeout, in ms'),
  })
  .describe('Politeness towards one site')

const sourceBase = {
  enabled: z.boolean().default(true).describe('Crawl this source'),
  rateLimit: rateLimitSchema.prefault({}),
  credentialsFile: z
    .string()
    .min(1)
    .optional()
    .describe('File holding the cookie or credentials (mode 0600; never printed)'),
}

export const sourcesSchema = z
  .strictObject({
    weibo: z
      .strictObject({
        ...sourceBase,
        baseUrls: z
          .strictObject({ api: httpUrl.default('https://m.weibo.cn') })
          .prefault({})
          .describe('m.weibo.cn API base URL'),
        maxPages: posInt(10, 100).describe('Result pages per keyword and run'),
        hotComments: nonNegInt(0, 1000).describe('Hot comments fetched per post (0: none)'),
      })
      .prefault({}),
    'weibo-search': z
      .strictObject({
        ...sourceBase,
        enabled: z.boolean().default(false).describe('Crawl s.weibo.com with a browser (needs an operator cookie)'),
        baseUrls: z.strictObject({ search: httpUrl.default('https://s.weibo.com') }).prefault({}),
        chromiumPath: z.string().min(1).optional().describe('Chromium executable (default: $YUQING_CHROMIUM or /usr/bin/chromium)'),
        maxPages: posInt(50, 50),
      })
      .prefault({}),
    news: z
      .strictObject({
        ...sourceBase,
        baseUrls: z
          .strictObject({
            baidu: httpUrl.default('https://www.baidu.com'),
            sogou: httpUrl.default('https://news.sogou.com'),
            so360: httpUrl.default('https://news.so.com'),
          })
          .prefault({})
          .describe('News search engine base URLs'),
        engines: z
          .array(z.enum(['baidu', 'sogou', 'so360']))
          .default(['baidu', 'sogou', 'so360'])
          .describe('News search engines to query'),
        feeds: z.array(httpUrl).default([]).describe('RSS/Atom feed URLs'),
        overrides: z
          .record(
            z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name such as www.example.com'),
            z.strictObject({
              title: z.string().min(1).optional().describe('CSS selector of the title'),
              body: z.string().min(1).optional().describe('CSS selector of the article body'),
              time: z.string().min(1).optional().describe('CSS selector of the publish time'),
              author: z.string().min(1).optional().describe('CSS selector of the author or source'),
              remove: z.array(z.string().min(1)).optional().describe('CSS selectors of blocks to drop first'),
            }),
          )
          .default({})
          .describe('Per-site extraction overrides, by host name (a site whose layout defeats the generic extractor)'),
        maxArticles: posInt(100, 10_000).describe('Articles fetched per feed and run'),
        maxPages: posInt(5, 50),
      })
      .prefault({}),
  })
  .describe('Crawl sources')

export const officialAccountSchema = z.strictObject({
  platform: z.enum(['weibo', 'wechat', 'douyin', 'web']).default('weibo'),
  id: z.string().min(1).optional().describe('Platform user id'),
  name: z.string().min(1).describe('Account name, e.g. 深圳宝安发布'),
})

export const regionSchema = z
  .strictObject({
    code: z
      .string()
      .regex(/^\d{6}$/, 'must be a 6-digit division code such as 440306')
      .optional()
      .describe('6-digit division code (see `yuqing regions search`)'),
    name: z.string().min(1).optional().describe('Region name, e.g. 宝安区 or 深圳市南山区'),
    aliases: z.array(z.string().min(1)).default([]).describe('Other names that mean this region'),
    keywords: z.array(z.string().min(1)).default([]).describe('Extra keywords to crawl for this region'),
    excludeKeywords: z.array(z.string().min(1)).default([]).describe('Texts with these words are not about the region'),
    officialAccounts: z.array(officialAccountSchema).default([]).describe('Government accounts (for 回应力)'),
  })
  .refine((r) => r.code !== undefined || r.name !== undefined, { message: 'needs a code or a name' })

export const topicSchema = z.strictObject({
  name: z.string().min(1),
  rule: z
    .string()
    .min(1)
    .superRefine((rule, ctx) => {
      const problem = ruleError(rule)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .describe('Boolean rule: words, "quoted phrases", AND, OR, NOT, parentheses'),
})

export const JOB_TASKS = ['crawl', 'reanalyze', 'report-daily', 'rank-weekly', 'alerts', 'maintenance', 'backup'] as const
export const jobSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
  task: z.enum(JOB_TASKS),
  cron,
  enabled: z.boolean().default(true),
  sources: z.array(z.enum(['weibo', 'weibo-search', 'news'])).optional().describe('For crawl jobs: which sources'),
  jitterSeconds: nonNegInt(0, 3600),
  timeoutMinutes: posInt(60, 24 * 60),
})

export const scheduleSchema = z.strictObject({
  timezone: timeZone.default('Asia/Shanghai'),
  worker: z
    .strictObject({
      leaseSeconds: posInt(120, 3600).describe("A job's lease; a worker that stops renewing it (killed) loses the job after this long"),
      heartbeatSeconds: posInt(30, 600).describe('How often the worker writes its heartbeat'),
      graceSeconds: posInt(30, 3600).describe('On SIGTERM/SIGINT: how long running jobs get to commit their batch'),
      logDir: z.string().min(1).default('logs').describe('Folder of worker.log (rotated at 10 MB, 5 kept)'),
    })
    .prefault({})
    .describe('The long-running worker (`yuqing worker`)'),
  backup: z
    .strictObject({
      dir: z.string().min(1).default('backups').describe('Folder for the backup job'),
      keep: posInt(7, 1000).describe('Backups kept (the oldest are removed)'),
    })
    .prefault({}),
  jobs: z
    .array(jobSchema)
    .default([
      { name: 'crawl-weibo', task: 'crawl', cron: '*/30 * * * *', enabled: true, sources: ['weibo'], jitterSeconds: 60, timeoutMinutes: 25 },
      { name: 'crawl-news', task: 'crawl', cron: '15 * * * *', enabled: true, sources: ['news'], jitterSeconds: 60, timeoutMinutes: 50 },
      { name: 'alerts', task: 'alerts', cron: '*/5 * * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 4 },
      { name: 'daily-report', task: 'report-daily', cron: '30 7 * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 30 },
      { name: 'weekly-rank', task: 'rank-weekly', cron: '0 8 * * 1', enabled: true, jitterSeconds: 0, timeoutMinutes: 30 },
      { name: 'backup', task: 'backup', cron: '0 3 * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 60 },
      { name: 'reanalyze', task: 'reanalyze', cron: '30 3 * * *', enabled: true, jitterSeconds: 0, timeoutMinutes: 120 },
      { name: 'maintenance', task: 'maintenance', cron: '30 4 * * 0', enabled: true, jitterSeconds: 0, timeoutMinutes: 60 },
    ]),
})

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('wecom'), name: z.string().optional(), webhook: httpUrl }),
  z.strictObject({ type: z.literal('dingtalk'), name: z.string().optional(), webhook: httpUrl, secret: z.string().optional() }),
  z.strictObject({ type: z.literal('feishu'), name: z.string().optional(), webhook: httpUrl, secret: z.string().optional() }),
  z.strictObject({
    type: z.literal('webhook'),
    name: z.string().optional(),
    url: httpUrl,
    headers: z.record(z.string(), z.string()).default({}),
  }),
  z.strictObject({
    type: z.literal('email'),
    name: z.string().optional(),
    host: z.string().min(1),
    port: z.int().min(1).max(65535).default(465),
    secure: z.boolean().default(true),
    user: z.string().optional(),
    passwordFile: z.string().optional().describe('File holding the SMTP password (mode 0600)'),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
  }),
])

export const alertsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  quietHours: z
    .strictObject({ start: clock, end: clock })
    .optional()
    .describe('No notifications between these local times (alerts are still stored)'),
  renotifyMinutes: posInt(240, 7 * 24 * 60).describe('Repeat an unacknowledged alert after this long'),
  negativeSpike: z
    .strictObject({
      enabled: z.boolean().default(true),
      baselineDays: posInt(14, 90),
      minCount: posInt(5, 100_000),
      pValue: z.number().gt(0).lt(1).default(0.001),
    })
    .prefault({}),
  highReach: z
    .strictObject({
      enabled: z.boolean().default(true),
      engagement: posInt(500, 100_000_000).describe('reposts + comments of one negative item'),
      followers: posInt(100_000, 1_000_000_000).describe('followers of a verified author of a negative item'),
    })
    .prefault({}),
  sensitiveWords: z
    .record(z.string().min(1), z.array(z.string().min(1)))
    .default({})
    .describe('Category → words, e.g. 安全事故: [爆炸, 坍塌]'),
  crawlerHealth: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  channels: z.array(channelSchema).default([]),
})

export const indexSchema = z
  .strictObject({
    weights: z
      .strictObject({
        visibility: z.number().min(0).max(1).default(0.3).describe('传播力'),
        favourability: z.number().min(0).max(1).default(0.4).describe('美誉度'),
        risk: z.number().min(0).max(1).default(0.2).describe('舆情风险 (inverted)'),
        responsiveness: z.number().min(0).max(1).default(0.1).describe('回应力'),
      })
      .prefault({})
      .refine((w) => Math.abs(w.visibility + w.favourability + w.risk + w.responsiveness - 1) < 1e-6, {
        message: 'weights must sum to 1',
      }),
    scaling: z.enum(['minmax', 'percentile', 'tscore']).default('minmax'),
    priorStrength: z.number().min(0).max(10_000).default(20).describe('m: pseudo-mentions pulling 美誉度 to the peer mean'),
    minMentions: nonNegInt(10).describe('Below this: 样本不足, not ranked'),
    lowConfidenceMentions: nonNegInt(30).describe('Below this: 低置信'),
    windowDays: posInt(7, 366),
    referencePeriod: z
      .strictObject({ from: z.iso.date(), to: z.iso.date() })
      .optional()
      .describe('Frozen scaling period (YYYY-MM-DD) so scores compare over time'),
  })
  .describe('Network-image index (网络形象指数)')

export const reportSchema = z.strictObject({
  timezone: timeZone.default('Asia/Shanghai'),
  outputDir: z.string().min(1).default('reports'),
  formats: z.array(z.enum(['terminal', 'md', 'html', 'pdf', 'docx', 'json'])).default(['md', 'html', 'json']),
})

export const nlpSchema = z.strictObject({
  sentimentModel: z.string().min(1).optional().describe('Sentiment model file (default: the shipped model)'),
  userDict: z.string().min(1).optional().describe('Extra jieba user dictionary file'),
})

export const configSchema = z.strictObject({
  database: z.strictObject({ path: z.string().min(1).default('data/yuqing.db') }).prefault({}),
  regions: z.array(regionSchema).default([]).describe('Watched regions (监测地区)'),
  topics: z.array(topicSchema).default([]).describe('Topic rules (话题); empty: the built-in taxonomy'),
  sources: sourcesSchema.prefault({}),
  schedule: scheduleSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  index: indexSchema.prefault({}),
  report: reportSchema.prefault({}),
  nlp: nlpSchema.prefault({}),
})

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>
export type RegionConfig = z.output<typeof regionSchema>
