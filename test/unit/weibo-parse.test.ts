/**
 * m.weibo.cn parsers (src/crawlers/weibo/): text HTML to plain text, search pages, long text,
 * detail pages, hot comments, the login ping, bid ↔ mid, and the URL shapes. Run on fixtures
 * authored for the project (test/fixtures/weibo/, fetch time 2026-11-26 10:30 Shanghai) and on
 * the real 2019 responses in ../shared/fixtures/weibo/ when that folder is there.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiHeaders, publicPostUrl, searchContainerId, SearchType, weiboEndpoints } from '../../src/crawlers/weibo/endpoints.js'
import {
  bidToMid,
  mblogToPost,
  midToBid,
  parseCount,
  parseDetailPage,
  parseHotComments,
  parseLoginState,
  parseLongText,
  parseLongTextParts,
  parseSearchPage,
  WeiboShapeError,
  withLongText,
} from '../../src/crawlers/weibo/parse.js'
import type { WeiboPost } from '../../src/crawlers/weibo/parse.js'
import { weiboText } from '../../src/crawlers/weibo/text.js'

const OWN = path.resolve(import.meta.dirname, '../fixtures/weibo')
const SHARED = path.resolve(import.meta.dirname, '../../../shared/fixtures/weibo')
const HAVE_SHARED = existsSync(path.join(SHARED, 'm-weibo-cn-getIndex-user-timeline-2019.json'))
if (!HAVE_SHARED) console.warn(`weibo-parse: ${SHARED} absent, the real 2019 response cases are skipped`)

const own = (f: string): unknown => JSON.parse(readFileSync(path.join(OWN, f), 'utf8'))
const shared = (f: string): unknown => JSON.parse(readFileSync(path.join(SHARED, f), 'utf8'))

// The fetch time the authored fixtures were written for: 2026-11-26 10:30 in Shanghai.
const now = new Date('2026-11-26T02:30:00Z')
const LONG_MID = '5237410582790147'

const byMid = (posts: WeiboPost[], mid: string): WeiboPost => {
  const p = posts.find((x) => x.mid === mid)
  if (!p) throw new Error(`no post ${mid}`)
  return p
}
const iso = (p: WeiboPost) => p.mention.publishedAt.toISOString()

describe('weiboText', () => {
  it('keeps emoji alts, topics and mentions, turns <br /> into newlines', () => {
    const t = weiboText(
      '<a  href="https://m.weibo.cn/search?containerid=231522type%3D1%26t%3D10%26q%3D%23%E6%B7%B1%E5%9C%B3%E7%BE%8E%E9%A3%9F%23" data-hide=""><span class="surl-text">#深圳美食#</span></a> 排队一小时<span class="url-icon"><img alt=[馋嘴] src="//h5.sinaimg.cn/m/emoticon/icon/default/d_chanzui.png" style="width:1em; height:1em;" /></span><br />问问<a href=\'/n/宝安融媒\'>@宝安融媒</a>',
    )
    expect(t).toEqual({ text: '#深圳美食# 排队一小时[馋嘴]\n问问@宝安融媒', location: null, truncated: false, topics: ['深圳美食'], mentions: ['宝安融媒'], links: [] })
  })

  it('returns the location link separately and drops it from the text', () => {
    const t = weiboText(
      '堵死了 <a data-url="http://t.cn/A6xKq2Lm" href="https://m.weibo.cn/p/index?containerid=2306570042B2F0B7E0A7&url_type=39&object_type=place&pos=1" data-hide=""><span class=\'url-icon\'><img style=\'width: 1rem;height: 1rem\' src=\'https://h5.sinaimg.cn/upload/2015/09/25/3/timeline_card_small_location_default.png\'></span><span class="surl-text">深圳·宝安区</span></a> ',
    )
    expect(t.text).toBe('堵死了')
    expect(t.location).toBe('深圳·宝安区')
    // The icon and the place as sibling spans, outside a link (weibo-crawler's reading).
    const loose = weiboText('<span class="url-icon"><img src="x/timeline_card_small_location_default.png"></span><span class="surl-text">深圳·南山区</span>好冷')
    expect([loose.text, loose.location]).toEqual(['好冷', '深圳·南山区'])
  })

  it('flags a 全文 link as truncated and drops it with the dots before it', () => {
    const t = weiboText('第一行<br />3.施工期间公交站点临时调整 ...<a href="/status/5237410582790147">全文</a>')
    expect(t.text).toBe('第一行\n3.施工期间公交站点临时调整')
    expect(t.truncated).toBe(true)
    expect(weiboText('说到一半<span class="expand">展开</span>').truncated).toBe(true)
  })

  it('unwraps sinaurl: a generic label becomes the target, a title stays', () => {
    const wrap = (u: string, label: string) =>
      `<a data-url="http://t.cn/A6" href="https://weibo.cn/sinaurl?u=${encodeURIComponent(u)}" data-hide=""><span class='url-icon'><img src='https://h5.sinaimg.cn/upload/2015/09/25/3/timeline_card_small_web_default.png'></span><span class="surl-text">${label}</span></a>`
    const t = weiboText(`查：${wrap('https://zjj.sz.gov.cn/ztfw/zfbz/?a=1&b=2', '网页链接')}，看${wrap('https://www.sznews.com/a.htm', '租房指南')}`)
    expect(t.text).toBe('查： https://zjj.sz.gov.cn/ztfw/zfbz/?a=1&b=2 ，看租房指南')
    expect(t.links).toEqual(['https://zjj.sz.gov.cn/ztfw/zfbz/?a=1&b=2', 'https://www.sznews.com/a.htm'])
  })

  it('writes a super-topic as Weibo does in raw_text and drops link icons', () => {
    const t = weiboText(
      '<a href="https://m.weibo.cn/p/index?containerid=100808c1" data-hide=""><span class=\'url-icon\'><img style=\'width: 1rem;height: 1rem\' src=\'http://n.sinaimg.cn/photo/5213b46e/20181127/timeline_card_small_super_default.png\'></span><span class="surl-text">深圳超话</span></a> 跨年 <a href="https://video.weibo.com/show?fid=1034:1"><span class=\'url-icon\'><img src=\'https://h5.sinaimg.cn/upload/2015/09/25/3/timeline_card_small_video_default.png\'></span><span class="surl-text">宝安交警的微博视频</span></a>',
    )
    expect(t.text).toBe('#深圳[超话]# 跨年 宝安交警的微博视频')
    expect(t.topics).toEqual(['深圳[超话]'])
  })

  it('decodes entities and removes zero-width characters', () => {
    expect(weiboText('&quot;深圳湾&quot;&amp;&gt;_&lt; &#x4e2d;&#25991;&nbsp;!\u200b\u200b\u200b').text).toBe('"深圳湾"&>_< 中文 !')
  })

  it('never throws on malformed or hostile input', () => {
    const inputs: unknown[] = [null, undefined, 42, {}, '', '<', '<<<>>>', '<a', '</body></html><p>末尾', '<div>'.repeat(20_000) + '深', '&#99999999999;', '<script>alert(1)</script>正文', '<a href="%zz">@</a>', '<a href="/n/%E4%BD%A0"></a>']
    const texts = inputs.map((v) => weiboText(v).text)
    expect(texts).toEqual(['', '', '', '', '', '<', '<<<>>>', '', '末尾', '深', '\ufffd', '正文', '@', '@你'])
    for (const v of ['<img alt=[心]', '<a href="https://weibo.cn/sinaurl?u=javascript%3Aalert(1)">网页链接</a>', '<span class="url-icon"><img src="timeline_card_small_location_default.png"></span>', '\u0000<p\u0000>']) {
      expect(() => weiboText(v)).not.toThrow()
    }
    expect(weiboText('<a href="https://weibo.cn/sinaurl?u=javascript%3Aalert(1)">网页链接</a>').links).toEqual([])
  })

  it('strips an over-long input by a linear scan instead of parsing it', () => {
    const t0 = performance.now()
    expect(weiboText('西乡<br />堵车<img alt=[怒] src=x>&amp;&#x4e2d;' + '<b>'.repeat(40_000) + '<<完').text).toBe('西乡\n堵车[怒]&中<<完')
    expect(weiboText('<'.repeat(150_000)).text).toHaveLength(150_000)
    expect(weiboText('.'.repeat(99_000) + '<a href="/status/1">全文</a>')).toMatchObject({ text: '', truncated: true })
    expect(performance.now() - t0).toBeLessThan(2000)
  })
})

describe('parseCount', () => {
  it('reads numbers, numeric strings and display forms', () => {
    const cases: Array<[unknown, number | null]> = [
      [0, 0],
      [158, 158],
      ['1032', 1032],
      ['1,234', 1234],
      ['1.2万', 12_000],
      ['12.6万', 126_000],
      ['1.15万', 11_500],
      ['100万+', 1_000_000],
      ['3亿', 300_000_000],
      ['1.2亿', 120_000_000],
      ['10w+', 100_000],
      [' 42 ', 42],
      ['', null],
      ['转发', null],
      [-1, null],
      [Number.NaN, null],
      [null, null],
      [undefined, null],
      [true, null],
    ]
    for (const [v, want] of cases) expect([v, parseCount(v)]).toEqual([v, want])
  })
})

describe('bidToMid / midToBid', () => {
  it('converts both ways', () => {
    expect(bidToMid('QfHdEbHQn')).toBe('5237410582790147')
    expect(midToBid('5237410582790147')).toBe('QfHdEbHQn')
    // Groups that decode to fewer than 7 digits are left-padded (and re-padded to 4 characters).
    expect(midToBid('5200000010000001')).toBe('Q00010001')
    expect(bidToMid('Q00010001')).toBe('5200000010000001')
    expect(midToBid('5237400000000001')).toBe('QfGWA0001')
  })

  it('refuses what is not a bid or a mid', () => {
    expect(() => bidToMid('Qf-dEb')).toThrow(RangeError)
    expect(() => bidToMid('')).toThrow(RangeError)
    expect(() => bidToMid('ZZZZZ')).toThrow(RangeError) // 'ZZZZ' decodes to 8 digits
    expect(() => midToBid('52374x')).toThrow(RangeError)
  })

  it('agrees with every id in the authored fixtures', () => {
    const pages = [own('search-page1.json'), own('search-page2.json')]
    let n = 0
    for (const page of pages) {
      for (const p of parseSearchPage(page, { now }).posts) {
        expect(bidToMid(p.bid!)).toBe(p.mid)
        expect(midToBid(p.mid)).toBe(p.bid)
        n++
      }
    }
    expect(n).toBe(9)
  })
})

describe('endpoints', () => {
  it('builds every URL shape from one base', () => {
    const e = weiboEndpoints()
    expect(e.search('宝安区', 1)).toBe('https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D61%26q%3D%E5%AE%9D%E5%AE%89%E5%8C%BA&page_type=searchall&page=1')
    expect(e.search('南山 租房', 2, SearchType.All)).toBe('https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D1%26q%3D%E5%8D%97%E5%B1%B1%20%E7%A7%9F%E6%88%BF&page_type=searchall&page=2')
    expect(e.longText(LONG_MID)).toBe('https://m.weibo.cn/statuses/extend?id=5237410582790147')
    expect(e.detail(LONG_MID)).toBe('https://m.weibo.cn/detail/5237410582790147')
    expect(e.hotComments(LONG_MID)).toBe('https://m.weibo.cn/comments/hotflow?id=5237410582790147&mid=5237410582790147&max_id_type=0')
    expect(e.hotComments(LONG_MID, { maxId: '138950291734562', maxIdType: 1 })).toBe(
      'https://m.weibo.cn/comments/hotflow?id=5237410582790147&mid=5237410582790147&max_id_type=1&max_id=138950291734562',
    )
    expect(e.config()).toBe('https://m.weibo.cn/api/config')
    expect(searchContainerId('西乡', SearchType.Hot)).toBe('100103type=60&q=西乡')
  })

  it('points at a local server but stores real post URLs', () => {
    const e = weiboEndpoints('http://127.0.0.1:8123/weibo/')
    expect(e.base).toBe('http://127.0.0.1:8123/weibo')
    expect(e.config()).toBe('http://127.0.0.1:8123/weibo/api/config')
    expect(e.detail('1')).toBe('http://127.0.0.1:8123/weibo/detail/1')
    expect(publicPostUrl(LONG_MID)).toBe('https://m.weibo.cn/detail/5237410582790147')
    expect(() => weiboEndpoints('file:///etc')).toThrow(TypeError)
  })

  it('sends the headers of the site XHRs', () => {
    const h = apiHeaders({ base: 'http://127.0.0.1:8123', referer: weiboEndpoints('http://127.0.0.1:8123').detail(LONG_MID) })
    expect(h['X-Requested-With']).toBe('XMLHttpRequest')
    expect(h['MWeibo-Pwa']).toBe('1')
    expect(h.Accept).toBe('application/json, text/plain, */*')
    expect(h.Referer).toBe('http://127.0.0.1:8123/detail/5237410582790147')
    expect(h['User-Agent']).toMatch(/iPhone.*Mobile/)
    expect(apiHeaders().Referer).toBe('https://m.weibo.cn/')
  })
})

