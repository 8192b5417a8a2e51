/**
 * News article extraction (src/crawlers/news/extract.ts): the eleven real pages of GNE's test set
 * in ../shared/fixtures/news (read in place, never copied), and small synthetic traps.
 *
 * Expectations are in test/data/news-fixtures.json, written by reading each page: the headline,
 * the most precise publish time the page states, and the first and last sentences of the
 * publisher's article-body container (captions included; editor credits, share bars and "back
 * to the home page" links excluded). Every page must give:
 *   - the title exactly and the publish time to the second;
 *   - a body that starts with `first` and ends with `last` (all whitespace removed from both, so
 *     paragraph breaks and the sites' spacing do not matter);
 *   - ≥ 90% character-bigram overlap with the true article text, both ways. The true text is the
 *     page's visible text (script/style/noscript dropped, whitespace removed) from the first
 *     occurrence of `first` to the end of the next occurrence of `last`. Over the multisets of
 *     character bigrams, recall = shared / reference and precision = shared / body; both ≥ 0.9
 *     means at most a tenth of the article is missing and at most a tenth of the body is
 *     something else (a caption or a share label passes, a comment thread or a footer does not).
 * Without the fixture folder those cases are skipped, with the reason in their names.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseHTML } from 'linkedom'
import { describe, expect, it } from 'vitest'
import { extractArticle, extractArticleTrace, type DomainOverride } from '../../src/crawlers/news/extract.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/news')
const HAVE_FIXTURES = existsSync(path.join(FIXTURES, 'people-1.html'))
if (!HAVE_FIXTURES) console.warn(`news-extract: ${FIXTURES} absent, the real-page cases are skipped`)
const SUFFIX = HAVE_FIXTURES ? '' : ' (skipped: ../shared/fixtures/news absent)'

interface Expected {
  file: string
  title: string
  publishedAt: string
  first: string
  last: string
  source?: string
}
const EXPECTED = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../data/news-fixtures.json'), 'utf8')) as { now: string; pages: Expected[] }
/** Fetch time for the fixture pages: after all of them (year-less dates resolve into the past). */
const FIXTURE_NOW = new Date(EXPECTED.now)

const page = (file: string) => readFileSync(path.join(FIXTURES, file), 'utf8')
const noSpace = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, '')

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>()
  for (let i = 0; i + 1 < s.length; i++) {
    const b = s.slice(i, i + 2)
    m.set(b, (m.get(b) ?? 0) + 1)
  }
  return m
}

/** Bigram recall and precision of `got` against `ref` (see the file comment). */
function overlap(ref: string, got: string): { recall: number; precision: number } {
  const a = bigrams(ref)
  const b = bigrams(got)
  let shared = 0
  let na = 0
  let nb = 0
  for (const [k, v] of a) {
    na += v
    shared += Math.min(v, b.get(k) ?? 0)
  }
  for (const v of b.values()) nb += v
  return { recall: shared / Math.max(1, na), precision: shared / Math.max(1, nb) }
}

/** The true article text of a page: its visible text from `first` to the end of `last`. */
function reference(html: string, first: string, last: string): string {
  const { document } = parseHTML(html)
  for (const el of Array.from(document.querySelectorAll('script, style, noscript, template'))) el.remove()
  const text = noSpace(document.body?.textContent ?? '')
  const i = text.indexOf(noSpace(first))
  const j = text.indexOf(noSpace(last), i)
  if (i < 0 || j < 0) throw new Error(`first/last sentence not found in the page text`)
  return text.slice(i, j + noSpace(last).length)
}

