/**
 * News search engine result pages (src/crawlers/news/engines.ts): the current and an older
 * generation of Baidu's markup, Sogou, 360 (data-mdurl, aggregate cards), relative dates, and
 * the no-results page told apart from a layout the selectors no longer fit.
 */
import { describe, expect, it } from 'vitest'
import { ENGINES, isNoResultsPage, parseEnginePage } from '../../src/crawlers/news/engines.js'

const now = new Date('2026-11-26T02:30:00Z') // 10:30 in Beijing

describe('parseEnginePage', () => {
  it('reads Baidu’s current markup: title, redirect link, source, relative date, snippet', () => {
    const html = `<div id="content_left"><div class="result-op c-container xpath-log new-pmd"><h3 class="news-title_1YtI1"><a href="https://www.baidu.com/link?url=AbC123">深圳<em>宝安</em>新增三所公办学校</a></h3>
      <span class="c-font-normal c-color-text">记者从宝安区教育局获悉……</span><span class="c-color-gray c-font-normal c-gap-right" aria-label="新闻来源：南方都市报">南方都市报</span><span class="c-color-gray2 c-font-normal">3小时前</span></div></div>`
    expect(parseEnginePage('baidu', html, 'https://www.baidu.com/s?tn=news&wd=宝安', now)).toEqual([
      { title: '深圳宝安新增三所公办学校', url: 'https://www.baidu.com/link?url=AbC123', target: null, snippet: '记者从宝安区教育局获悉……', source: '南方都市报', publishedAt: new Date('2026-11-25T23:30:00Z'), publishedRaw: '3小时前' },
    ])
  })

  it('falls back to Baidu’s older markup (h3.c-title, p.c-author "source  date")', () => {
    const html = `<div class="result" id="1"><h3 class="c-title"><a href="http://www.example.cn/a/1.html">西乡街道开展环境整治行动</a></h3>
      <div class="c-summary c-row"><p class="c-author">深圳新闻网&nbsp;&nbsp;2026年11月25日 09:15</p>近日，宝安区西乡街道……</div></div>`
    const [r] = parseEnginePage('baidu', html, 'https://www.baidu.com/s', now)
    expect(r).toMatchObject({ title: '西乡街道开展环境整治行动', url: 'http://www.example.cn/a/1.html', source: '深圳新闻网', publishedAt: new Date('2026-11-25T01:15:00Z') })
  })

  it('reads Sogou and 360 (real target from data-mdurl; aggregate cards skipped; unsafe links dropped)', () => {
    const sogou = `<div id="result"><div class="vrwrap"><h3 class="vr-title"><a href="/link?url=abc">暴雨致宝安多处路段积水</a></h3><p class="news-from text-lightgray"><span>深圳特区报</span><span>昨天 14:20</span></p><p class="star-wiki">受强降雨影响……</p></div></div>`
    expect(parseEnginePage('sogou', sogou, 'https://news.sogou.com/news?query=宝安', now)[0]).toMatchObject({ url: 'https://news.sogou.com/link?url=abc', source: '深圳特区报', publishedAt: new Date('2026-11-25T06:20:00Z') })
    const so = `<ul class="result"><li class="res-list"><h3><a href="https://www.so.com/link?m=x1" data-mdurl="https://news.example.cn/2026/1.html">宝安区召开安全生产工作会议</a></h3><p class="res-desc">会议要求……</p><p class="newsinfo"><span class="sitename">宝安日报</span><span class="posttime">2026-11-25 16:00</span></p></li>
      <li class="res-list" data-mohe-type="news_agg"><h3><a href="https://www.so.com/agg">宝安 相关新闻</a></h3></li>
      <li class="res-list"><h3><a href="javascript:alert(1)">坏链接</a></h3></li></ul>`
    const res = parseEnginePage('so360', so, 'https://news.so.com/ns?q=宝安', now)
    expect(res).toHaveLength(1)
    expect(res[0]).toMatchObject({ target: 'https://news.example.cn/2026/1.html', source: '宝安日报', publishedAt: new Date('2026-11-25T08:00:00Z') })
  })

  it('tells a no-results page from a page whose layout changed', () => {
    const none = '<div class="content_none"><p>抱歉，没有找到与“宝安”相关的新闻。</p></div>'
    expect(parseEnginePage('baidu', none, 'https://www.baidu.com/s', now)).toEqual([])
    expect(isNoResultsPage(none)).toBe(true)
    expect(isNoResultsPage('<div class="brand-new-layout"><a href="/x">宝安</a></div>')).toBe(false)
  })

  it('builds each engine’s search URL from a configurable base', () => {
    expect(ENGINES.baidu.search('http://127.0.0.1:9', '宝安区', 3)).toBe('http://127.0.0.1:9/s?tn=news&rtt=4&bsst=1&cl=2&ie=utf-8&wd=%E5%AE%9D%E5%AE%89%E5%8C%BA&pn=20')
    expect(ENGINES.sogou.search('https://news.sogou.com', '宝安', 2)).toBe('https://news.sogou.com/news?query=%E5%AE%9D%E5%AE%89&page=2&sort=1&mode=1&ie=utf8')
    expect(ENGINES.so360.search('https://news.so.com', '宝安', 1)).toBe('https://news.so.com/ns?q=%E5%AE%9D%E5%AE%89&pn=1&rank=pdate&tn=news')
  })
})