describe('parseSearchPage (authored fixtures)', () => {
  const body1 = own('search-page1.json') as { data: { cards: Array<{ card_group: Array<{ mblog: unknown }> }> } }
  const page1 = parseSearchPage(body1, { now, keyword: '宝安区' })
  const page2 = parseSearchPage(own('search-page2.json'), { now, keyword: '宝安区' })

  it('reads posts inside type-11 groups, once each, in page order', () => {
    expect(page1.posts.map((p) => p.mid)).toEqual(['5237410582790147', '5237455531278093', '5237398870021774', '5237456021113418', '5237102648853302'])
    expect(page1.nextPage).toBe(2)
    expect(page1.total).toBe(1000)
    expect(page1.skipped).toEqual([])
  })

  it('reads flat type-9 cards and the next page number', () => {
    expect(page2.posts.map((p) => p.mid)).toEqual(['5237412209347765', '5234873355102298', '5216330407851023', '5237380011442209'])
    expect(page2.nextPage).toBe(3)
  })

  it('maps a long post to a mention and asks for its long text', () => {
    const p = byMid(page1.posts, LONG_MID)
    expect(p.needsLongText).toBe(true)
    expect(p.bid).toBe('QfHdEbHQn')
    const { raw, ...m } = p.mention
    expect(m).toEqual({
      source: 'weibo',
      platformId: LONG_MID,
      url: 'https://m.weibo.cn/detail/5237410582790147',
      title: null,
      text:
        '#宝安发布#【西乡街道这些路段施工期间临时交通管制】为配合地铁12号线西乡段管线迁改，11月28日至12月20日，宝安区西乡街道宝源路（固戍一路至宝安大道段）实行半幅封闭施工，请过往车辆提前绕行：\n' +
        '1.往机场方向车辆可经宝安大道绕行；\n2.往西乡中心区方向车辆可经固戍一路、西乡大道通行；\n3.施工期间公交站点临时调整',
      authorId: '2418542712',
      authorName: '宝安融媒',
      authorFollowers: 1_583_021,
      authorVerified: true,
      publishedAt: new Date('2026-11-26T01:12:40Z'),
      publishedRaw: 'Thu Nov 26 09:12:40 +0800 2026',
      reposts: 12,
      comments: 30,
      likes: 158,
      extra: { bid: 'QfHdEbHQn', verifiedType: 1, ipLocation: '广东', client: '微博 weibo.com', isLongText: true, pinned: false, pics: 2 },
    })
    expect(raw).toBe(body1.data.cards[1]!.card_group[1]!.mblog)
  })

  it('reads a personal post: emoji alts, location link, pics as an object', () => {
    const p = byMid(page1.posts, '5237455531278093')
    expect(p.needsLongText).toBe(false)
    expect(p.mention.text).toBe('西乡街道宝源路又堵死了，早上七点出门九点还没到公司[怒][怒] 施工能不能提前通知一下？@宝安融媒')
    expect([p.mention.authorName, p.mention.authorFollowers, p.mention.authorVerified]).toEqual(['西乡小王在宝安', 236, false])
    expect(p.mention.extra).toEqual({
      bid: 'QfIo95mup',
      verifiedType: -1,
      location: '深圳·宝安区',
      ipLocation: '广东',
      client: 'iPhone 15 Pro',
      isLongText: false,
      pinned: false,
      pics: 3,
    })
  })

  it('keeps a repost’s own text and the original in extra, with null authors when it was deleted', () => {
    const p = byMid(page1.posts, '5237456021113418')
    expect(p.mention.text).toBe('转发一下，希望有关部门重视//@南山租房避坑指南:宝安区这个小区物业也太离谱了，停车费一年涨了三次[晕]')
    expect(p.mention.extra?.retweeted).toEqual({
      mid: '5236987712044551',
      text: '抱歉，此微博已被作者删除。查看帮助： https://kefu.weibo.com/faqdetail?id=19375',
      authorId: null,
      authorName: null,
    })
  })

  it('parses counts given as display strings', () => {
    const media = byMid(page1.posts, '5237398870021774').mention
    expect([media.reposts, media.comments, media.likes]).toEqual([12_000, 8560, 1_000_000])
    expect(byMid(page1.posts, '5237102648853302').mention.authorFollowers).toBe(126_000)
    expect(byMid(page2.posts, '5237412209347765').mention.authorFollowers).toBe(12_000)
  })

  it('resolves every created_at form against the fetch time', () => {
    const all = [...page1.posts, ...page2.posts]
    const got = Object.fromEntries(all.map((p) => [p.mention.publishedRaw, iso(p)]))
    expect(got).toEqual({
      'Thu Nov 26 09:12:40 +0800 2026': '2026-11-26T01:12:40.000Z',
      '5分钟前': '2026-11-26T02:25:00.000Z',
      'Thu Nov 26 07:58:02 +0800 2026': '2026-11-25T23:58:02.000Z',
      刚刚: '2026-11-26T02:30:00.000Z',
      '昨天 21:40': '2026-11-25T13:40:00.000Z',
      '3小时前': '2026-11-25T23:30:00.000Z',
      '11-20': '2026-11-19T16:00:00.000Z',
      '2025-12-31': '2025-12-30T16:00:00.000Z',
      'Wed Nov 25 20:00:00 +0800 2026': '2026-11-25T12:00:00.000Z',
    })
  })

  it('unwraps sinaurl links and keeps the other district’s location', () => {
    const p = byMid(page2.posts, '5237412209347765')
    expect(p.mention.text).toBe('南山区科技园附近租房的朋友注意了，最近好几个中介挂的低价房都是假房源[吃惊]官方房源可以在这里查： https://zjj.sz.gov.cn/ztfw/zfbz/ 也可以看这篇：深圳租房避坑指南（2026版）')
    expect(p.mention.extra?.location).toBe('深圳·南山区')
    expect(p.mention.extra?.links).toEqual(['https://zjj.sz.gov.cn/ztfw/zfbz/', 'https://www.sznews.com/news/content/2026-11/20/content_31234567.htm'])
  })

  it('decodes entities, drops zero-width characters, writes super-topics; reads other provinces', () => {
    const p = byMid(page2.posts, '5216330407851023')
    expect(p.mention.text).toBe('#深圳[超话]# 跨年夜的深圳湾公园人山人海，"深圳湾"灯光秀太美了&人也太多了>_<[哈哈]')
    expect(byMid(page2.posts, '5234873355102298').mention.extra?.ipLocation).toBe('浙江')
  })

  it('leaves the search keyword out of extra (a post found by two keywords hashes the same)', () => {
    const a = parseSearchPage(own('search-page2.json'), { now, keyword: '宝安' }).posts[0]!
    const b = parseSearchPage(own('search-page2.json'), { now, keyword: '宝安区' }).posts[0]!
    expect(a.mention.extra).not.toHaveProperty('keyword')
    expect(a.mention.extra).toEqual(b.mention.extra)
  })

  it('reads an ok:0 end page as no posts and no next page', () => {
    expect(parseSearchPage(own('search-end.json'), { now })).toEqual({ posts: [], nextPage: null, total: null, skipped: [] })
  })
})

