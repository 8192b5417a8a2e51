/**
 * Deterministic generator of realistic interchange rows (Weibo posts and news articles about
 * Shenzhen districts), for benchmarks and large-input tests. Same seed, same rows.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { prng } from '../../src/core/random.js'

export { prng }

const PLACES = ['宝安区', '宝安', '西乡街道', '新安街道', '福永', '沙井', '松岗', '石岩', '南山区', '龙华区', '福田区', '深圳', '前海', '光明区']
const SUBJECTS = ['地铁11号线', '公交站', '社区医院', '学校门口', '城中村', '菜市场', '工地', '河道', '公园', '派出所', '政务大厅', '停车场', '小区物业', '外卖小哥']
const EVENTS = [
  '今天早高峰特别拥堵，等了半小时',
  '环境越来越好了，点赞',
  '噪音扰民很久了，投诉了也没人管',
  '暴雨后积水严重，希望有关部门尽快处理',
  '新开了一家便民服务中心，办事很方便',
  '发生一起交通事故，已有交警到场处置',
  '城管执法态度很好，耐心劝导',
  '学位紧张，家长们都很焦虑',
  '垃圾分类做得不错，街道干净整洁',
  '拖欠工资的问题终于解决了',
  '消防演练顺利完成',
  '房租又涨了，打工人太难了',
]
const TAILS = ['[怒]', '[哈哈]', '[赞]', '[泪]', '#深圳身边事#', '@深圳宝安发布', 'iPhone15', '5G', '！！', '。', '…']
const NEWS_TITLES = ['宝安区召开安全生产工作会议', '深圳宝安新增三所公办学校', '西乡街道开展环境整治行动', '宝安国际机场航线再扩容', '沙井古墟焕新开放', '福永河综合治理取得成效']

export interface GenOptions {
  rows: number
  seed?: number
  /** First platform id (weibo ids are 16-digit numbers). */
  startId?: number
  /** Start of the 90-day window. */
  start?: Date
}

/** Yields interchange objects. */
export function* generateRows(opts: GenOptions): Generator<Record<string, unknown>> {
  const rnd = prng(opts.seed ?? 42)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
  const start = (opts.start ?? new Date('2026-08-28T00:00:00+08:00')).getTime()
  const base = opts.startId ?? 4_980_000_000_000_000
  for (let i = 0; i < opts.rows; i++) {
    const published = new Date(start + Math.floor(rnd() * 90 * 86_400_000))
    const iso = new Date(published.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00')
    const parts = 1 + Math.floor(rnd() * 3)
    let text = ''
    for (let k = 0; k < parts; k++) text += `${pick(PLACES)}${pick(SUBJECTS)}${pick(EVENTS)}${rnd() < 0.5 ? pick(TAILS) : ''}`
    if (rnd() < 0.85) {
      const id = String(base + i)
      const author = Math.floor(rnd() * 20_000)
      yield {
        source: 'weibo',
        platformId: id,
        url: `https://m.weibo.cn/detail/${id}`,
        text,
        authorId: String(1_000_000_000 + author),
        authorName: `用户${author}`,
        authorFollowers: Math.floor(rnd() ** 3 * 2_000_000),
        authorVerified: rnd() < 0.08,
        publishedAt: iso,
        reposts: Math.floor(rnd() ** 4 * 3000),
        comments: Math.floor(rnd() ** 4 * 2000),
        likes: Math.floor(rnd() ** 3 * 10_000),
        ...(rnd() < 0.6 ? { ipLocation: pick(['广东', '湖南', '湖北', '广西', '江西']) } : {}),
      }
    } else {
      yield {
        source: 'news',
        platformId: null,
        url: `https://www.sznews.example/content/${published.toISOString().slice(0, 10)}/${base + i}.htm`,
        title: pick(NEWS_TITLES),
        text: `${text}${text}据了解，${pick(PLACES)}将持续推进相关工作，切实解决群众急难愁盼问题。`,
        authorName: pick(['深圳新闻网', '南方都市报', '深圳特区报', '晶报']),
        publishedAt: iso,
      }
    }
  }
}

/** Writes `rows` generated rows as JSONL; returns the byte count. */
export async function writeJsonl(file: string, opts: GenOptions): Promise<number> {
  const out = createWriteStream(file)
  let bytes = 0
  let buf = ''
  for (const row of generateRows(opts)) {
    buf += JSON.stringify(row) + '\n'
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf)
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  bytes += Buffer.byteLength(buf)
  out.end(buf)
  await once(out, 'close')
  return bytes
}
