/**
 * s.weibo.com search pages: the parser (src/crawlers/weibo-search/parse.ts) on hand-written pages
 * after the markup dataabc/weibo-search and nghuyong/WeiboSpider read (test/fixtures/weibo-search/,
 * fetch time 2026-11-26 10:30 Shanghai), and round trips through the sample server's pages
 * (src/sample/weibo-search.ts): what the sample world holds must come back out of the HTML.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSearchHtml, SearchShapeError } from '../../src/crawlers/weibo-search/parse.js'
import type { SearchHtmlPage, SearchResultPost } from '../../src/crawlers/weibo-search/parse.js'
import { sampleWorld } from '../../src/sample/data.js'
import type { SamplePost, SampleWorld } from '../../src/sample/data.js'
import { parseTimescope, searchMatches, searchTimeText, weiboSearchNoResult, weiboSearchPage } from '../../src/sample/weibo-search.js'
import type { WeiboSearchParams } from '../../src/sample/weibo-search.js'

const DIR = path.resolve(import.meta.dirname, '../fixtures/weibo-search')
const fixture = (f: string) => readFileSync(path.join(DIR, f), 'utf8')

// The fetch time the fixtures were written for: 2026-11-26 10:30 in Shanghai.
const now = new Date('2026-11-26T02:30:00Z')

const byMid = (page: SearchHtmlPage, mid: string): SearchResultPost => {
  const p = page.posts.find((x) => x.mid === mid)
  if (!p) throw new Error(`no post ${mid}`)
  return p
}

/** The error parseSearchHtml throws (failing the test when it returns instead). */
function shapeError(html: string): SearchShapeError {
  try {
    parseSearchHtml(html, { now })
  } catch (err) {
    expect(err).toBeInstanceOf(SearchShapeError)
    return err as SearchShapeError
  }
  throw new Error('expected a SearchShapeError')
}

