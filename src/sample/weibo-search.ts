/**
 * The sample sources server's s.weibo.com: desktop search result pages
 * (`GET /weibo?q=KW[&timescope=custom:…][&page=N]`) rendered from the sample world in the site's
 * own markup (SOURCES.md §2d), for the s.weibo.com crawler and its tests. Pure: the world and the
 * request parameters in, HTML out; server.ts owns the route, cookies and faults.
 *
 * What the pages carry, as the real site does:
 *   - one `div.card-wrap[mid][action-type=feed_list_item]` per post: avatar with the V badge svg
 *     (blue for organisations, verifiedType ≥ 1; yellow for people, 0; none otherwise), author
 *     link with `nick-name`, `p.txt` with emoji as `<img class="face" alt="[赞]">`, topics as
 *     s.weibo.com links, the location as `<a><i class="wbicon">2</i>深圳·宝安区</a>`; long posts
 *     cut, with a 展开 link and a hidden `feed_list_content_full` paragraph ending in 收起; reposts
 *     with a `div.card-comment` (the original, or 抱歉，此微博已被作者删除。); `div.from` with the
 *     time link to weibo.com/{uid}/{bid} and the client; `div.card-act` counts (0 as the bare
 *     label, a million or more as 100万+)
 *   - times as the site writes them, relative to world.now in Beijing time: 刚刚, N分钟前,
 *     今天 HH:MM, MM月DD日 HH:MM, YYYY年MM月DD日 HH:MM. N分钟前 counts minute boundaries, so on a
 *     whole-minute `now` every form reads back as the post's time cut to the minute
 *   - on page 1, an ad card without a mid and a 相关用户 card without div.info (a parser must
 *     pass over both)
 *   - the page list `ul.s-scroll` (one li per page, up to the cap; absent for a single page) and
 *     `a.next` while a next page exists within the cap, keeping the timescope
 *   - past the last page or the cap: the no-result page
 * Every text is HTML-escaped: sample texts can be hostile on purpose.
 */
import type { SamplePost, SampleUser, SampleWorld } from './data.js'

export interface WeiboSearchParams {
  q: string
  /** [start, end) in UTC instants, from timescope=custom:YYYY-MM-DD-H:YYYY-MM-DD-H read in Beijing time (UTC+8, hour without leading zero); null = no timescope */
  scope: { start: Date; end: Date } | null
  page: number
  pageSize: number
  pageCap: number
  /** When the page is written, for 刚刚 / N分钟前 / 今天 (default world.now). The server passes the
   *  time of the request, as the real site writes times relative to when it answers. */
  now?: Date
}

const BEIJING = 8 * 3_600_000
const MINUTE = 60_000

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const pad = (n: number) => String(n).padStart(2, '0')

/** Beijing wall-clock fields of an instant. */
function beijing(d: Date): { y: number; mo: number; d: number; h: number; mi: number } {
  const b = new Date(d.getTime() + BEIJING)
  return { y: b.getUTCFullYear(), mo: b.getUTCMonth() + 1, d: b.getUTCDate(), h: b.getUTCHours(), mi: b.getUTCMinutes() }
}

/** The instant of a Beijing wall-clock hour, or null when the fields are not a real date and hour. */
function beijingHour(y: number, mo: number, d: number, h: number): Date | null {
  const t = new Date(Date.UTC(y, mo - 1, d, h) - BEIJING)
  const b = beijing(t)
  return b.y === y && b.mo === mo && b.d === d && b.h === h ? t : null
}

const TIMESCOPE = /^custom:(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2}):(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2})$/

/** `custom:2026-11-25-0:2026-11-26-0` → [start, end) instants (Beijing hours); null when absent or unreadable. */
export function parseTimescope(v: string | null): { start: Date; end: Date } | null {
  const m = v ? TIMESCOPE.exec(v.trim()) : null
  if (!m) return null
  const n = m.slice(1).map(Number)
  const start = beijingHour(n[0]!, n[1]!, n[2]!, n[3]!)
  const end = beijingHour(n[4]!, n[5]!, n[6]!, n[7]!)
  return start && end ? { start, end } : null
}

/** The timescope value for a scope (hours without a leading zero, as weibo-search writes them). */
function formatTimescope(scope: { start: Date; end: Date }): string {
  const f = (d: Date) => {
    const b = beijing(d)
    return `${b.y}-${pad(b.mo)}-${pad(b.d)}-${b.h}`
  }
  return `custom:${f(scope.start)}:${f(scope.end)}`
}

/**
 * Fuzzy like the real search (and server.ts's m.weibo.cn search): posts containing the first two
 * characters of the query, or whose retweeted original does, plus a few unrelated ones; within
 * the scope (start ≤ createdAt < end); newest first.
 */
