/**
 * The sample sources server: a loopback HTTP server that behaves like the sites yuqing crawls,
 * on good days and bad. Used by the tests, by `yuqing sources serve-sample`, and by the demo.
 *
 * Routes (one server plays every site; point the config's base URLs at it):
 *   m.weibo.cn   GET /api/container/getIndex?containerid=100103type=61&q=KW&page=N
 *                GET /statuses/extend?id=MID · /detail/MID · /comments/hotflow?id=MID[&max_id=…]
 *                GET /api/config (login state from the SUB cookie)
 *   news         GET /rss/scroll-news.xml (RSS 2.0) · /news/ID.html (article pages; UTF-8, real
 *                GBK with a gb2312 meta, and UTF-8 bytes whose header and meta claim gb2312)
 *   news search  GET /s?tn=news&wd=KW&pn=OFFSET (Baidu) · /news?query=KW&page=N (Sogou) ·
 *                /ns?q=KW&pn=N (360, with data-mdurl and an aggregate card to skip); result links
 *                go through /link?url=… (a 302 to the article, as the engines' redirects do)
 *   s.weibo.com  GET /weibo?q=KW&timescope=custom:YYYY-MM-DD-H:YYYY-MM-DD-H&page=N (desktop result
 *                pages, `searchPageSize` posts each, at most `searchPageCap` pages per query, as the
 *                site caps at 50): without a SUB cookie a 302 to the visitor page, with
 *                SUB=restricted the empty-result card (an expired or restricted cookie on the real site)
 *   visitor      GET /visitor/visitor (the "Sina Visitor System" page login redirects land on)
 *
 * Faults (switchable at run time with `setFaults`, or `--fault` on the command line), each for
 * requests whose path starts with `path`, after letting `after` through, for the next `times`
 * requests (default: all):
 *   418 · 429 (Retry-After) · 414 · 403 · 432 · 401 · 500 · 503   that HTTP status
 *   captcha      200 {"ok":-100,"url":"…/captcha?…"}     login   200 {"ok":-100,"url":"…passport…"}
 *   html         200 text/html visitor page where JSON was expected
 *   redirect-login  302 to /visitor/visitor               redirect-file  302 to file:///etc/passwd
 *   truncated    the body cut off mid-way (Content-Length says more)
 *   malformed    200 with broken JSON                     shape   200 {"ok":1,"data":{}}
 *   empty        200 with no body                         end     200 {"ok":0,"msg":"这里还没有内容"}
 *   slow         the answer delayed by `delayMs` (default 5 s)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import iconv from 'iconv-lite'
import { parseTimescope, weiboSearchNoResult, weiboSearchPage } from './weibo-search.js'
import { sampleWorld, type SampleArticle, type SamplePost, type SampleUser, type SampleWorld, type SampleWorldOptions } from './data.js'

export const FAULT_MODES = ['418', '429', '414', '403', '432', '401', '500', '503', 'captcha', 'login', 'html', 'redirect-login', 'redirect-file', 'truncated', 'malformed', 'shape', 'empty', 'end', 'slow'] as const
export type FaultMode = (typeof FAULT_MODES)[number]

export interface Fault {
  mode: FaultMode
  /** Only requests whose path starts with this (default: every request). */
  path?: string
  /** How many responses get the fault (default: all). */
  times?: number
  /** Let this many matching requests through first (default 0). */
  after?: number
  /** Seconds for Retry-After on 429/418 (default 1). */
  retryAfter?: number
  /** Delay for `slow`, ms (default 5000). */
  delayMs?: number
}

export interface SampleServerOptions extends Partial<SampleWorldOptions> {
  port?: number
  /** Latency added to every answer, ms (the crawl benchmark uses 20). */
  latencyMs?: number
  /** Answer Weibo API calls without a SUB cookie with 432, as Weibo did in 2025–2026. */
  requireCookie?: boolean
  /** s.weibo.com results per page (default 10, as the site). */
  searchPageSize?: number
  /** s.weibo.com pages per query (default 50, as the site). */
  searchPageCap?: number
  faults?: Fault[]
}

export interface RequestRecord {
  at: number
  path: string
  status: number
  cookie: boolean
}

export interface SampleServer {
  /** http://127.0.0.1:PORT */
  url: string
  world: SampleWorld
  /** Every request served, in order. */
  requests: RequestRecord[]
  setFaults(faults: Fault[]): void
  close(): Promise<void>
}