describe('the eleven GNE fixture pages', () => {
  for (const exp of EXPECTED.pages) {
    it.skipIf(!HAVE_FIXTURES)(`${exp.file}: title, publish time and body${SUFFIX}`, () => {
      const html = page(exp.file)
      const a = extractArticle(html, { url: null, now: FIXTURE_NOW })
      expect(a.title).toBe(exp.title)
      expect(a.publishedAt?.toISOString()).toBe(new Date(exp.publishedAt).toISOString())
      expect(a.publishedRaw).toBeTruthy()
      const body = noSpace(a.body)
      expect(body.startsWith(noSpace(exp.first)), `body starts: ${a.body.slice(0, 60)}`).toBe(true)
      expect(body.endsWith(noSpace(exp.last)), `body ends: ${a.body.slice(-60)}`).toBe(true)
      const o = overlap(reference(html, exp.first, exp.last), body)
      expect(o.recall).toBeGreaterThanOrEqual(0.9)
      expect(o.precision).toBeGreaterThanOrEqual(0.9)
      if (exp.source) expect(a.source).toBe(exp.source)
      // Paragraphs are lines; no line is blank or padded.
      for (const line of a.body.split('\n')) expect(line).toBe(line.trim())
      expect(a.body).not.toMatch(/\n\n|<\/?[a-z]+[\s>]|function\s*\(|\{\s*"/i)
    })
  }

  it.skipIf(!HAVE_FIXTURES)(`Readability and the density extractor agree on every page${SUFFIX}`, () => {
    for (const exp of EXPECTED.pages) {
      const { trace } = extractArticleTrace(page(exp.file), { now: FIXTURE_NOW })
      expect(trace.via, exp.file).toBe('readability')
      const ratio = trace.readability!.chars / trace.density!.chars
      expect(ratio, exp.file).toBeGreaterThan(0.95)
      expect(ratio, exp.file).toBeLessThan(1.05)
    }
  })

  it.skipIf(!HAVE_FIXTURES)(`reads the publish time from the byline when the meta tags are gone${SUFFIX}`, () => {
    // Pages whose byline states the time to the minute or second.
    const byline: Record<string, string> = {
      'people-1.html': '2019-06-15T08:18:00+08:00',
      'xinhuanet-1.html': '2019-12-10T07:57:40+08:00',
      'zsnews-1.html': '2019-03-06T00:00:00+08:00',
      'thepaper-1.html': '2019-09-24T09:10:00+08:00',
      '163-9.html': '2019-05-17T00:00:00+08:00',
      'qq-2.html': '2019-09-23T07:48:00+08:00',
      'shanxi-1.html': '2019-09-18T06:23:00+08:00',
      'huanqiu-1.html': '2020-06-05T20:35:00+08:00',
      'sina-1.html': '2019-11-25T18:57:00+08:00',
    }
    for (const [file, iso] of Object.entries(byline)) {
      const html = page(file).replace(/<meta\b[^>]*>/gi, '').replace(/\sdata-ptime="[^"]*"/g, '')
      expect(extractArticle(html, { now: FIXTURE_NOW }).publishedAt?.toISOString(), file).toBe(new Date(iso).toISOString())
    }
  })

  it.skipIf(!HAVE_FIXTURES)(`reads bylines: source, author and editor${SUFFIX}`, () => {
    const a = (file: string) => extractArticle(page(file), { now: FIXTURE_NOW })
    // people.com.cn: meta author is a numeric id (ignored); the editor credit closes the article.
    expect(a('people-1.html').author).toBe('汤诗瑶、丁涛')
    expect(a('qq-2.html').author).toBe('biaoffeng')
    expect(a('163-9.html').source).toBe('无锡交警')
  })
})

// ---------------------------------------------------------------------------------------------
// Synthetic pages

const NOW = new Date('2024-05-01T12:00:00+08:00')
const doc = (title: string, body: string, head = '') => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`
const ARTICLE = '<p>4月30日上午，某区街道开展了社区活动，居民积极参与。</p><p>活动持续了两个小时，现场气氛热烈。</p>'
const ARTICLE_TEXT = '4月30日上午，某区街道开展了社区活动，居民积极参与。\n活动持续了两个小时，现场气氛热烈。'
const NOTICE =
  '<p>特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台用户上传并发布，本平台仅提供信息存储服务。如有侵权，请联系我们删除，我们将在第一时间处理。转载请注明出处，违者必究，本网保留追究其法律责任的权利。对于本文的观点，本网不持任何立场，读者请自行判断，本网不承担任何责任。</p>'
const NOTICE_EN = '<p>Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user, which is a social media platform and only provides information storage services.</p>'
const COPYRIGHT = '<div class="bottom">版权所有，未经书面授权禁止使用。Copyright © 1997-2024 某某网, all rights reserved. 地址：某省某市某路1号，电话：12345678，京ICP备12345678号，京公网安备12345678号。</div>'
const related = (n: number) => `<h3>相关新闻</h3><ul>${Array.from({ length: n }, (_, i) => `<li><a href="/n/${i}.html">某区第${i}条新闻：街道开展活动，居民参与</a> <span>2024-04-${String(10 + i).padStart(2, '0')}</span></li>`).join('')}</ul>`

describe('traps', () => {
  it('does not take a 特别声明 / copyright block for the article, even when it is the biggest block', () => {
    const html = doc('某区开展社区活动_某某网', `<div class="main"><h1>某区开展社区活动</h1><div class="info">2024-04-30 10:20 来源：某某网</div><div class="text">${ARTICLE}</div></div><div class="x">${NOTICE}</div>${COPYRIGHT}`)
    const { article, trace } = extractArticleTrace(html, { now: NOW })
    expect(article.body).toBe(ARTICLE_TEXT)
    expect(article.title).toBe('某区开展社区活动')
    expect(article.publishedAt?.toISOString()).toBe('2024-04-30T02:20:00.000Z')
    expect(article.source).toBe('某某网')
    expect(trace.density!.boilerShare).toBe(0)
  })

  it('falls back to the density text when Readability picks the English notice (its ASCII commas)', () => {
    const html = doc('某区开展社区活动_某某网', `<div class="main"><h1>某区开展社区活动</h1><div class="text">${ARTICLE}</div></div><div class="note">${NOTICE}${NOTICE_EN}</div>${COPYRIGHT}`)
    const { article, trace } = extractArticleTrace(html, { now: NOW })
    expect(trace.readability?.boilerShare).toBeGreaterThan(0.5)
    expect(trace.via).toBe('density')
    expect(article.body).toBe(ARTICLE_TEXT)
  })

  it('finds no article on a page that is only a related-news list', () => {
    const { article, trace } = extractArticleTrace(doc('相关新闻_某某网', related(20)), { now: NOW })
    expect(article.body).toBe('')
    expect(trace.via).toBe('none')
  })

  it('keeps a one-sentence article next to a long related-news list, without the headline or the list heading', () => {
    const html = doc('短讯_某某网', `<h1>短讯</h1><div class="c"><p>区政府今天发布通知，明天起调整公交线路，请市民留意。</p></div><div class="r">${related(15)}</div>`)
    const a = extractArticle(html, { now: NOW })
    expect(a.title).toBe('短讯')
    expect(a.body).toBe('区政府今天发布通知，明天起调整公交线路，请市民留意。')
  })

  it('keeps short Chinese paragraphs that Readability drops (its sibling test wants an ASCII period)', () => {
    const long = (i: number) => `<p>第${i}段：区里召开会议，部署防汛工作，要求各街道落实责任，确保群众安全，做好物资储备和人员值守，遇到险情及时上报。</p>`
    const short = (i: number) => `<p>短段${i}：街道干部已经到岗，值班电话保持畅通。</p>`
    const html = doc('防汛_网', `<div id="wrap"><h1>防汛</h1><div class="text">${[1, 2, 3].map(long).join('')}</div>${[1, 2, 3, 4, 5, 6].map(short).join('')}</div>`)
    const { article, trace } = extractArticleTrace(html, { now: NOW })
    expect(trace.readability!.chars).toBeLessThan(0.7 * trace.density!.chars)
    expect(trace.via).toBe('density')
    const lines = article.body.split('\n')
    expect(lines).toHaveLength(9)
    expect(lines[0]).toMatch(/^第1段/)
    expect(lines[8]).toBe('短段6：街道干部已经到岗，值班电话保持畅通。')
  })

  it('gives an empty body, and no crash, for empty and broken pages', () => {
    for (const html of ['', '<html><head></head><body></body></html>', '<html><body><div><p></p></div>', '\u0000\ufffd<<<>>>&&&;', '<html><head><title>只有标题</title></head></html>', '<body><table><tr><td>'.repeat(500)]) {
      const a = extractArticle(html, { now: NOW })
      expect(a.body).toBe('')
      expect(a.publishedAt).toBeNull()
    }
    expect(extractArticle('<p>只有一段话，没有别的。</p>', { now: NOW }).body).toBe('只有一段话，没有别的。')
  })

  it('never lets script, style or noscript text into the body, and runs nothing', () => {
    const g = globalThis as { __newsExtractRan?: boolean }
    const html = doc(
      '标题一_网',
      `<h1>标题一</h1><div class="content">${ARTICLE}<script>globalThis.__newsExtractRan = true; document.write('脚本文字，不应出现。')</script><style>.x:before{content:"样式文字，不应出现。"}</style><noscript>请启用脚本，谢谢。</noscript><img src="x" onerror="globalThis.__newsExtractRan = true"><p>第三段，活动圆满结束。</p></div>`,
      '<style>p{color:red}</style><script>var s = "头部脚本，不应出现。"</script>',
    )
    const a = extractArticle(html, { now: NOW })
    expect(a.body).toBe(`${ARTICLE_TEXT}\n第三段，活动圆满结束。`)
    expect(a.body).not.toMatch(/脚本|样式|启用|color|globalThis/)
    expect(g.__newsExtractRan).toBeUndefined()
  })

  it('decodes HTML entities and normalises whitespace', () => {
    const html = doc('实体&amp;空格_网', `<h1>实体&amp;空格</h1><div class="article"><p>&ldquo;你好&rdquo;&nbsp;&nbsp;他说，A&amp;B &lt;公司&gt;&#x4e2d;&#25991;名称。</p><p>　　第二段\n\t  换行，  结束。</p></div>`)
    const a = extractArticle(html, { now: NOW })
    expect(a.title).toBe('实体&空格')
    expect(a.body).toBe('“你好” 他说，A&B <公司>中文名称。\n第二段 换行，结束。')
  })
})

