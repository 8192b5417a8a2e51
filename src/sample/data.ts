/**
 * The sample world the sample sources server serves: Weibo posts (with comments) and news
 * articles about Shenzhen districts, plus unrelated posts that fuzzy search returns anyway.
 * Deterministic for a seed, and dated relative to "now" so a demo always has yesterday's news.
 *
 * Posts are kept as facts (text, author, time, counts); the server renders them in each
 * site's own format (m.weibo.cn JSON with its HTML text conventions, RSS, article pages).
 */
import { prng } from '../core/random.js'
import { midToBid } from '../crawlers/weibo/parse.js'

export interface SampleUser {
  id: number
  name: string
  followers: number
  verified: boolean
  /** −1 none, 0 personal (yellow V), 1+ organisations (blue V, incl. government). */
  verifiedType: number
}

export interface SamplePost {
  mid: string
  bid: string
  user: SampleUser
  /** Plain text; `[怒]`-style emoji and `#话题#` are rendered as Weibo HTML by the server. */
  text: string
  /** A long post: the search API sends a cut version ending in 全文; statuses/extend the rest. */
  long: boolean
  createdAt: Date
  /** Weibo location tag (深圳·宝安区), or null. */
  location: string | null
  /** IP 属地 province (广东), or null. */
  region: string | null
  reposts: number
  comments: number
  likes: number
  /** A repost: the original post (its user null when the original was deleted). */
  retweeted: { mid: string; bid: string; text: string; user: SampleUser | null } | null
  hotComments: Array<{ id: string; user: SampleUser; text: string; createdAt: Date; likes: number; region: string | null }>
}

export interface SampleArticle {
  id: string
  title: string
  paragraphs: string[]
  source: string
  author: string
  publishedAt: Date
  /** Page bytes: UTF-8, real GBK (meta gb2312), or UTF-8 bytes that claim gb2312 in their meta. */
  encoding: 'utf-8' | 'gbk' | 'utf-8-claims-gb2312'
}

export interface SampleWorld {
  now: Date
  users: SampleUser[]
  posts: SamplePost[]
  articles: SampleArticle[]
}

const DISTRICTS = ['宝安区', '南山区', '龙华区', '福田区', '光明区']
const PLACES = ['宝安区', '宝安', '西乡街道', '新安街道', '福永街道', '沙井', '松岗', '石岩', '宝安中心区', '南山区', '龙华区', '福田区', '光明区']
const SCENES: Array<{ text: string; tone: 'pos' | 'neg' | 'neu' }> = [
  { text: '地铁11号线早高峰又挤爆了，等了三趟车才上去，通勤太难了', tone: 'neg' },
  { text: '暴雨后路口积水严重，电动车都泡了，希望有关部门尽快处理', tone: 'neg' },
  { text: '小区旁边工地夜里施工噪音扰民，投诉了好几次也没人管', tone: 'neg' },
  { text: '城中村消防通道被占用，存在安全隐患，请尽快整改', tone: 'neg' },
  { text: '新开的便民服务中心办事效率很高，半小时就办好了，点赞', tone: 'pos' },
  { text: '公园改造完成，环境越来越好了，周末带娃来玩很开心', tone: 'pos' },
  { text: '城管执法态度很好，耐心劝导流动摊贩，给他们点赞', tone: 'pos' },
  { text: '社区医院的医生很负责，看病不用排长队了', tone: 'pos' },
  { text: '今天举行了消防演练，居民参与度很高', tone: 'neu' },
  { text: '发布了新一轮学位申请指引，家长们注意时间节点', tone: 'neu' },
  { text: '拖欠三个月的工资终于发下来了，感谢劳动监察部门', tone: 'pos' },
  { text: '房租又涨了两百，打工人真的太难了', tone: 'neg' },
]
const OFF_TOPIC = ['今天的晚霞真好看，随手一拍都是壁纸', '周末去爬山，腿已经不是自己的了', '新出的奶茶一般般，不会再买了', '加班到十点，终于下班了']
const EMOJI = { pos: ['[赞]', '[哈哈]', '[心]', '[good]'], neg: ['[怒]', '[泪]', '[抓狂]', '[衰]'], neu: ['[doge]', '', ''] }
const TOPICS = ['#深圳身边事#', '#宝安民生#', '#深圳暴雨#', '']
const COMMENTS = { pos: ['确实不错', '支持！', '服务越来越好了[赞]'], neg: ['同感，太糟心了', '我们小区也是这样[怒]', '希望早点解决'], neu: ['收到', '关注一下', '转给家里人看看'] }
const NAMES = ['宝安小王', '西乡打工人', '深圳吃货日记', '南山码农', '福永阿姨', '沙井老街坊', '龙华骑手', '光明新居民', '石岩山友', '新安街坊']