const PAGE_SIZE = 10

/** Parses `--fault` values: `MODE[:PATH][:TIMES]`, e.g. `429:/api/container:2`. */
export function parseFault(spec: string): Fault {
  const [mode, p, times] = spec.split(':')
  if (!(FAULT_MODES as readonly string[]).includes(mode ?? '')) throw new Error(`unknown fault mode "${mode}"; one of ${FAULT_MODES.join(', ')}`)
  if (times !== undefined && !/^\d+$/.test(times)) throw new Error(`fault "${spec}": TIMES must be a whole number`)
  return { mode: mode as FaultMode, path: p || undefined, times: times === undefined ? undefined : Number(times) }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Weibo's created_at: `Sat Jul 11 09:39:36 +0800 2015`, in Beijing time. */
export function weiboTime(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${WEEKDAYS[b.getUTCDay()]} ${MONTHS[b.getUTCMonth()]} ${p(b.getUTCDate())} ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}:${p(b.getUTCSeconds())} +0800 ${b.getUTCFullYear()}`
}

/** Weibo display counts: exact below a million, then "100万+". */
function count(n: number): number | string {
  return n >= 1_000_000 ? '100万+' : n
}

/** Plain sample text → m.weibo.cn text HTML (emoji images with alt, topic links, mention links). */
function weiboHtml(text: string): string {
  return esc(text)
    .replace(/\[([^\]\s]{1,8})\]/g, (_m, name: string) => `<span class="url-icon"><img alt=[${name}] src="https://h5.sinaimg.cn/m/emoticon/icon/default/d_${encodeURIComponent(name)}.png" style="width:1em; height:1em;" /></span>`)
    .replace(/#([^#\s]{1,40})#/g, (_m, t: string) => `<a  href="https://m.weibo.cn/search?containerid=231522type%3D1%26t%3D10%26q%3D%23${encodeURIComponent(t)}%23" data-hide=""><span class="surl-text">#${t}#</span></a>`)
    .replace(/@([\p{L}\p{N}_-]{2,30})/gu, (_m, n: string) => `<a href='/n/${n}'>@${n}</a>`)
}

function locationHtml(place: string): string {
  return `<a  href="http://weibo.com/p/1001018008644030600000000" data-hide=""><span class='url-icon'><img style='width: 1rem;height: 1rem' src='https://h5.sinaimg.cn/upload/2015/09/25/3/timeline_card_small_location_default.png'></span><span class="surl-text">${esc(place)}</span></a>`
}

function userJson(u: SampleUser | null): unknown {
  if (!u) return null
  return {
    id: u.id,
    screen_name: u.name,
    profile_image_url: `https://tvax1.sinaimg.cn/crop.0.0.180.180.180/${u.id}.jpg`,
    profile_url: `https://m.weibo.cn/u/${u.id}?uid=${u.id}`,
    statuses_count: 1000 + (u.id % 5000),
    verified: u.verified,
    verified_type: u.verifiedType,
    ...(u.verified ? { verified_reason: u.verifiedType > 0 ? '深圳市宝安区人民政府新闻办公室官方微博' : '知名博主' } : {}),
    description: '',
    gender: u.id % 2 ? 'm' : 'f',
    followers_count: u.followers >= 10_000 ? `${(u.followers / 10_000).toFixed(1)}万` : u.followers,
    follow_count: 300,
  }
}

const CUT = 60

function mblog(p: SamplePost, full = false): Record<string, unknown> {
  const cut = p.long && !full
  const text = cut ? `${weiboHtml(p.text.slice(0, CUT))}...<a href="/status/${p.mid}">全文</a>` : weiboHtml(p.text)
  return {
    visible: { type: 0, list_id: 0 },
    created_at: weiboTime(p.createdAt),
    id: p.mid,
    idstr: p.mid,
    mid: p.mid,
    can_edit: false,
    show_additional_indication: 0,
    text: p.location ? `${text}${locationHtml(p.location)}` : text,
    textLength: p.text.length * 2,
    source: ['iPhone客户端', 'HUAWEI Mate 60', '微博 weibo.com', 'Android'][p.user.id % 4],
    favorited: false,
    pic_ids: [],
    is_paid: false,
    mblog_vip_type: 0,
    user: userJson(p.user),
    ...(p.region ? { region_name: `发布于 ${p.region}` } : {}),
    reposts_count: count(p.reposts),
    comments_count: count(p.comments),
    attitudes_count: count(p.likes),
    pending_approval_count: 0,
    isLongText: p.long,
    ...(p.retweeted
      ? {
          retweeted_status: {
            created_at: weiboTime(new Date(p.createdAt.getTime() - 3_600_000)),
            id: p.retweeted.mid,
            idstr: p.retweeted.mid,
            mid: p.retweeted.mid,
            bid: p.retweeted.bid,
            text: p.retweeted.user ? weiboHtml(p.retweeted.text) : '抱歉，此微博已被作者删除。查看帮助：<a href="https://m.weibo.cn/c/4357">网页链接</a>',
            user: userJson(p.retweeted.user),
            reposts_count: 0,
            comments_count: 0,
            attitudes_count: 0,
          },
        }
      : {}),
    mblogtype: 0,
    bid: p.bid,
  }
}