describe('title', () => {
  const body = `<div class="text">${ARTICLE}</div>`
  it('prefers the heading that the <title> contains, keeping a "|" that belongs to the headline', () => {
    expect(extractArticle(doc('棱镜|数据业大整顿_财经_腾讯网', `<h1>棱镜|数据业大整顿</h1>${body}`), { now: NOW }).title).toBe('棱镜|数据业大整顿')
    expect(extractArticle(doc('1-10月德清县投资趋稳', `<h2>1-10月德清县投资趋稳</h2>${body}`), { now: NOW }).title).toBe('1-10月德清县投资趋稳')
  })
  it('splits the <title> on - _ | and takes the piece the page shows', () => {
    expect(extractArticle(doc('\n法国全国大罢工再次严重影响交通-新华网\n', `<h1></h1><div class="h-title">法国全国大罢工再次严重影响交通</div>${body}`), { now: NOW }).title).toBe('法国全国大罢工再次严重影响交通')
    // "headline 栏目_site": the page shows the headline alone.
    expect(extractArticle(doc('某街道开展调研工作 东区办事处_中山网', `<td><strong>某街道开展调研工作</strong></td>${body}`), { now: NOW }).title).toBe('某街道开展调研工作')
  })
  it('uses og:title when the page has no usable <title>', () => {
    expect(extractArticle(doc('', body, '<meta property="og:title" content="元标题新闻">'), { now: NOW }).title).toBe('元标题新闻')
  })
})