const ARTICLES: Array<{ title: string; paragraphs: string[]; source: string }> = [
  {
    title: '宝安区召开安全生产工作会议 部署岁末年初隐患排查',
    source: '宝安日报',
    paragraphs: [
      '11月25日，宝安区召开安全生产工作会议，部署岁末年初安全隐患排查整治工作。',
      '会议要求，各街道要聚焦城中村消防、建筑施工、道路交通等重点领域，压实属地责任，做到排查全覆盖、整改零死角。',
      '会议指出，今年以来全区安全生产形势总体平稳，但部分领域隐患仍然突出，必须保持高压态势。',
      '下一步，宝安区将组织专项督查组，对整改情况开展“回头看”，确保各项措施落到实处。',
    ],
  },
  {
    title: '西乡街道开展环境整治行动 城中村面貌焕然一新',
    source: '深圳新闻网',
    paragraphs: [
      '近日，宝安区西乡街道集中开展城中村环境整治行动，清理卫生死角两百余处。',
      '街道组织城管、社区工作站和志愿者共计三百余人参与，对乱摆卖、乱堆放等问题进行了集中整治。',
      '不少居民表示，整治后的巷道干净整洁，出行也更加方便了。',
      '西乡街道表示，将建立长效管理机制，巩固整治成果。',
    ],
  },
  {
    title: '深圳宝安新增三所公办学校 新增学位四千余个',
    source: '南方都市报',
    paragraphs: [
      '记者从宝安区教育局获悉，今年秋季宝安区新开办三所公办学校，新增学位四千余个。',
      '新学校分布在新安、福永和沙井街道，均按照高标准建设，配备现代化教学设施。',
      '教育部门表示，将持续加大学位供给，缓解部分片区学位紧张的问题。',
    ],
  },
  {
    title: '暴雨致宝安多处路段积水 部门连夜排涝',
    source: '深圳特区报',
    paragraphs: [
      '受强降雨影响，宝安区多处路段出现积水，部分车辆涉水熄火。',
      '宝安区三防办连夜调派抢险队伍，启用移动泵车进行排涝，截至今晨积水已基本消退。',
      '有市民反映，部分低洼路段每逢暴雨就积水，希望相关部门从根本上解决排水问题。',
      '区水务部门回应称，已将相关路段纳入排水管网改造计划。',
    ],
  },
  {
    title: '南山区科技园片区交通优化方案公布',
    source: '深圳商报',
    paragraphs: [
      '南山区近日公布科技园片区交通优化方案，新增两条公交接驳线路。',
      '方案还包括优化部分路口信号配时，缓解早晚高峰拥堵。',
      '交通部门表示，将根据运行情况持续调整。',
    ],
  },
]

function user(rnd: () => number, i: number): SampleUser {
  const official = i === 0
  if (official) return { id: 2_100_000_001, name: '深圳宝安发布', followers: 1_230_000, verified: true, verifiedType: 1 }
  const verified = rnd() < 0.15
  return {
    id: 5_000_000_000 + i * 7919,
    name: NAMES[i % NAMES.length]! + (i >= NAMES.length ? String(i) : ''),
    followers: Math.floor(rnd() < 0.1 ? 50_000 + rnd() * 2_000_000 : rnd() * 3000),
    verified,
    verifiedType: verified ? 0 : -1,
  }
}