describe('parseSearchPage (odd items and bad bodies)', () => {
  const mblog = (over: Record<string, unknown>) => ({
    created_at: 'Thu Nov 26 09:00:00 +0800 2026',
    id: '5237400000000001',
    mid: '5237400000000001',
    bid: 'QfGWA0001',
    text: '西乡',
    user: { id: 1, screen_name: 'a', followers_count: 1, verified: false, verified_type: -1 },
    reposts_count: 0,
    comments_count: 0,
    attitudes_count: 0,
    ...over,
  })
  const body = (cards: unknown[], cardlistInfo: unknown = { page: null }) => ({ ok: 1, data: { cardlistInfo, cards } })

  it('skips cards without an mblog or with an unreadable date, and reports them', () => {
    const r = parseSearchPage(
      body([
        { card_type: 9, itemid: 'x1' },
        { card_type: 9, mblog: mblog({ created_at: '某个时候' }) },
        { card_type: 9, mblog: mblog({ id: '5237400000000002', mid: '5237400000000002', bid: null }) },
        { card_type: 11, card_group: [{ card_type: 9, mblog: null }] },
        { card_type: 9, mblog: mblog({ id: undefined, mid: undefined, bid: '!!' }) },
      ]),
      { now },
    )
    expect(r.posts.map((p) => p.mid)).toEqual(['5237400000000002'])
    expect(r.skipped).toEqual([
      { reason: 'card x1: card_type 9 without an mblog' },
      { reason: 'mblog 5237400000000001: unreadable created_at "某个时候"' },
      { reason: 'card (no itemid): card_type 9 without an mblog' },
      { reason: 'mblog without a usable id (bid !!)' },
    ])
    expect(r.nextPage).toBeNull()
  })

  it('takes ids as numbers, and the bid when a number lost its digits', () => {
    const r = parseSearchPage(
      body([
        { card_type: 9, mblog: mblog({ id: 4387933362623405, mid: 4387933362623405, idstr: undefined, bid: 'HATy0b0sZ' }) },
        { card_type: 9, mblog: mblog({ id: 9_007_199_254_740_993, mid: undefined, bid: 'QfGWA0001' }) },
      ]),
      { now },
    )
    expect(r.posts.map((p) => p.mention.platformId)).toEqual(['4387933362623405', '5237400000000001'])
  })

  it('reads pics as a list, an object, or pic_num alone; pinned from mblogtype or isTop', () => {
    const r = parseSearchPage(
      body([
        { card_type: 9, mblog: mblog({ id: '1', mid: '1', pics: [{ pid: 'a' }, { pid: 'b' }] }) },
        { card_type: 9, mblog: mblog({ id: '2', mid: '2', pics: { '0': { pid: 'a' }, '1': { pid: 'b' }, '2': { pid: 'c' } }, mblogtype: 2 }) },
        { card_type: 9, mblog: mblog({ id: '3', mid: '3', pic_num: 4, isTop: 1 }) },
      ]),
      { now },
    )
    expect(r.posts.map((p) => [p.mention.extra?.pics, p.mention.extra?.pinned])).toEqual([
      [2, false],
      [3, true],
      [4, true],
    ])
  })

  it('throws a WeiboShapeError naming what is missing', () => {
    expect(() => parseSearchPage('<html>', { now })).toThrow(WeiboShapeError)
    expect(() => parseSearchPage({ ok: 1 }, { now })).toThrow('search page: no data object (keys: ok)')
    expect(() => parseSearchPage({ ok: 1, data: { cardlistInfo: {} } }, { now })).toThrow('search page: data.cards is missing (data keys: cardlistInfo)')
    expect(() => parseSearchPage({ ok: 1, data: { cards: {} } }, { now })).toThrow('search page: data.cards is not a list (data keys: cards)')
  })
})