describe('publish time', () => {
  // No date in the body text: that would be the last resort.
  const PLAIN = '<p>上午，某区街道开展了社区活动，居民积极参与。</p><p>活动持续了两个小时，现场气氛热烈。</p>'
  const body = `<h1>某区新闻</h1><div class="text">${PLAIN}</div>`
  const at = (html: string, now = NOW) => extractArticle(html, { now }).publishedAt?.toISOString() ?? null
  it('trusts meta tags first, then JSON-LD, then <time datetime>', () => {
    const ld = '<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2024-04-29T08:00:00+08:00"}]}</script>'
    const time = '<time datetime="2024-04-28T07:00:00+08:00">4月28日</time>'
    expect(at(doc('某区新闻', time + body, '<meta property="article:published_time" content="2024-04-30T09:15:00+08:00">' + ld))).toBe('2024-04-30T01:15:00.000Z')
    expect(at(doc('某区新闻', time + body, ld))).toBe('2024-04-29T00:00:00.000Z')
    expect(at(doc('某区新闻', time + body))).toBe('2024-04-27T23:00:00.000Z')
    expect(at(doc('某区新闻', body, '<script type="application/ld+json">{broken</script>'))).toBeNull()
  })
  it('refines a date-only meta with the byline time of the same day', () => {
    const html = doc('某区新闻', `<h1>某区新闻</h1><div>2024年04月30日08:18 来源：某某网</div><div class="text">${PLAIN}</div>`, '<meta name="publishdate" content="2024-04-30">')
    expect(at(html)).toBe('2024-04-30T00:18:00.000Z')
    const a = extractArticle(html, { now: NOW })
    expect(a.publishedRaw).toBe('2024年04月30日08:18')
    // On a page this small Readability takes the whole body: headline and byline are trimmed off.
    expect(a.body).toBe('上午，某区街道开展了社区活动，居民积极参与。\n活动持续了两个小时，现场气氛热烈。')
    expect(a.source).toBe('某某网')
  })
  it('reads a labelled date after the body before a date inside the body', () => {
    const html = doc('某区新闻', `<h1>某区新闻</h1><div class="text"><p>2024年4月27日下午，街道开展了社区活动，居民积极参与。</p><p>活动持续了两个小时。</p></div><div>发布日期：2024-04-29 责任编辑：某某</div>`)
    expect(at(html)).toBe('2024-04-28T16:00:00.000Z')
    const noLabel = doc('某区新闻', `<h1>某区新闻</h1><div class="text"><p>2024年4月27日下午，街道开展了社区活动，居民积极参与。</p></div>`)
    expect(at(noLabel)).toBe('2024-04-27T04:00:00.000Z')
  })
  it('resolves relative bylines against the fetch time and ignores dates after it', () => {
    expect(at(doc('某区新闻', `<h1>某区新闻</h1><span>3小时前</span><div class="text">${PLAIN}</div>`))).toBe('2024-05-01T01:00:00.000Z')
    expect(at(doc('某区新闻', body, '<meta name="pubdate" content="2030-01-01 08:00">'))).toBeNull()
  })
  it('does not take a date from a related-news list for the publish time', () => {
    const html = doc('某区新闻', `<h1>某区新闻</h1><div class="text">${PLAIN}</div><div class="related">${related(5)}</div>`)
    expect(at(html)).toBeNull()
    // …but the body's own date is the last resort.
    expect(at(doc('某区新闻', `<h1>某区新闻</h1><div class="text">${ARTICLE}</div>`))).toBe('2024-04-29T16:00:00.000Z')
  })
})