export interface SampleWorldOptions {
  now: Date
  seed?: number
  /** Posts over the last `days` days. Default 120 posts over 3 days. */
  posts?: number
  days?: number
}

/** The deterministic sample world for `now`. */
export function sampleWorld(opts: SampleWorldOptions): SampleWorld {
  const rnd = prng(opts.seed ?? 7)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
  const users = Array.from({ length: 24 }, (_, i) => user(rnd, i))
  const n = opts.posts ?? 120
  const span = (opts.days ?? 3) * 86_400_000
  const now = opts.now.getTime()
  const posts: SamplePost[] = []
  let mid = 5_100_000_000_000_000n
  for (let i = 0; i < n; i++) {
    mid += BigInt(1000 + Math.floor(rnd() * 90_000))
    // Newest first in index order is not required; times spread over the window, a few very recent.
    const age = i < 5 ? Math.floor(rnd() * 3_600_000) : Math.floor(rnd() * span)
    const offTopic = rnd() < 0.12
    const scene = pick(SCENES)
    const place = pick(PLACES)
    const u = i % 9 === 0 ? users[0]! : pick(users.slice(1))
    let text = offTopic ? pick(OFF_TOPIC) : `${place}${scene.text}${pick(EMOJI[scene.tone])}${pick(TOPICS)}`
    const long = !offTopic && rnd() < 0.1
    if (long) text += '。据了解，相关部门已经介入调查，后续进展我们会持续关注，也欢迎大家在评论区补充更多情况，一起监督问题解决。'
    const repost = !offTopic && rnd() < 0.1
    const midStr = mid.toString()
    const tone = offTopic ? 'neu' : scene.tone
    const created = new Date(now - age - 60_000)
    posts.push({
      mid: midStr,
      bid: midToBid(midStr),
      user: u,
      text: repost ? `转发一下，${pick(COMMENTS[tone])}` : text,
      long: long && !repost,
      createdAt: created,
      location: !offTopic && rnd() < 0.3 ? `深圳·${DISTRICTS.includes(place) ? place : '宝安区'}` : null,
      region: rnd() < 0.8 ? '广东' : pick(['湖南', '湖北', '广西']),
      reposts: Math.floor(rnd() ** 3 * 2000),
      comments: Math.floor(rnd() ** 3 * 800),
      likes: i === 7 ? 1_200_000 : Math.floor(rnd() ** 2 * 5000),
      retweeted: repost
        ? (() => {
            const omid = (mid - 777_777n).toString()
            return { mid: omid, bid: midToBid(omid), text, user: rnd() < 0.3 ? null : pick(users) }
          })()
        : null,
      hotComments: Array.from({ length: offTopic ? 0 : Math.floor(rnd() * 4) }, (_, k) => ({
        id: (mid + BigInt(k + 1)).toString(),
        user: pick(users),
        text: pick(COMMENTS[tone]),
        createdAt: new Date(created.getTime() + (k + 1) * 600_000),
        likes: Math.floor(rnd() * 300),
        region: rnd() < 0.8 ? '广东' : '湖南',
      })),
    })
  }
  posts.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
  const articles: SampleArticle[] = ARTICLES.map((a, i) => ({
    id: `2026${String(1000 + i)}`,
    title: a.title,
    paragraphs: a.paragraphs,
    source: a.source,
    author: ['记者 张明', '记者 李华', '通讯员 王芳', '记者 陈晨', '记者 赵磊'][i]!,
    publishedAt: new Date(now - (3 + i * 7) * 3_600_000),
    encoding: i === 1 ? 'gbk' : i === 2 ? 'utf-8-claims-gb2312' : 'utf-8',
  }))
  return { now: opts.now, users, posts, articles }
}

/**
 * The posts a crawl for `term` should keep: those whose text names it, or that repost one that
 * does (a deleted original says nothing, so its repost is not about anything). What the tests
 * expect a relevance-filtered crawl to store.
 */
export function postsAbout(world: SampleWorld, term: string): SamplePost[] {
  return world.posts.filter((p) => p.text.includes(term) || (p.retweeted?.user != null && p.retweeted.text.includes(term)))
}