describe('long text and the detail page', () => {
  const fullText =
    '#宝安发布#【西乡街道这些路段施工期间临时交通管制】为配合地铁12号线西乡段管线迁改，11月28日至12月20日，宝安区西乡街道宝源路（固戍一路至宝安大道段）实行半幅封闭施工，请过往车辆提前绕行：\n' +
    '1.往机场方向车辆可经宝安大道绕行；\n' +
    '2.往西乡中心区方向车辆可经固戍一路、西乡大道通行；\n' +
    '3.施工期间公交站点临时调整，M217路、M358路“宝源路口”站临时迁移至固戍一路口；\n' +
    '4.请市民合理安排出行时间，注意避让施工区域。\n' +
    '给大家出行带来不便，敬请谅解[抱拳]\n' +
    '详情： https://www.baoan.gov.cn/xxgk/tzgg/content/post_11908231.html'

  it('reads statuses/extend', () => {
    expect(parseLongText(own(`extend-${LONG_MID}.json`))).toBe(fullText)
    expect(parseLongTextParts(own(`extend-${LONG_MID}.json`))?.location).toBe('深圳·宝安区')
    expect(parseLongText({ ok: 1, data: { ok: 1 } })).toBeNull()
    expect(() => parseLongText({ ok: 1 })).toThrow('statuses/extend: no data object (keys: ok)')
  })

  it('puts the long text into the post', () => {
    const post = byMid(parseSearchPage(own('search-page1.json'), { now }).posts, LONG_MID)
    const long = withLongText(post, parseLongTextParts(own(`extend-${LONG_MID}.json`))!)
    expect(long.needsLongText).toBe(false)
    expect(long.mention.text).toBe(fullText)
    expect(long.mention.extra?.location).toBe('深圳·宝安区')
    expect(long.mention.extra?.links).toEqual(['https://www.baoan.gov.cn/xxgk/tzgg/content/post_11908231.html'])
    expect(post.mention.text).not.toBe(fullText) // the input is not changed
  })

  it('reads the mblog of a detail page', () => {
    const m = parseDetailPage(readFileSync(path.join(OWN, `detail-${LONG_MID}.html`), 'utf8'))
    expect(m?.mid).toBe(LONG_MID)
    const r = mblogToPost(m, { now }, { fullText: true })
    expect(r.post?.needsLongText).toBe(false)
    expect(r.post?.mention.text).toBe(fullText)
    expect(r.post?.mention.extra?.location).toBe('深圳·宝安区')
    expect(r.post?.mention.publishedAt.toISOString()).toBe('2026-11-26T01:12:40.000Z')
  })

  it('gives null for a page without a post and throws on broken $render_data', () => {
    expect(parseDetailPage('<html><body>微博不存在或暂无查看权限</body></html>')).toBeNull()
    expect(parseDetailPage('<script>var $render_data = [{"call":1}][0] || {};</script>')).toBeNull()
    expect(() => parseDetailPage('<script>var $render_data = [{"status": {]][0] || {};</script>')).toThrow('detail page: $render_data is not valid JSON')
    expect(() => parseDetailPage('<script>var $render_data = oops;</script>')).toThrow(WeiboShapeError)
  })
})