describe('author and source', () => {
  it('reads 作者/来源 bylines before meta tags, and skips numeric meta authors', () => {
    const html = doc('某区新闻', `<h1>某区新闻</h1><div>2024-04-30 10:20 来源：某某日报 作者：张三</div><div class="text">${ARTICLE}</div><p>责任编辑：李四</p>`, '<meta name="author" content="104363"><meta name="source" content="别的网">')
    const a = extractArticle(html, { now: NOW })
    expect(a.source).toBe('某某日报')
    expect(a.author).toBe('张三')
    expect(a.body).toBe(ARTICLE_TEXT)
  })
  it('falls back to meta source and the editor credit', () => {
    const html = doc('某区新闻', `<h1>某区新闻</h1><div class="text">${ARTICLE}<p>（责编：王五、赵六）</p></div>`, '<meta name="author" content="104363"><meta name="source" content="来源：某某网-文化频道">')
    const a = extractArticle(html, { now: NOW })
    expect(a.source).toBe('某某网-文化频道')
    expect(a.author).toBe('王五、赵六')
    expect(a.body).toBe(ARTICLE_TEXT)
  })
})

describe('per-domain overrides', () => {
  const html = doc(
    '站点首页',
    `<div class="hd"><span class="t">真正的标题</span><span class="d">2024年4月30日 9:05</span><span class="w">作者：张三</span></div><div class="weird"><span>正文第一句，没有段落标签。</span><span class="ad-inline">广告：买买买！</span><span>正文第二句。</span></div><div class="list">${related(3)}</div>`,
  )
  it('takes title, body, time and author from the configured selectors and removes the listed nodes', () => {
    const override: DomainOverride = { title: '.hd .t', body: '.weird', time: '.hd .d', author: '.hd .w', remove: ['.ad-inline'] }
    const { article, trace } = extractArticleTrace(html, { now: NOW, override })
    expect(trace.via).toBe('override')
    expect(article).toMatchObject({ title: '真正的标题', author: '张三', body: '正文第一句，没有段落标签。正文第二句。' })
    expect(article.publishedAt?.toISOString()).toBe('2024-04-30T01:05:00.000Z')
  })
  it('ignores selectors that do not parse or match nothing', () => {
    const override: DomainOverride = { title: '<<<', body: 'div[', time: '.nope', author: '::bad', remove: ['!!', ''] }
    expect(() => extractArticle(html, { now: NOW, override })).not.toThrow()
    expect(extractArticle(html, { now: NOW, override }).title).toBe('站点首页')
  })
})