describe('parseSearchHtml on hand-written pages', () => {
  const results = fixture('results.html')

  it('reads the result page: four posts in page order, the ad and 相关用户 cards passed over', () => {
    const page = parseSearchHtml(results, { now })
    expect(page.kind).toBe('results')
    expect(page.posts.map((p) => p.mid)).toEqual(['5237410582790147', '5237398127403521', '5237405870392318', '5237390055244801'])
    expect(page.skipped).toEqual([])
    expect(page.pageCount).toBe(5)
    expect(page.nextPage).toBe(2)
  })

  it('a blue-V long post: the full text without 收起, the location kept apart, 100万+ likes', () => {
    const { mention, mid, bid } = byMid(parseSearchHtml(results, { now }), '5237410582790147')
    expect({ mid, bid }).toEqual({ mid: '5237410582790147', bid: 'QfHdEbHQn' })
    const { raw, ...rest } = mention
    expect(rest).toEqual({
      source: 'weibo',
      platformId: '5237410582790147',
      url: 'https://m.weibo.cn/detail/5237410582790147',
      title: null,
      text:
        '【宝安区启动城中村消防安全专项整治】11月26日起，宝安区在全区范围内开展为期三个月的城中村消防安全专项整治行动，重点检查消防通道占用、电动自行车违规充电、出租屋违规住人等问题。\n' +
        '市民如发现消防隐患，可拨打12345热线反映。#宝安民生#[赞]',
      authorId: '3937348351',
      authorName: '深圳宝安发布',
      authorFollowers: null,
      authorVerified: true,
      publishedAt: new Date('2026-11-26T01:12:00Z'),
      publishedRaw: '今天 09:12',
      reposts: 23,
      comments: 156,
      likes: 1_000_000,
      extra: { bid: 'QfHdEbHQn', badge: 'blue', client: '微博 weibo.com', location: '深圳·宝安区', pics: 3, via: 's.weibo.com' },
    })
    expect(raw).toMatch(/^<div class="card-wrap" action-type="feed_list_item" mid="5237410582790147">/)
    expect(raw).toContain('展开')
  })

  it('a repost: its own words with the emoji and @mention, the located original in extra.retweeted, bare labels as 0', () => {
    const { mention } = byMid(parseSearchHtml(results, { now }), '5237398127403521')
    expect(mention.text).toBe('转发一下，我们小区也是这样[怒]//@宝安小王:太吵了，晚上根本睡不着')
    expect(mention.authorVerified).toBe(false)
    expect(mention.publishedAt).toEqual(new Date('2026-11-25T14:47:00Z'))
    expect(mention.publishedRaw).toBe('11月25日 22:47')
    expect([mention.reposts, mention.comments, mention.likes]).toEqual([0, 0, 3])
    expect(mention.extra).toEqual({
      bid: 'QfGTyv3ZD',
      client: 'iPhone客户端',
      // The picture belongs to the original, not to the repost.
      pics: 0,
      retweeted: { mid: '5237211490601478', text: '西乡街道这个工地夜里施工到两点，噪音扰民，投诉了好几次也没人管[怒]', authorId: '5812345678', authorName: '宝安小王' },
      via: 's.weibo.com',
    })
  })

  it('a yellow-V post: <br> as a newline, the link target in place of 网页链接, N分钟前 from now', () => {
    const { mention } = byMid(parseSearchHtml(results, { now }), '5237405870392318')
    expect(mention.text).toBe('宝安中心区这家潮汕牛肉火锅排队一小时，值！[馋嘴]\n店名在这： http://t.cn/A6xKq2Lm 同去的@南山码农')
    expect(mention.authorVerified).toBe(true)
    expect(mention.publishedAt).toEqual(new Date('2026-11-26T02:25:00Z'))
    expect(mention.publishedRaw).toBe('5分钟前')
    expect([mention.reposts, mention.comments, mention.likes]).toEqual([12, 8, 0])
    expect(mention.extra).toEqual({ bid: 'QfH631E3I', badge: 'yellow', client: 'Android', pics: 1, via: 's.weibo.com' })
  })

  it('a repost without words of a deleted post: 转发微博, the original with no author, a date with its year', () => {
    const { mention } = byMid(parseSearchHtml(results, { now }), '5237390055244801')
    expect(mention.text).toBe('转发微博')
    expect(mention.publishedAt).toEqual(new Date('2025-12-31T15:59:00Z'))
    expect(mention.publishedRaw).toBe('2025年12月31日 23:59')
    expect([mention.reposts, mention.comments, mention.likes]).toEqual([5, 0, 1])
    expect(mention.extra).toEqual({ bid: 'QfGGxm0pz', pics: 0, retweeted: { mid: null, text: '抱歉，此微博已被作者删除。', authorId: null, authorName: null }, via: 's.weibo.com' })
  })

  it('reports a card whose time it cannot read, and keeps the rest of the page', () => {
    const page = parseSearchHtml(results.replace('5分钟前', '置顶'), { now })
    expect(page.kind).toBe('results')
    expect(page.posts.map((p) => p.mid)).toEqual(['5237410582790147', '5237398127403521', '5237390055244801'])
    expect(page.skipped).toEqual([{ reason: 'card 5237405870392318: unreadable time "置顶"' }])
  })

  it('reports a card whose mid is not a number; passes over a card with a mid but no div.info', () => {
    const html = results.replace('mid="5237405870392318"', 'mid="QfH631E3I"').replace(/(mid="5237390055244801">[\s\S]*?)<div class="info">/, '$1<div class="info-b">')
    const page = parseSearchHtml(html, { now })
    expect(page.posts.map((p) => p.mid)).toEqual(['5237410582790147', '5237398127403521'])
    expect(page.skipped).toEqual([{ reason: 'card mid "QfH631E3I" is not a number' }])
  })

  it('reads the same post twice on a page once', () => {
    const card = /<div class="card-wrap" action-type="feed_list_item" mid="5237405870392318">[\s\S]*?\n<\/div>\n/.exec(results)![0]
    const page = parseSearchHtml(results.replace(card, card + card), { now })
    expect(page.posts.filter((p) => p.mid === '5237405870392318')).toHaveLength(1)
  })

  it('takes the page count from the page list and the next page from a.next; one page has neither', () => {
    const single = results.replace(/<div class="m-page">[\s\S]*?\n<\/div>\n/, '')
    expect(parseSearchHtml(single, { now })).toMatchObject({ kind: 'results', pageCount: 0, nextPage: null })
    const last = results.replace(/<a class="next"[^>]*>下一页<\/a>/, '')
    expect(parseSearchHtml(last, { now })).toMatchObject({ pageCount: 5, nextPage: null })
  })

  it('the no-result card is an empty page; so is nghuyong\'s 抱歉，未找到相关结果。 without the card', () => {
    expect(parseSearchHtml(fixture('no-result.html'), { now })).toEqual({ kind: 'empty', posts: [], skipped: [], pageCount: 0, nextPage: null })
    const bare = '<!DOCTYPE html><html><head><title>微博搜索</title></head><body><div id="pl_feedlist_index"><p>抱歉，未找到相关结果。</p></div></body></html>'
    expect(parseSearchHtml(bare, { now }).kind).toBe('empty')
  })

  it('the Sina Visitor System page and a passport login form are login pages', () => {
    expect(parseSearchHtml(fixture('visitor.html'), { now })).toEqual({ kind: 'login', posts: [], skipped: [], pageCount: 0, nextPage: null })
    const passport =
      '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微博</title></head><body><form action="https://passport.weibo.com/sso/login" method="post"><input name="username"><input type="password" name="password"><button>登录</button></form></body></html>'
    expect(parseSearchHtml(passport, { now }).kind).toBe('login')
  })

  it('a redesigned page (no card-wrap) throws a SearchShapeError naming what is missing', () => {
    expect(shapeError(fixture('changed.html')).message).toBe('search page: no div.card-wrap, no no-result card, no login page (title "宝安 - 微博搜索")')
  })

  it('card-wraps none of which can be read throw, with the first reason', () => {
    const renamed = results.replaceAll('<div class="from">', '<div class="from-b">')
    expect(shapeError(renamed).message).toBe('search page: 6 div.card-wrap, none readable (card 5237410582790147: no time link (div.from > a))')
  })

  it('a body cut anywhere gives a page or a SearchShapeError, never another error', () => {
    for (let end = 0; end < results.length; end += 397) {
      let page: SearchHtmlPage
      try {
        page = parseSearchHtml(results.slice(0, end), { now })
      } catch (err) {
        expect(err).toBeInstanceOf(SearchShapeError)
        continue
      }
      expect(page.kind).toBe('results')
      for (const p of page.posts) expect(p.mention.publishedAt.getTime()).not.toBeNaN()
    }
  })

  it('refuses pathological markup before the DOM parser spends seconds on it', () => {
    const started = Date.now()
    expect(shapeError('<div>'.repeat(300_000)).message).toBe('search page: markup nested more than 2,000 deep, not a result page')
    expect(shapeError('<i>x</i>'.repeat(60_000)).message).toBe('search page: more than 50,000 tags, not a result page')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('throws nothing but SearchShapeError on garbage', () => {
    for (const junk of ['', 'null', '{"ok":1,"data":{}}', '<<<>>>', '<div class="card-wrap" mid="1"><div class="card"><div class="card-feed"><div class="content"><div class="info">', '\u0000\ud800']) shapeError(junk)
    shapeError(null as unknown as string)
  })
})

const WORLD_NOW = new Date('2026-11-26T02:30:00Z')
const params = (p: Partial<WeiboSearchParams>): WeiboSearchParams => ({ q: '宝安', scope: null, page: 1, pageSize: 10, pageCap: 50, ...p })
const toMinute = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000)

/** Every page of a query, parsed. */
function crawl(world: SampleWorld, p: Partial<WeiboSearchParams>): SearchHtmlPage[] {
  const pages: SearchHtmlPage[] = []
  for (let page = 1; page <= 60; page++) {
    const parsed = parseSearchHtml(weiboSearchPage(world, params({ ...p, page })), { now: world.now })
    if (parsed.kind !== 'results') break
    pages.push(parsed)
  }
  return pages
}

/** What the parser must read back for a sample post. */
function expected(s: SamplePost) {
  return {
    mid: s.mid,
    bid: s.bid,
    authorId: String(s.user.id),
    authorName: s.user.name,
    authorVerified: s.user.verified,
    text: s.text,
    location: s.location ?? undefined,
    counts: [s.reposts, s.comments, Math.min(s.likes, 1_000_000)],
    publishedAt: toMinute(s.createdAt),
    retweeted: s.retweeted
      ? s.retweeted.user
        ? { mid: s.retweeted.mid, text: s.retweeted.text, authorId: String(s.retweeted.user.id), authorName: s.retweeted.user.name }
        : { mid: null, text: '抱歉，此微博已被作者删除。', authorId: null, authorName: null }
      : undefined,
  }
}

function actual(p: SearchResultPost) {
  const m = p.mention
  return {
    mid: p.mid,
    bid: p.bid,
    authorId: m.authorId,
    authorName: m.authorName,
    authorVerified: m.authorVerified,
    text: m.text,
    location: m.extra?.location,
    counts: [m.reposts, m.comments, m.likes],
    publishedAt: m.publishedAt,
    retweeted: m.extra?.retweeted,
  }
}

describe('sample s.weibo.com pages, read back by the parser', () => {
  const world = sampleWorld({ now: WORLD_NOW, seed: 7 })
  const matches = searchMatches(world, '宝安', null)

  it('every post of every page comes back as the world has it (times cut to the minute)', () => {
    const pages = crawl(world, {})
    const posts = pages.flatMap((p) => p.posts)
    expect(posts.map((p) => p.mid)).toEqual(matches.map((m) => m.mid))
    for (const post of posts) expect(actual(post)).toEqual(expected(matches.find((m) => m.mid === post.mid)!))
    expect(pages.flatMap((p) => p.skipped)).toEqual([])
    // The world exercises what the checks are for.
    const raws = new Set(posts.map((p) => p.mention.publishedRaw!.replace(/\d+/g, 'N')))
    expect(raws).toEqual(new Set(['N分钟前', '今天 N:N', 'N月N日 N:N']))
    expect(matches.some((m) => m.long) && matches.some((m) => m.location) && matches.some((m) => m.likes >= 1_000_000)).toBe(true)
    expect(matches.some((m) => m.retweeted?.user) && matches.some((m) => m.retweeted && !m.retweeted.user)).toBe(true)
    expect(matches.some((m) => m.user.verifiedType >= 1) && matches.some((m) => m.user.verifiedType === 0) && matches.some((m) => !m.user.verified)).toBe(true)
  })

  it('badges: blue for organisations, yellow for people, none for the unverified', () => {
    const posts = crawl(world, {}).flatMap((p) => p.posts)
    for (const post of posts) {
      const u = matches.find((m) => m.mid === post.mid)!.user
      expect(post.mention.extra?.badge).toBe(u.verifiedType >= 1 ? 'blue' : u.verified ? 'yellow' : undefined)
    }
  })

  it('dates with a year across New Year, exact to the minute too', () => {
    const ny = sampleWorld({ now: new Date('2027-01-01T01:00:00Z'), seed: 3 })
    const all = searchMatches(ny, '宝安', null)
    const posts = crawl(ny, {}).flatMap((p) => p.posts)
    expect(posts.some((p) => /^2026年12月\d\d日 \d\d:\d\d$/.test(p.mention.publishedRaw!))).toBe(true)
    for (const post of posts) expect(post.mention.publishedAt).toEqual(toMinute(all.find((m) => m.mid === post.mid)!.createdAt))
  })

  it('pages: the list counts pages up to the cap, a.next stops at the cap, past it the no-result page', () => {
    const total = Math.ceil(matches.length / 10)
    expect(total).toBeGreaterThan(3)
    expect(parseSearchHtml(weiboSearchPage(world, params({})), { now: WORLD_NOW })).toMatchObject({ pageCount: total, nextPage: 2 })
    expect(parseSearchHtml(weiboSearchPage(world, params({ page: total })), { now: WORLD_NOW })).toMatchObject({ pageCount: total, nextPage: null })
    const capped = (page: number) => parseSearchHtml(weiboSearchPage(world, params({ page, pageCap: 3 })), { now: WORLD_NOW })
    expect(capped(1)).toMatchObject({ kind: 'results', pageCount: 3, nextPage: 2 })
    expect(capped(3)).toMatchObject({ kind: 'results', pageCount: 3, nextPage: null })
    expect(capped(4).kind).toBe('empty')
    expect(capped(2).posts.map((p) => p.mid)).toEqual(matches.slice(10, 20).map((m) => m.mid))
    expect(weiboSearchPage(world, params({ page: total + 1 }))).toBe(weiboSearchNoResult('宝安'))
  })

  it('page 1 carries an ad and a 相关用户 card that yield nothing', () => {
    const html = weiboSearchPage(world, params({}))
    expect(html.match(/<div class="card-wrap"/g)).toHaveLength(12)
    expect(html).toContain('相关用户')
    expect(parseSearchHtml(html, { now: WORLD_NOW }).posts).toHaveLength(10)
  })

  it('a timescope: only posts inside it, and a.next keeps it', () => {
    const scope = parseTimescope('custom:2026-11-25-0:2026-11-26-0')!
    const inside = searchMatches(world, '宝安', scope)
    expect(inside.length).toBeGreaterThan(10)
    for (const m of inside) expect(m.createdAt >= scope.start && m.createdAt < scope.end).toBe(true)
    const html = weiboSearchPage(world, params({ scope }))
    expect(html).toContain('<a class="next" href="/weibo?q=%E5%AE%9D%E5%AE%89&amp;timescope=custom%3A2026-11-25-0%3A2026-11-26-0&amp;page=2">下一页</a>')
    expect(crawl(world, { scope }).flatMap((p) => p.posts.map((x) => x.mid))).toEqual(inside.map((m) => m.mid))
  })

  it('one page of results has no page list', () => {
    const scope = parseTimescope('custom:2026-11-26-9:2026-11-26-11')!
    const inside = searchMatches(world, '宝安', scope)
    expect(inside.length).toBeGreaterThan(0)
    expect(inside.length).toBeLessThanOrEqual(10)
    expect(parseSearchHtml(weiboSearchPage(world, params({ scope })), { now: WORLD_NOW })).toMatchObject({ kind: 'results', pageCount: 0, nextPage: null })
  })

  it('the no-result page, and an empty query, read as empty', () => {
    expect(parseSearchHtml(weiboSearchNoResult('宝安 小区'), { now: WORLD_NOW }).kind).toBe('empty')
    expect(parseSearchHtml(weiboSearchPage(world, params({ q: '  ' })), { now: WORLD_NOW }).kind).toBe('empty')
    expect(weiboSearchNoResult('宝安 小区')).toContain('<div class="card card-no-result s-pt20b40">')
    expect(weiboSearchNoResult('宝安 小区')).toContain('抱歉，未找到“宝安 小区”相关结果。')
  })

  it('hostile texts and names are escaped in the page and come back as the same plain text', () => {
    const hostile = sampleWorld({ now: WORLD_NOW, seed: 7 })
    const text = '宝安<script>alert(1)</script>"><img src=x onerror=alert(1)>[<i>]#<b>话题</b>#&amp;'
    const name = '"><svg onload=alert(1)>'
    const target = hostile.posts[0]!
    hostile.posts[0] = { ...target, text, long: false, retweeted: null, user: { ...target.user, name } }
    const q = '"><script>alert(2)</script>'
    const html = weiboSearchPage(hostile, params({}))
    expect(html).not.toMatch(/<script>alert|<img src=x|<svg onload|<b>话题/)
    const post = byMid(parseSearchHtml(html, { now: WORLD_NOW }), target.mid)
    expect(post.mention.text).toBe(text)
    expect(post.mention.authorName).toBe(name)
    expect(weiboSearchNoResult(q)).not.toContain('<script>alert(2)')
    expect(parseSearchHtml(weiboSearchNoResult(q), { now: WORLD_NOW }).kind).toBe('empty')
  })
})

describe('sample search helpers', () => {
  it('parseTimescope reads Beijing hours into UTC instants', () => {
    expect(parseTimescope('custom:2026-11-25-0:2026-11-26-0')).toEqual({ start: new Date('2026-11-24T16:00:00Z'), end: new Date('2026-11-25T16:00:00Z') })
    expect(parseTimescope('custom:2026-11-25-9:2026-11-25-10')).toEqual({ start: new Date('2026-11-25T01:00:00Z'), end: new Date('2026-11-25T02:00:00Z') })
    for (const bad of [null, '', 'custom', '2026-11-25-0:2026-11-26-0', 'custom:2026-13-01-0:2026-11-26-0', 'custom:2026-02-30-0:2026-03-01-0', 'custom:2026-11-25-24:2026-11-26-0', 'custom:2026-11-25:2026-11-26'])
      expect(parseTimescope(bad)).toBeNull()
  })

  it('searchTimeText writes the site\'s forms against now, in Beijing time', () => {
    const at = (iso: string) => searchTimeText(new Date(iso), WORLD_NOW)
    expect(at('2026-11-26T02:29:30Z')).toBe('刚刚')
    expect(at('2026-11-26T02:29:00Z')).toBe('1分钟前')
    expect(at('2026-11-26T02:28:59Z')).toBe('2分钟前')
    expect(at('2026-11-26T01:31:00Z')).toBe('59分钟前')
    expect(at('2026-11-26T01:30:00Z')).toBe('今天 09:30')
    expect(at('2026-11-25T16:00:00Z')).toBe('今天 00:00')
    expect(at('2026-11-25T15:59:00Z')).toBe('11月25日 23:59')
    expect(at('2026-01-01T00:00:00Z')).toBe('01月01日 08:00')
    expect(at('2025-12-31T15:59:00Z')).toBe('2025年12月31日 23:59')
  })
})
