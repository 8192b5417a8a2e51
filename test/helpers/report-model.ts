/**
 * A complete, realistic daily ReportModel for 宝安区 (440306) for the renderer tests: Chinese
 * text in every section, one section (地域分布) insufficient, and hostile crawled strings in the
 * places crawled text reaches (titles, snippets, authors, urls, words, alert and event titles,
 * account names).
 */
import type { ItemRef, KeyItem, ReportModel, SeriesPoint } from '../../src/report/model.js'

/** The hostile strings, exported so tests can look for them (escaped) in the output. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2">',
  attr: '"><svg onload="window.__pwned=3">',
  svgText: '</text><script>window.__pwned=4</script>',
  jsUrl: 'javascript:alert(1)',
  jsUrlUpper: ' JaVaScRiPt:window.__pwned=5',
  dataUrl: 'data:text/html,<script>window.__pwned=6</script>',
  fileUrl: 'file:///etc/passwd',
  attrUrl: 'https://example.com/a"><svg onload=window.__pwned=7>',
  rtl: '\u202Egnp.exe\u202C 宝安某小区\u2066隔离\u2069\u200F文本',
  huge: '长'.repeat(200_000),
  controls: 'a\u0000b\u0007c\u001bd\u0085e\ufeff',
} as const

/** The report's title and a number that must appear in every format. */
export const KNOWN = { title: '宝安区舆情日报（2026-12-02）', mentions: 1287, negCount: 143 }

const DAY = '2026-12-02'

function item(id: number, o: Partial<ItemRef> & { title: string }): ItemRef {
  return {
    id,
    source: 'weibo',
    snippet: o.title,
    url: `https://weibo.com/1234567890/P${id}`,
    author: '深圳身边事',
    tier: '自媒体',
    publishedLocal: `${DAY}T09:${String(id % 60).padStart(2, '0')}:00+08:00`,
    sentiment: 'neg',
    engagement: 100 + id,
    clusterId: 900 + id,
    ...o,
  }
}

function daily(): SeriesPoint[] {
  const out: SeriesPoint[] = []
  const end = Date.UTC(2026, 11, 2)
  for (let i = 29; i >= 0; i--) {
    const d = new Date(end - i * 86_400_000).toISOString().slice(0, 10)
    const base = 700 + Math.round(220 * Math.sin(i / 3)) + (i === 0 ? 300 : 0)
    out.push({ at: d, pos: Math.round(base * 0.28), neu: Math.round(base * 0.58), neg: Math.round(base * 0.11) + (i === 4 ? 90 : 0), none: Math.round(base * 0.03) })
  }
  return out
}

function hourly(): SeriesPoint[] {
  return Array.from({ length: 24 }, (_, h) => {
    const base = Math.round(8 + 70 * Math.exp(-((h - 10) ** 2) / 18) + 40 * Math.exp(-((h - 20) ** 2) / 8))
    return { at: `${DAY}T${String(h).padStart(2, '0')}:00`, pos: Math.round(base * 0.3), neu: Math.round(base * 0.55), neg: Math.round(base * 0.12), none: h % 5 === 0 ? 1 : 0 }
  })
}