function card(p: SamplePost): unknown {
  return { card_type: 9, itemid: `seqid:${p.mid}`, scheme: `https://m.weibo.cn/status/${p.bid}?mblogid=${p.bid}`, mblog: mblog(p), show_type: 1 }
}

/** Fuzzy like the real search: posts containing the first two characters of the query, plus some unrelated ones. */
function search(world: SampleWorld, q: string): SamplePost[] {
  const stem = q.replace(/^#|#$/g, '').slice(0, 2)
  return world.posts.filter((p, i) => p.text.includes(stem) || p.retweeted?.text.includes(stem) || (i % 11 === 0 && p.hotComments.length === 0))
}

function searchPage(world: SampleWorld, containerid: string, page: number): unknown {
  const q = /(?:^|&)q=([^&]*)/.exec(containerid)?.[1] ?? ''
  const all = search(world, q)
  const slice = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
  if (!q || slice.length === 0) return { ok: 0, msg: '这里还没有内容', data: { cards: [] } }
  const more = page * PAGE_SIZE < all.length
  const cards = page === 1 ? [{ card_type: 11, show_type: 0, card_group: slice.map(card) }] : slice.map(card)
  return {
    ok: 1,
    data: {
      cardlistInfo: { containerid, v_p: 42, show_style: 1, total: all.length, page: more ? page + 1 : null },
      cards,
      scheme: `sinaweibo://cardlist?containerid=${encodeURIComponent(containerid)}`,
      showAppTips: 0,
    },
  }
}

function rfc822(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${WEEKDAYS[b.getUTCDay()]}, ${p(b.getUTCDate())} ${MONTHS[b.getUTCMonth()]} ${b.getUTCFullYear()} ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}:${p(b.getUTCSeconds())} +0800`
}

function rss(world: SampleWorld, base: string): string {
  const items = world.articles
    .map(
      (a) => `    <item>
      <title>${esc(a.title)}</title>
      <link>${base}/news/${a.id}.html?utm_source=rss&amp;utm_medium=feed</link>
      <description>${esc(a.paragraphs[0]!)}</description>
      <pubDate>${rfc822(a.publishedAt)}</pubDate>
      <source>${esc(a.source)}</source>
    </item>`,
    )
    .join('\n')
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>样例新闻 滚动新闻</title>
    <link>${base}/</link>
    <description>sample news feed</description>
    <language>zh-cn</language>
${items}
  </channel>
</rss>
`
}