export function searchMatches(world: SampleWorld, q: string, scope: { start: Date; end: Date } | null): SamplePost[] {
  const stem = q.replace(/^#|#$/g, '').slice(0, 2)
  return world.posts
    .filter((p, i) => p.text.includes(stem) || p.retweeted?.text.includes(stem) || (i % 11 === 0 && p.hotComments.length === 0))
    .filter((p) => !scope || (p.createdAt.getTime() >= scope.start.getTime() && p.createdAt.getTime() < scope.end.getTime()))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/** A post's time as s.weibo.com writes it, seen at `now` (Beijing time). */
export function searchTimeText(at: Date, now: Date): string {
  if (now.getTime() - at.getTime() < MINUTE) return '刚刚'
  const minutes = Math.floor(now.getTime() / MINUTE) - Math.floor(at.getTime() / MINUTE)
  if (minutes < 60) return `${minutes}分钟前`
  const a = beijing(at)
  const n = beijing(now)
  const hm = `${pad(a.h)}:${pad(a.mi)}`
  if (a.y === n.y && a.mo === n.mo && a.d === n.d) return `今天 ${hm}`
  if (a.y === n.y) return `${pad(a.mo)}月${pad(a.d)}日 ${hm}`
  return `${a.y}年${pad(a.mo)}月${pad(a.d)}日 ${hm}`
}

/** `[赞]` emoji and `#话题#` topics in a plain sample text. */
const TOKEN = /\[([^\]\s]{1,8})\]|#([^#\s]{1,40})#/g

/** Plain sample text → s.weibo.com text HTML: escaped text, emoji images, topic links. */
function textHtml(text: string): string {
  let out = ''
  let last = 0
  for (const m of text.matchAll(TOKEN)) {
    out += esc(text.slice(last, m.index))
    if (m[1] !== undefined) {
      const alt = esc(`[${m[1]}]`)
      out += `<img class="face" src="//h5.sinaimg.cn/m/emoticon/icon/default/d_${encodeURIComponent(m[1])}.png" title="${alt}" alt="${alt}">`
    } else {
      out += `<a href="//s.weibo.com/weibo?q=%23${encodeURIComponent(m[2]!)}%23" target="_blank">#${esc(m[2]!)}#</a>`
    }
    last = m.index + m[0].length
  }
  return out + esc(text.slice(last))
}

const locationHtml = (place: string) =>
  `<a href="https://weibo.com/p/1001018008644030600000000" target="_blank"><i class="wbicon">2</i>${esc(place)}</a>`

const profile = (u: SampleUser) => `//weibo.com/${u.id}?refer_flag=1001030103_`
const postLink = (u: SampleUser, bid: string) => `//weibo.com/${u.id}/${bid}?refer_flag=1001030103_`
const CLIENTS = ['iPhone客户端', 'HUAWEI Mate 60', '微博 weibo.com', 'Android']
const CUT = 60

function badgeHtml(u: SampleUser): string {
  if (!u.verified || u.verifiedType < 0) return ''
  const color = u.verifiedType >= 1 ? 'vblue' : 'vyellow'
  const title = u.verifiedType >= 1 ? '微博官方认证' : '微博个人认证'
  return `<span title="${title}" class="woo-icon-wrap woo-avatar-icon"><svg id="woo_svg_${color}" class="woo-icon-main woo-icon--${color}"><use xlink:href="#woo_svg_${color}"></use></svg></span>`
}

function countLabel(n: number, label: string): string {
  return n === 0 ? label : n >= 1_000_000 ? '100万+' : String(n)
}

function retweetHtml(p: SamplePost, now: Date): string {
  const r = p.retweeted!
  if (!r.user)
    return `<div class="card-comment"><div class="con"><div node-type="feed_list_forwardContent"><p class="txt" node-type="feed_list_content">抱歉，此微博已被作者删除。</p></div></div></div>`
  const link = postLink(r.user, r.bid)
  return `<div class="card-comment">
              <div class="con">
                <div node-type="feed_list_forwardContent">
                  <a href="${profile(r.user)}" class="name" target="_blank" nick-name="${esc(r.user.name)}" suda-data="key=tblog_search_weibo&amp;value=weibo_ss_1_name">@${esc(r.user.name)}</a>
                  <p class="txt" node-type="feed_list_content" nick-name="${esc(r.user.name)}">${textHtml(r.text)}</p>
                </div>
                <div class="func">
                  <ul class="act s-fr">
                    <li><a href="${link}" target="_blank">转发</a></li>
                    <li><a href="${link}&amp;type=comment" target="_blank">评论</a></li>
                    <li><a href="javascript:void(0);" action-type="feed_list_like" action-data="mid=${r.mid}" title="赞"><i class="woo-font woo-font--like"></i> <em></em></a></li>
                  </ul>
                  <p class="from"><a href="${link}" target="_blank">${searchTimeText(new Date(p.createdAt.getTime() - 3_600_000), now)}</a> 来自 <a href="//weibo.com/" rel="nofollow">微博 weibo.com</a></p>
                </div>
              </div>
            </div>`
}

function cardHtml(p: SamplePost, now: Date): string {
  const u = p.user
  const name = esc(u.name)
  const place = p.location ? locationHtml(p.location) : ''
  const short = p.long
    ? `${textHtml(p.text.slice(0, CUT))}...<a href="javascript:void(0);" action-type="fl_unfold" suda-data="key=tblog_search_weibo&amp;value=weibo_zhankai">展开<i class="wbicon">c</i></a>`
    : `${textHtml(p.text)}${place}`
  const full = p.long
    ? `
            <p class="txt" node-type="feed_list_content_full" nick-name="${name}" style="display: none">
                ${textHtml(p.text)}${place}<a href="javascript:void(0);" action-type="fl_fold" suda-data="key=tblog_search_weibo&amp;value=weibo_shouqi">收起<i class="wbicon">d</i></a>
            </p>`
    : ''
  return `<div class="card-wrap" action-type="feed_list_item" mid="${p.mid}">
  <div class="card">
    <div class="card-feed">
      <div class="avator">
        <a href="${profile(u)}" target="_blank"><img src="https://tvax1.sinaimg.cn/crop.0.0.180.180.180/${u.id}.jpg" class="avator-img"></a>
        ${badgeHtml(u)}
      </div>
      <div class="content" node-type="like">
        <div class="info">
          <div class="menu s-fr">
            <a href="javascript:void(0);" action-type="fl_menu"><i class="woo-font woo-font--angleDown"></i></a>
            <ul node-type="fl_menu_right" style="display: none;"><li><a href="javascript:void(0);" action-type="feed_list_shield">屏蔽</a></li><li><a href="javascript:void(0);" action-type="feed_list_report">投诉</a></li></ul>
          </div>
          <div>
            <a href="${profile(u)}" class="name" target="_blank" nick-name="${name}" suda-data="key=tblog_search_weibo&amp;value=weibo_ss_1_name">${name}</a>
          </div>
        </div>
        <p class="txt" node-type="feed_list_content" nick-name="${name}">
                ${short}
        </p>${full}
        ${p.retweeted ? retweetHtml(p, now) : ''}
        <div class="from">
          <a href="${postLink(u, p.bid)}" target="_blank" suda-data="key=tblog_search_weibo&amp;value=weibo_ss_1_time">
            ${searchTimeText(p.createdAt, now)}
          </a>
          &nbsp;来自 <a href="//app.weibo.com/t/feed/6vtZb0" rel="nofollow">${CLIENTS[u.id % CLIENTS.length]}</a>
        </div>
      </div>
    </div>
    <div class="card-act">
      <ul>
        <li><a href="javascript:void(0);" action-type="feed_list_forward" action-data="mid=${p.mid}"><i class="woo-font woo-font--retweet card-act-icon"></i> ${countLabel(p.reposts, '转发')}</a></li>
        <li><a href="javascript:void(0);" action-type="feed_list_comment" action-data="mid=${p.mid}"><i class="woo-font woo-font--comment card-act-icon"></i> ${countLabel(p.comments, '评论')}</a></li>
        <li><a href="javascript:void(0);" action-type="feed_list_like" action-data="mid=${p.mid}" title="赞"><button class="woo-like-main" tabindex="0" title="赞"><span class="woo-like-iconWrap"><svg class="woo-like-icon"><use xlink:href="#woo_svg_like"></use></svg></span><span class="woo-like-count">${countLabel(p.likes, '赞')}</span></button></a></li>
      </ul>
    </div>
    <div node-type="feed_list_repeat" class="card-review s-ptb10" style="display: none"></div>
  </div>
</div>`
}

const AD_CARD = `<div class="card-wrap" action-type="feed_list_item" suda-data="key=tblog_search_weibo&amp;value=weibo_ad">
  <div class="card">
    <div class="card-feed">
      <div class="avator"><a href="//weibo.com/1005055555555555" target="_blank"><img src="https://tvax2.sinaimg.cn/crop.0.0.180.180.180/ad.jpg" class="avator-img"></a></div>
      <div class="content">
        <div class="info"><div><a href="//weibo.com/1005055555555555" class="name" target="_blank" nick-name="城市生活优选">城市生活优选</a><span class="s-fr">广告</span></div></div>
        <p class="txt" node-type="feed_list_content" nick-name="城市生活优选">周末好去处，限时优惠进行中</p>
      </div>
    </div>
  </div>
</div>`

function relatedUsersCard(world: SampleWorld): string {
  const users = world.users.slice(0, 3)
  return `<div class="card-wrap">
  <div class="card card-user-b s-brt1">
    <div class="card-top"><h4 class="title">相关用户</h4></div>
    ${users.map((u) => `<div class="card-user-b s-pg16"><div class="avator"><a href="${profile(u)}" target="_blank"><img src="https://tvax1.sinaimg.cn/crop.0.0.180.180.180/${u.id}.jpg"></a></div><div class="info"><div><a href="${profile(u)}" class="name" target="_blank">${esc(u.name)}</a></div><p>粉丝：${u.followers}</p></div></div>`).join('\n    ')}
  </div>
</div>`
}

function pageUrl(q: string, scope: WeiboSearchParams['scope'], page: number): string {
  return `/weibo?q=${encodeURIComponent(q)}${scope ? `&timescope=${encodeURIComponent(formatTimescope(scope))}` : ''}&page=${page}`
}

function pagerHtml(p: WeiboSearchParams, pages: number): string {
  if (pages <= 1) return ''
  const items = Array.from({ length: pages }, (_, i) => `<li${i + 1 === p.page ? ' class="cur"' : ''}><a href="${esc(pageUrl(p.q, p.scope, i + 1))}">第${i + 1}页</a></li>`)
  return `<div class="m-page">
        <div>
          ${p.page > 1 ? `<a class="prev" href="${esc(pageUrl(p.q, p.scope, p.page - 1))}">上一页</a>` : ''}
          <span class="list">
            <a href="javascript:void(0);" class="pagenum" action-type="feed_list_page_more">第${p.page}页<i class="wbicon">B</i></a>
            <ul class="s-scroll" node-type="feed_list_page_morelist" style="display: none;">
              ${items.join('\n              ')}
            </ul>
          </span>
          ${p.page < pages ? `<a class="next" href="${esc(pageUrl(p.q, p.scope, p.page + 1))}">下一页</a>` : ''}
        </div>
      </div>`
}

/** The page around the result list: head, search box, side column. */
function frame(q: string, feed: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(q)} - 微博搜索</title>
<link href="/t6/style/css/module/base/frame.css" type="text/css" rel="stylesheet" charset="utf-8">
<script type="text/javascript">
var $CONFIG = {};
$CONFIG['islogin'] = '1';
$CONFIG['uid'] = '5000007919';
$CONFIG['lang'] = 'zh-cn';
</script>
</head>
<body>
<div class="m-main">
  <div class="woo-box-flex m-top">
    <div class="search-input"><input type="text" node-type="text" value="${esc(q)}" placeholder="搜索微博" maxlength="40"><button class="s-btn-b">搜索</button></div>
  </div>
  <div class="m-wrap">
    <div class="m-con-l">
      <div id="pl_feedlist_index">
        <div>
${feed}
        </div>
      </div>
    </div>
    <div class="m-con-r">
      <div class="card card-top"><h4 class="title"><a href="/top/summary">微博热搜</a></h4></div>
    </div>
  </div>
</div>
<script type="text/javascript" src="/t6/search/js/search.js"></script>
</body>
</html>
`
}

/** The empty-result page: the no-result card with 抱歉，未找到“…”相关结果。 */
export function weiboSearchNoResult(q: string): string {
  return frame(
    q,
    `<div class="card-wrap">
  <div class="card card-no-result s-pt20b40">
    <img src="/t6/skin/default/images/common/pic_noresult.png" alt="">
    <p>抱歉，未找到“${esc(q)}”相关结果。</p>
    <p class="s-mt10">建议：</p>
    <ul><li>检查输入是否正确</li><li>简化查询词或尝试其他相关词</li></ul>
  </div>
</div>`,
  )
}

/** One result page: posts ((page-1)·pageSize … page·pageSize) of searchMatches, or the no-result page past the last page or the cap. */
export function weiboSearchPage(world: SampleWorld, p: WeiboSearchParams): string {
  const size = Math.max(1, Math.floor(p.pageSize))
  const all = p.q.trim() ? searchMatches(world, p.q, p.scope) : []
  const pages = Math.min(Math.ceil(all.length / size), p.pageCap)
  if (!Number.isInteger(p.page) || p.page < 1 || p.page > pages) return weiboSearchNoResult(p.q)
  const cards = all.slice((p.page - 1) * size, p.page * size).map((post) => cardHtml(post, p.now ?? world.now))
  if (p.page === 1) {
    cards.splice(Math.min(2, cards.length), 0, AD_CARD)
    cards.push(relatedUsersCard(world))
  }
  return frame(p.q, `${cards.join('\n')}\n${pagerHtml(p, pages)}`)
}