describe('parseHotComments', () => {
  const ctx = { now, postMid: LONG_MID }

  it('reads a page of comments with their inline replies and the next cursor', () => {
    const r = parseHotComments(own(`hotflow-${LONG_MID}-page1.json`), ctx)
    expect(r.next).toEqual({ maxId: '138950291734562', maxIdType: 0 })
    expect(r.skipped).toEqual([])
    expect(r.comments.map((c) => [c.platformId, c.extra?.replyTo ?? null])).toEqual([
      ['c5237412900112233', null],
      ['c5237415127730021', 'c5237412900112233'],
      ['c5237417733200457', 'c5237412900112233'],
      ['c5237413355660987', null],
      ['c5237414051880012', null],
    ])
    const { raw, ...first } = r.comments[0]!
    expect(first).toEqual({
      source: 'weibo',
      platformId: 'c5237412900112233',
      url: 'https://m.weibo.cn/detail/5237410582790147?cid=5237412900112233',
      title: null,
      text: '施工能理解，但宝源路早高峰本来就堵，能不能晚上施工？[允悲]',
      authorId: '7712345601',
      authorName: '西乡小王在宝安',
      authorFollowers: 236,
      authorVerified: false,
      publishedAt: new Date('2026-11-26T01:20:18Z'),
      publishedRaw: 'Thu Nov 26 09:20:18 +0800 2026',
      reposts: null,
      comments: 2,
      likes: 87,
      extra: { kind: 'comment', postMid: LONG_MID, ipLocation: '广东' },
    })
    expect((raw as { id: string }).id).toBe('5237412900112233')
    expect(r.comments[1]!.text).toBe('回复@西乡小王在宝安:已反映给相关部门，感谢您的建议[抱拳]')
    expect(r.comments[1]!.authorFollowers).toBe(1_583_000)
    expect(r.comments[4]!.extra?.ipLocation).toBe('湖南')
  })

  it('stops at max_id 0', () => {
    const r = parseHotComments(own(`hotflow-${LONG_MID}-page2.json`), ctx)
    expect(r.next).toBeNull()
    expect(r.comments.map((c) => c.platformId)).toEqual(['c5237418866034411', 'c5237420100458876'])
    expect(r.comments[1]!.extra?.links).toEqual(['https://www.baoan.gov.cn/xxgk/tzgg/content/post_11908231.html'])
    expect(parseHotComments({ ok: 1, data: { data: [], max_id: '0', max_id_type: 0 } }, ctx).next).toBeNull()
    expect(parseHotComments({ ok: 1, data: { data: [] } }, ctx).next).toBeNull()
  })

  it('skips a comment with an unreadable date and throws on a bad body', () => {
    const r = parseHotComments({ ok: 1, data: { data: [{ id: '9', created_at: '', text: 'x' }], max_id: 5, max_id_type: 1 } }, ctx)
    expect(r.skipped).toEqual([{ reason: 'comment 9: unreadable created_at ""' }])
    expect(r.next).toEqual({ maxId: '5', maxIdType: 1 })
    expect(() => parseHotComments({ ok: 1, data: { total_number: 0 } }, ctx)).toThrow('hotflow: data.data is missing (data keys: total_number)')
  })
})