function localStamp(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

function articleHtml(a: SampleArticle, world: SampleWorld): string {
  const charset = a.encoding === 'utf-8' ? 'utf-8' : 'gb2312'
  const related = world.articles
    .filter((x) => x.id !== a.id)
    .map((x) => `<li><a href="/news/${x.id}.html">${esc(x.title)}</a></li>`)
    .join('')
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=${charset}" />
<title>${esc(a.title)}_${esc(a.source)}_样例新闻网</title>
<meta name="publishdate" content="${localStamp(a.publishedAt)}" />
<meta name="source" content="${esc(a.source)}" />
<script>var _hmt = _hmt || []; document.write('<div>广告</div>');</script>
<style>.share{display:none}</style>
</head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/local/">本地</a></div>
<div class="nav breadcrumb">您的位置：首页 &gt; 本地新闻 &gt; 正文</div>
<div class="main">
  <h1 class="title">${esc(a.title)}</h1>
  <div class="info">${localStamp(a.publishedAt)} 来源：${esc(a.source)} 作者：${esc(a.author)}</div>
  <div class="share">分享到：微信 微博 QQ空间</div>
  <div class="article-content" id="content">
${a.paragraphs.map((p) => `    <p>${esc(p)}</p>`).join('\n')}
  </div>
  <div class="editor">责任编辑：刘洋</div>
</div>
<div class="related"><h3>相关新闻</h3><ul>${related}</ul></div>
<div class="footer">特别声明：本网转载其他媒体之稿件，意在为公众提供免费服务。如稿件版权单位或个人不想在本网发布，可与本网联系，本网视情况可立即将其撤除。Copyright © 2026 样例新闻网 版权所有</div>
</body>
</html>
`
}

/** Engine result dates: relative when recent (3小时前), else 2026年11月26日 10:30, in Beijing time. */
function engineTime(d: Date, now: Date): string {
  const h = Math.floor((now.getTime() - d.getTime()) / 3_600_000)
  if (h >= 1 && h < 24) return `${h}小时前`
  const b = new Date(d.getTime() + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${b.getUTCFullYear()}年${p(b.getUTCMonth() + 1)}月${p(b.getUTCDate())}日 ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}`
}

function engineHits(world: SampleWorld, q: string): SampleArticle[] {
  const stem = q.slice(0, 2)
  return stem ? world.articles.filter((a) => a.title.includes(stem) || a.paragraphs.some((p) => p.includes(stem))) : []
}

const NO_RESULTS = (q: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>搜索结果</title></head><body><div class="content_none"><p>抱歉，没有找到与“${esc(q)}”相关的新闻。</p></div></body></html>`

/** One results page of an engine, 10 per page, in that engine's markup. */
function enginePage(engine: 'baidu' | 'sogou' | 'so360', world: SampleWorld, base: string, q: string, page: number): string {
  const hits = engineHits(world, q).slice((page - 1) * 10, page * 10)
  if (hits.length === 0) return NO_RESULTS(q)
  const mark = (t: string) => esc(t).split(esc(q.slice(0, 2))).join(`<em>${esc(q.slice(0, 2))}</em>`)
  const link = (a: SampleArticle) => `/link?url=${encodeURIComponent(`${base}/news/${a.id}.html`)}`
  const items = hits.map((a) => {
    const when = engineTime(a.publishedAt, world.now)
    if (engine === 'baidu')
      return `<div class="result-op c-container xpath-log new-pmd" srcid="200" tpl="news-normal"><div class="c-row"><h3 class="news-title_1YtI1"><a href="${link(a)}" target="_blank" class="news-title-font_1xS-F">${mark(a.title)}</a></h3><div class="c-span-last"><span class="c-font-normal c-color-text">${esc(a.paragraphs[0]!)}</span><div class="news-source"><span class="c-color-gray c-font-normal c-gap-right" aria-label="新闻来源：${esc(a.source)}">${esc(a.source)}</span><span class="c-color-gray2 c-font-normal">${when}</span></div></div></div></div>`
    if (engine === 'sogou')
      return `<div class="vrwrap"><h3 class="vr-title"><a href="${link(a)}" target="_blank">${mark(a.title)}</a></h3><p class="news-from text-lightgray"><span>${esc(a.source)}</span><span>${when}</span></p><p class="star-wiki">${esc(a.paragraphs[0]!)}</p></div>`
    return `<li class="res-list" data-from="news"><h3 class="title"><a href="${link(a)}" data-mdurl="${base}/news/${a.id}.html" target="_blank">${mark(a.title)}</a></h3><p class="res-desc">${esc(a.paragraphs[0]!)}</p><p class="newsinfo"><span class="sitename">${esc(a.source)}</span><span class="posttime">${when}</span></p></li>`
  })
  if (engine === 'so360') items.splice(1, 0, `<li class="res-list" data-mohe-type="news_agg"><h3><a href="/agg?q=${encodeURIComponent(q)}">${esc(q)}的相关新闻聚合</a></h3></li>`)
  const wrap = engine === 'baidu' ? `<div id="content_left">${items.join('')}</div>` : engine === 'sogou' ? `<div id="result">${items.join('')}</div>` : `<ul class="result">${items.join('')}</ul>`
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(q)}_搜索结果</title></head><body><div class="header">新闻搜索</div>${wrap}<div id="page"><a class="n" href="#">下一页</a></div></body></html>`
}

function visitorPage(): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sina Visitor System</title></head><body><script>var url = "https://passport.weibo.com/visitor/genvisitor";</script></body></html>`
}

export async function startSampleServer(opts: SampleServerOptions = {}): Promise<SampleServer> {
  const world = sampleWorld({ now: opts.now ?? new Date(), seed: opts.seed, posts: opts.posts, days: opts.days })
  const byMid = new Map(world.posts.map((p) => [p.mid, p]))
  const articles = new Map(world.articles.map((a) => [a.id, a]))
  let faults: Array<Fault & { left: number; skip: number }> = []
  const setFaults = (fs: Fault[]) => {
    faults = fs.map((f) => ({ ...f, left: f.times ?? Infinity, skip: f.after ?? 0 }))
  }
  setFaults(opts.faults ?? [])
  const requests: RequestRecord[] = []
  let base = ''

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1')
    const cookie = /(?:^|;\s*)SUB=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? null
    const send = (status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
      requests.push({ at: Date.now(), path: u.pathname + u.search, status, cookie: cookie !== null })
      res.writeHead(status, { 'content-type': type, ...headers })
      res.end(body)
    }
    const json = (v: unknown, status = 200) => send(status, JSON.stringify(v), 'application/json; charset=utf-8')
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs))

    let fault = faults.find((f) => f.left > 0 && (!f.path || u.pathname.startsWith(f.path)))
    if (fault && fault.skip > 0) {
      fault.skip--
      fault = undefined
    }
    if (fault) {
      fault.left--
      const m = fault.mode
      if (/^\d+$/.test(m)) {
        const headers: Record<string, string> = m === '429' || m === '418' ? { 'retry-after': String(fault.retryAfter ?? 1) } : {}
        return send(Number(m), m === '418' ? "I'm a teapot" : '', 'text/plain', headers)
      }
      switch (m) {
        case 'captcha':
          return json({ ok: -100, errno: '-100', msg: '', url: 'https://m.weibo.cn/captcha?scene=limit&referer=/', extra: '' })
        case 'login':
          return json({ ok: -100, url: 'https://passport.weibo.com/sso/signin?entry=wapsso&source=wapssowb&url=https%3A%2F%2Fm.weibo.cn%2F' })
        case 'html':
          return send(200, visitorPage(), 'text/html; charset=utf-8')
        case 'redirect-login':
          return send(302, '', 'text/plain', { location: `/visitor/visitor?entry=miniblog&a=enter&url=${encodeURIComponent(base + u.pathname)}` })
        case 'redirect-file':
          return send(302, '', 'text/plain', { location: 'file:///etc/passwd' })
        case 'malformed':
          return send(200, '{"ok":1,"data":{"cards":[{"card_type":9,"mblog":{"id":"5', 'application/json; charset=utf-8')
        case 'shape':
          return json({ ok: 1, data: {} })
        case 'empty':
          return send(200, '', 'application/json; charset=utf-8')
        case 'end':
          return json({ ok: 0, msg: '这里还没有内容', data: { cards: [] } })
        case 'slow':
          await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000))
          break
        case 'truncated': {
          requests.push({ at: Date.now(), path: u.pathname + u.search, status: 200, cookie: cookie !== null })
          const body = Buffer.from(JSON.stringify(searchPage(world, u.searchParams.get('containerid') ?? '100103type=61&q=宝安', 1)))
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) })
          res.write(body.subarray(0, body.length >> 1))
          setTimeout(() => res.destroy(), 20)
          return
        }
      }
    }

    const p = u.pathname
    const weiboApi = p.startsWith('/api/') || p.startsWith('/statuses/') || p.startsWith('/comments/')
    if (weiboApi && opts.requireCookie && (!cookie || cookie === 'expired') && p !== '/api/config') return send(432, '', 'text/plain')
    if (p === '/api/container/getIndex') {
      const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1)
      return json(searchPage(world, u.searchParams.get('containerid') ?? '', page))
    }
    if (p === '/api/config') {
      const login = cookie !== null && cookie !== 'expired'
      return json({ ok: 1, data: { login, st: login ? 'a1b2c3' : '', uid: login ? '5000007919' : '' }, preferQuickapp: 0 })
    }
    if (p === '/statuses/extend') {
      const post = byMid.get(u.searchParams.get('id') ?? '')
      if (!post) return json({ ok: 0, msg: '微博不存在或暂无查看权限' })
      return json({ ok: 1, data: { ok: 1, longTextContent: weiboHtml(post.text), reposts_count: post.reposts, comments_count: post.comments, attitudes_count: count(post.likes) } })
    }
    const detail = /^\/detail\/(\d+)$/.exec(p)
    if (detail) {
      const post = byMid.get(detail[1]!)
      if (!post) return send(404, '<html><body>404</body></html>', 'text/html; charset=utf-8')
      const render = JSON.stringify([{ status: mblog(post, true), call: 'NONE' }])
      return send(200, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>微博</title></head><body><script>var $render_data = ${render}[0] || {};</script></body></html>`, 'text/html; charset=utf-8')
    }
    if (p === '/comments/hotflow') {
      const post = byMid.get(u.searchParams.get('id') ?? '')
      if (!post || post.hotComments.length === 0) return json({ ok: 0, msg: '快来发表你的评论吧' })
      const from = Number(u.searchParams.get('max_id') ?? 0) || 0
      const slice = post.hotComments.slice(from, from + 2)
      const next = from + 2 < post.hotComments.length ? from + 2 : 0
      return json({
        ok: 1,
        data: {
          data: slice.map((c) => ({ created_at: weiboTime(c.createdAt), id: c.id, rootid: c.id, text: weiboHtml(c.text), source: c.region ? `来自${c.region}` : '', user: userJson(c.user), like_count: c.likes, total_number: 0, comments: false, bid: '' })),
          total_number: post.hotComments.length,
          max_id: next,
          max_id_type: 0,
        },
      })
    }
    if (p === '/visitor/visitor') return send(200, visitorPage(), 'text/html; charset=utf-8')
    const html = (b: string) => send(200, b, 'text/html; charset=utf-8')
    // s.weibo.com's static assets (js.t.sinajs.cn / img.t.sinajs.cn on the real site; here on this
    // origin, since loopback has no other hosts): a script the page runs, a stylesheet.
    if (p === '/t6/search/js/search.js') return send(200, 'document.documentElement.setAttribute("data-search-js", "1");', 'application/javascript')
    if (p.startsWith('/t6/') && p.endsWith('.css')) return send(200, '.card-wrap{margin:0}', 'text/css')
    if (p === '/weibo') {
      if (!cookie || cookie === 'expired') return send(302, '', 'text/plain', { location: `/visitor/visitor?entry=miniblog&a=enter&url=${encodeURIComponent(base + u.pathname + u.search)}&domain=weibo.com` })
      const q = u.searchParams.get('q') ?? ''
      if (cookie === 'restricted') return html(weiboSearchNoResult(q))
      const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1)
      return html(weiboSearchPage(world, { q, scope: parseTimescope(u.searchParams.get('timescope')), page, pageSize: opts.searchPageSize ?? 10, pageCap: opts.searchPageCap ?? 50, now: new Date(Math.max(Date.now(), world.now.getTime())) }))
    }
    if (p === '/s' && u.searchParams.get('tn') === 'news') return html(enginePage('baidu', world, base, u.searchParams.get('wd') ?? '', Math.floor(Number(u.searchParams.get('pn') ?? 0) / 10) + 1))
    if (p === '/news') return html(enginePage('sogou', world, base, u.searchParams.get('query') ?? '', Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1)))
    if (p === '/ns') return html(enginePage('so360', world, base, u.searchParams.get('q') ?? '', Math.max(1, Number(u.searchParams.get('pn') ?? 1) || 1)))
    if (p === '/link') {
      const target = u.searchParams.get('url') ?? ''
      if (!/^https?:\/\//.test(target)) return send(400, 'bad link', 'text/plain')
      return send(302, '', 'text/plain', { location: target })
    }
    if (p === '/rss/scroll-news.xml') return send(200, rss(world, base), 'application/rss+xml; charset=utf-8')
    const news = /^\/news\/(\d+)\.html$/.exec(p)
    if (news) {
      const a = articles.get(news[1]!)
      if (!a) return send(404, '<html><body><h1>404 页面不存在</h1></body></html>', 'text/html; charset=utf-8')
      const html = articleHtml(a, world)
      if (a.encoding === 'gbk') return send(200, iconv.encode(html, 'gbk'), 'text/html')
      if (a.encoding === 'utf-8-claims-gb2312') return send(200, Buffer.from(html, 'utf8'), 'text/html; charset=gb2312')
      return send(200, Buffer.from(html, 'utf8'), 'text/html; charset=utf-8')
    }
    return send(404, 'not found', 'text/plain')
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`sample server error: ${err.message}`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
  return {
    url: base,
    world,
    requests,
    setFaults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