export function reportModel(): ReportModel {
  const keyItems: KeyItem[] = [
    {
      ...item(101, {
        title: '宝安西乡街道某小区地下车库积水，业主质疑排水设施验收' + HOSTILE.script,
        snippet: '连续降雨后西乡街道某小区地下车库积水超过半米，多辆车被泡，业主称物业和开发商互相推诿。' + HOSTILE.img,
        author: '宝安业主维权' + HOSTILE.attr,
        url: HOSTILE.jsUrl,
        engagement: 5620,
      }),
      reason: '预警',
      alert: { id: 7, rule: 'neg-surge', severity: 'high', title: '负面信息激增：西乡积水 ' + HOSTILE.img },
      handling: '未处理',
      clusterMentions: 86,
    },
    {
      ...item(102, { title: '福永一工厂拖欠工资 百余名工人聚集讨薪', snippet: HOSTILE.huge, url: HOSTILE.dataUrl, author: HOSTILE.rtl, tier: '自媒体', engagement: 3310 }),
      reason: '负面',
      alert: null,
      handling: '已确认',
      clusterMentions: 41,
    },
    {
      ...item(103, { title: HOSTILE.rtl + ' 沙井街道 电动车起火', source: 'news', url: HOSTILE.fileUrl, author: '南方都市报', tier: '省媒', engagement: 880 }),
      reason: '负面',
      alert: null,
      handling: '已回应',
      clusterMentions: 17,
    },
    {
      ...item(104, { title: HOSTILE.huge, source: 'news', url: HOSTILE.attrUrl, author: '深圳特区报', tier: '市媒', engagement: 420 }),
      reason: '负面',
      alert: null,
      handling: '未处理',
      clusterMentions: 5,
    },
    {
      ...item(105, { title: '松岗街道地铁施工噪音扰民 居民夜间难以入睡' + HOSTILE.controls, source: 'news', url: HOSTILE.jsUrlUpper, author: '读特客户端', tier: '市媒', engagement: 260 }),
      reason: '负面',
      alert: null,
      handling: '未处理',
      clusterMentions: 9,
    },
    {
      ...item(106, { title: '宝安机场航班延误 旅客滞留', source: 'news', url: 'https://www.sznews.com/news/content/2026-12/02/content_31234567.htm', author: '深圳新闻网', tier: '市媒', engagement: 190, sentiment: 'neg' }),
      reason: '负面',
      alert: null,
      handling: '已回应',
      clusterMentions: 12,
    },
  ]

  const first = (id: number, title: string, o: Partial<ItemRef> = {}) => item(id, { title, sentiment: o.sentiment ?? 'neu', ...o })
  const events = [
    { title: '西乡街道小区地下车库积水', mentions: 86, neg: 61, pos: 3, sentiment: 'neg' as const, engagement: 12890 },
    { title: '宝安国际会展中心举办2026中国国际工业博览会', mentions: 74, neg: 2, pos: 40, sentiment: 'pos' as const, engagement: 9400 },
    { title: HOSTILE.svgText + '福永工厂欠薪', mentions: 41, neg: 30, pos: 0, sentiment: 'neg' as const, engagement: 6120 },
    { title: '宝安中心区新开两所公办学校 学位增加4200个', mentions: 38, neg: 1, pos: 22, sentiment: 'pos' as const, engagement: 3300 },
    { title: '沙井蚝乡文化节开幕', mentions: 33, neg: 0, pos: 18, sentiment: 'pos' as const, engagement: 2100 },
    { title: '宝安机场航班延误 旅客滞留', mentions: 12, neg: 9, pos: 0, sentiment: 'neg' as const, engagement: 1900 },
    { title: '松岗地铁施工噪音扰民', mentions: 9, neg: 7, pos: 0, sentiment: 'neg' as const, engagement: 640 },
    { title: '石岩湖湿地公园秋季观鸟', mentions: 8, neg: 0, pos: 5, sentiment: 'pos' as const, engagement: 410 },
    { title: '新安街道老旧小区加装电梯进展', mentions: 7, neg: 1, pos: 2, sentiment: 'neu' as const, engagement: 300 },
    { title: '燕罗街道招聘会提供岗位3000个 ' + HOSTILE.attr, mentions: 6, neg: 0, pos: 3, sentiment: 'neu' as const, engagement: 150 },
  ]

  return {
    schema: 'yuqing-report-1',
    kind: 'daily',
    title: KNOWN.title,
    region: { code: '440306', name: '宝安区', fullName: '广东省深圳市宝安区' },
    period: { from: `${DAY}T00:00:00+08:00`, to: `${DAY}T23:59:59+08:00`, days: 1, timezone: 'Asia/Shanghai', label: '2026年12月2日（星期三）' },
    generatedLocal: '2026-12-03T08:00:12+08:00',
    sections: {
      overview: {
        status: 'ok',
        note: null,
        mentions: KNOWN.mentions,
        previous: 1034,
        delta: 253,
        mean7: 980.4,
        deltaVsMean7: 0.3128,
        bySource: [
          { source: 'weibo', label: '微博', mentions: 902, previous: 731 },
          { source: 'news', label: '新闻网站', mentions: 385, previous: 303 },
        ],
        sentiment: { pos: 352, neu: 751, neg: KNOWN.negCount, none: 41 },
        stories: 214,
        engagement: { reposts: 8120, comments: 15344, likes: 60211 },
        alerts: 2,
        index: 71.6,
        rank: 4,
        rankDelta: -1,
        peers: 9,
      },
      keyItems: {
        status: 'ok',
        note: null,
        items: keyItems,
        alerts: [
          { id: 7, rule: 'neg-surge', severity: 'high', title: '负面信息激增：西乡积水 ' + HOSTILE.img, createdLocal: `${DAY}T10:12:00+08:00`, status: 'open', mentionIds: [101, 201, 202, 203] },
          { id: 8, rule: 'keyword', severity: 'medium', title: '敏感词命中：讨薪 ' + HOSTILE.script, createdLocal: `${DAY}T14:40:00+08:00`, status: 'acked', mentionIds: [102, 204] },
        ],
      },
      trend: { status: 'ok', note: null, daily: daily(), hourly: hourly() },
      sentiment: {
        status: 'ok',
        note: null,
        counts: { pos: 352, neu: 751, neg: KNOWN.negCount, none: 41 },
        shares: { pos: 352 / 1246, neu: 751 / 1246, neg: 143 / 1246 },
        favourability: { theta: 0.7112, interval: [0.6741, 0.7468] },
      },
      hotEvents: {
        status: 'ok',
        note: null,
        events: events.map((e, i) => ({
          clusterId: 900 + i,
          ...e,
          heat: e.mentions + Math.log(1 + e.engagement),
          firstSeenLocal: `${DAY}T0${i % 10}:1${i}:00+08:00`,
          first: first(300 + i, e.title, { author: i === 2 ? HOSTILE.img : '宝安发布', url: i === 2 ? HOSTILE.jsUrl : `https://m.weibo.cn/status/P${300 + i}`, sentiment: e.sentiment }),
          mentionIds: [300 + i, 400 + i],
        })),
      },
      media: {
        status: 'ok',
        note: null,
        tiers: [
          { tier: '央媒', mentions: 12 },
          { tier: '省媒', mentions: 48 },
          { tier: '市媒', mentions: 167 },
          { tier: '商业门户', mentions: 158 },
          { tier: '自媒体', mentions: 861 },
          { tier: '政务号', mentions: 41 },
        ],
        platforms: [
          { source: 'weibo', label: '微博', mentions: 902 },
          { source: 'news', label: '新闻网站', mentions: 385 },
        ],
      },
      geo: { status: 'insufficient', note: '当日文本中识别到街道名称的信息不足 30 条（仅 12 条），IP 属地样本过少，本节从略。', streets: [{ code: '440306011', name: '航城街道', mentions: 5 }], ipLocations: [{ name: '湖北', mentions: 7 }] },
      keywords: {
        status: 'ok',
        note: null,
        words: [
          { word: '积水', weight: 41.2, mentions: 96 },
          { word: '工业博览会', weight: 35.9, mentions: 74 },
          { word: '讨薪', weight: 30.1, mentions: 44 },
          { word: '学位', weight: 22.4, mentions: 39 },
          { word: '地铁', weight: 19.8, mentions: 35 },
          { word: '蚝乡', weight: 15.2, mentions: 33 },
          { word: '航班延误', weight: 12.1, mentions: 14 },
          { word: '噪音', weight: 10.3, mentions: 12 },
          { word: '湿地公园', weight: 8.8, mentions: 9 },
          { word: '加装电梯', weight: 7.5, mentions: 8 },
          { word: '<b onmouseover="window.__pwned=8">招聘</b>', weight: 6.1, mentions: 7 },
          { word: '物业', weight: 5.7, mentions: 11 },
        ],
      },
      leaders: {
        status: 'ok',
        note: null,
        authors: [
          { name: '深圳身边事', id: '1234567890', source: 'weibo', verified: true, followers: 3_210_000, mentions: 14, engagement: 22_310, neg: 5, topMentionId: 201 },
          { name: '宝安发布', id: '2345678901', source: 'weibo', verified: true, followers: 1_050_000, mentions: 11, engagement: 9_870, neg: 0, topMentionId: 202 },
          { name: '宝安业主维权' + HOSTILE.img, id: HOSTILE.attr, source: 'weibo', verified: false, followers: 8_800, mentions: 9, engagement: 7_410, neg: 8, topMentionId: 101 },
          { name: '南方都市报', id: null, source: 'news', verified: false, followers: null, mentions: 6, engagement: 1_200, neg: 2, topMentionId: 103 },
          { name: HOSTILE.rtl, id: '999', source: 'weibo', verified: false, followers: 120, mentions: 3, engagement: 60, neg: 1, topMentionId: 102 },
        ],
      },
      responses: {
        status: 'ok',
        note: null,
        accounts: ['宝安发布', '平安宝安', '宝安应急管理'],
        clusters: [
          { clusterId: 900, title: '西乡街道小区地下车库积水', firstLocal: `${DAY}T07:40:00+08:00`, responded: true, responseLocal: `${DAY}T15:10:00+08:00`, latencyHours: 7.5, responder: '宝安发布', mentionIds: [101] },
          { clusterId: 902, title: '福永工厂欠薪 ' + HOSTILE.script, firstLocal: `${DAY}T09:05:00+08:00`, responded: false, responseLocal: null, latencyHours: null, responder: null, mentionIds: [102] },
          { clusterId: 905, title: '宝安机场航班延误 旅客滞留', firstLocal: `${DAY}T11:30:00+08:00`, responded: true, responseLocal: `${DAY}T13:00:00+08:00`, latencyHours: 1.5, responder: '平安宝安', mentionIds: [106] },
        ],
        rate: 2 / 3,
      },
      index: {
        status: 'ok',
        note: null,
        version: 'v1',
        weights: { volume: 0.2, favourability: 0.4, response: 0.25, influence: 0.15 },
        row: {
          rank: 4,
          index: 71.6,
          mentions: 8120,
          flags: ['政务回应样本少于 5 个事件'],
          dimensions: [
            { key: 'volume', label: '传播声量', score: 82.3, raw: 8120, weight: 0.2 },
            { key: 'favourability', label: '美誉度', score: 71.1, raw: 0.7112, weight: 0.4 },
            { key: 'response', label: '回应度', score: 66.7, raw: 0.667, weight: 0.25 },
            { key: 'influence', label: '正面影响力', score: 64.0, raw: 3.2, weight: 0.15 },
          ],
          favourabilityInterval: [0.6741, 0.7468],
        },
        rankDelta: -1,
        peers: [
          { rank: 1, code: '440305', name: '南山区', index: 80.2, mentions: 12011, flags: [], self: false },
          { rank: 2, code: '440304', name: '福田区', index: 76.9, mentions: 10334, flags: [], self: false },
          { rank: 3, code: '440309', name: '龙华区', index: 72.4, mentions: 6120, flags: [], self: false },
          { rank: 4, code: '440306', name: '宝安区', index: 71.6, mentions: 8120, flags: ['政务回应样本少于 5 个事件'], self: true },
          { rank: 5, code: '440307', name: '龙岗区', index: 69.8, mentions: 9002, flags: [], self: false },
          { rank: 6, code: '440303', name: '罗湖区', index: 67.5, mentions: 5210, flags: [], self: false },
        ],
        peerCount: 9,
        window: { from: '2026-11-26', to: DAY },
      },
      notes: {
        status: 'ok',
        note: null,
        crawls: [
          { source: 'weibo', runs: 24, ok: 23, failed: 0, partial: 1, fetched: 5120, inserted: 902, lastError: null },
          { source: 'news', runs: 12, ok: 11, failed: 1, partial: 0, fetched: 2210, inserted: 385, lastError: 'timeout: https://news.example.com/feed ' + HOSTILE.script },
        ],
        missingSources: ['weibo-search'],
        flags: ['微博搜索当日未运行，微博数据仅来自移动端接口'],
        indexVersion: 'v1',
        weights: { volume: 0.2, favourability: 0.4, response: 0.25, influence: 0.15 },
        lines: [
          '统计时段：2026-12-02 00:00 至 23:59（北京时间，Asia/Shanghai）。',
          '“信息”指一条提及宝安区的微博、新闻或评论，按内容去重。',
          '情感由本地模型自动判断，仅供参考。',
        ],
      },
    },
  }
}