describe('parseLoginState', () => {
  it('reads /api/config', () => {
    expect(parseLoginState(own('config-login.json'))).toEqual({ login: true, uid: '7712345601' })
    expect(parseLoginState(own('config-guest.json'))).toEqual({ login: false, uid: null })
    expect(() => parseLoginState({ ok: 1, msg: '' })).toThrow('api/config: no data object (keys: ok, msg)')
  })
})

describe('real m.weibo.cn responses (2019)', () => {
  const SKIP = ' (skipped: ../shared/fixtures/weibo absent)'
  const suffix = HAVE_SHARED ? '' : SKIP
  // Fetched around 2019-07-16 10:00 Shanghai (the post "15小时前" is a video published at 18:25 the day before).
  const then = new Date('2019-07-16T02:00:00Z')
  const timeline = () => parseSearchPage(shared('m-weibo-cn-getIndex-user-timeline-2019.json'), { now: then })

  it.skipIf(!HAVE_SHARED)(`reads the 11 posts of a timeline page${suffix}`, () => {
    const r = timeline()
    expect(r.posts).toHaveLength(11)
    expect(r.skipped).toEqual([])
    expect(r.nextPage).toBe(2)
    expect(r.total).toBe(259)
    for (const p of r.posts) {
      expect(bidToMid(p.bid!)).toBe(p.mid)
      expect([p.mention.authorId, p.mention.authorName, p.mention.authorFollowers, p.mention.authorVerified, p.mention.extra?.verifiedType]).toEqual([
        '5529945701',
        '绝地求生刺激战场游戏攻略',
        586_975,
        true,
        0,
      ])
    }
  })

  it.skipIf(!HAVE_SHARED)(`resolves relative and year-less dates against the fetch time${suffix}`, () => {
    const r = timeline()
    expect(r.posts.map((p) => [p.mention.publishedRaw, iso(p)])).toEqual([
      ['06-27', '2019-06-26T16:00:00.000Z'],
      ['15小时前', '2019-07-15T11:00:00.000Z'],
      ['07-14', '2019-07-13T16:00:00.000Z'],
      ['07-14', '2019-07-13T16:00:00.000Z'],
      ['07-13', '2019-07-12T16:00:00.000Z'],
      ['07-12', '2019-07-11T16:00:00.000Z'],
      ['07-11', '2019-07-10T16:00:00.000Z'],
      ['07-10', '2019-07-09T16:00:00.000Z'],
      ['07-09', '2019-07-08T16:00:00.000Z'],
      ['07-07', '2019-07-06T16:00:00.000Z'],
      ['07-07', '2019-07-06T16:00:00.000Z'],
    ])
  })

  it.skipIf(!HAVE_SHARED)(`reads the pinned repost and its original${suffix}`, () => {
    const p = timeline().posts[0]!
    expect(p.mid).toBe('4387933362623405')
    expect(p.mention.text).toBe('#和平精英[超话]# 暗夜危机7处规避丧尸的位置，记住就再也不用哭着喊妈妈了[doge]')
    expect([p.mention.reposts, p.mention.comments, p.mention.likes]).toEqual([6, 3, 6])
    expect(p.mention.extra?.pinned).toBe(true)
    expect(p.mention.extra?.client).toBe('微博 weibo.com')
    expect(p.mention.extra?.retweeted).toEqual({
      mid: '4387930325701338',
      text:
        '#和平精英# 暗夜危机7大规避丧尸的位置：\n1.任何水域中，\n2.研究所楼顶，\n3.废墟集装箱，\n4.路障保安亭，\n5.监狱集装箱，\n6.洋房野位点，\n7.大仓库集装箱，\n' +
        '其实用车堵住大门或楼梯不就行了？\n但要切记黑夜丧尸会主动攻击载具[doge]\n#和平精英[超话]# #和平精英游戏攻略#',
      authorId: '6362811275',
      authorName: '和平精英游戏攻略',
    })
    expect(timeline().posts.filter((x) => x.mention.extra?.pinned).map((x) => x.mid)).toEqual(['4387933362623405'])
  })

  it.skipIf(!HAVE_SHARED)(`flags the long post and keeps emoji alts${suffix}`, () => {
    const r = timeline()
    const long = byMid(r.posts, '4393264377139656')
    expect(long.needsLongText).toBe(true)
    expect(long.mention.extra?.isLongText).toBe(true)
    expect(long.mention.extra?.pics).toBe(4)
    expect(long.mention.text.endsWith('3.新降落伞：天空降落伞-快乐主宰，\n均是通过购买军需宝箱获取，\n4.新时装：向日葵先生套')).toBe(true)
    expect(r.posts.filter((p) => p.needsLongText).map((p) => p.mid)).toEqual(['4393264377139656'])
    expect(byMid(r.posts, '4394384827138748').mention.text).toBe(
      '#和平精英# 氪金大佬晒日常——快乐主宰套装和枪械皮肤[doge]\n#和平精英[超话]##和平精英游戏攻略[超话]# 绝地求生刺激战场游戏攻略的微博视频',
    )
    expect(byMid(r.posts, '4392530248638612').mention.text).toBe(
      '#和平精英# 千万不要跟我狙或喷子硬刚，\n否则让你当场骨折[微笑]\n#超红VLOG挑战赛##游戏红人秀# 绝地求生刺激战场游戏攻略的微博视频',
    )
    expect(byMid(r.posts, '4392169018014876').mention.text).toContain('人机光子是要送我躺鸡[坏笑]')
    expect(byMid(r.posts, '4391419479136234').mention.text).toContain('女生的惊叫声比丧尸还更恐怖有没有？[允悲]')
  })

  it.skipIf(!HAVE_SHARED)(`reads an album page: type-11 groups without posts, page null${suffix}`, () => {
    expect(parseSearchPage(shared('m-weibo-cn-getIndex-album-2019.json'), { now: then })).toEqual({ posts: [], nextPage: null, total: 0, skipped: [] })
  })

  it.skipIf(!HAVE_SHARED)(`throws a WeiboShapeError on a profile body read as a card list${suffix}`, () => {
    expect(() => parseSearchPage(shared('m-weibo-cn-getIndex-userinfo-2019.json'), { now: then })).toThrow(
      'search page: data.cards is missing (data keys: avatar_guide, userInfo, fans_scheme, follow_scheme, tabsInfo, scheme, showAppTips)',
    )
  })
})
