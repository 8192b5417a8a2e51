/**
 * Feed parsing (src/crawlers/news/feeds.ts): RSS 2.0, RSS 1.0 (RDF) and Atom, dates in RFC 822,
 * ISO and Chinese forms, relative links, HTML in descriptions, GBK feeds, and what is not a feed.
 */
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { FeedError, decodeFeed, parseFeed } from '../../src/crawlers/news/feeds.js'

const now = new Date('2026-11-26T02:30:00Z')

const RSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>中国新闻网-滚动新闻</title><link>https://www.chinanews.com.cn/</link>
<item><title>宝安区召开安全生产工作会议</title><link>/gn/2026/11-25/10001.shtml</link>
<description><![CDATA[<p>11月25日，宝安区召开<b>安全生产</b>工作会议。</p>]]></description>
<pubDate>Wed, 25 Nov 2026 10:00:00 +0800</pubDate><source>宝安日报</source></item>
<item><title>没有链接的条目</title><pubDate>Wed, 25 Nov 2026 09:00:00 +0800</pubDate></item>
<item><title>中文日期 &amp; 实体</title><link>https://example.com/a?x=1&amp;y=2</link><pubDate>2026-11-25 08:30:00</pubDate></item>
<item><title>危险链接</title><link>javascript:alert(1)</link></item>
</channel></rss>`

describe('parseFeed', () => {
  it('reads RSS 2.0 items: absolute links, RFC 822 and Chinese dates, plain-text descriptions', () => {
    const f = parseFeed(RSS, 'https://www.chinanews.com.cn/rss/scroll-news.xml', now)
    expect(f.title).toBe('中国新闻网-滚动新闻')
    expect(f.items).toEqual([
      {
        title: '宝安区召开安全生产工作会议',
        url: 'https://www.chinanews.com.cn/gn/2026/11-25/10001.shtml',
        publishedAt: new Date('2026-11-25T02:00:00Z'),
        publishedRaw: 'Wed, 25 Nov 2026 10:00:00 +0800',
        summary: '11月25日，宝安区召开 安全生产 工作会议。',
        source: '宝安日报',
      },
      { title: '中文日期 & 实体', url: 'https://example.com/a?x=1&y=2', publishedAt: new Date('2026-11-25T00:30:00Z'), publishedRaw: '2026-11-25 08:30:00', summary: null, source: null },
    ])
  })

  it('reads Atom entries and RSS 1.0 (RDF) items', () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>深圳新闻</title>
<entry><title>西乡街道环境整治</title><link rel="alternate" href="https://sz.example.cn/a/1.html"/><link rel="enclosure" href="https://sz.example.cn/a/1.jpg"/>
<published>2026-11-25T09:15:00+08:00</published><summary>整治行动</summary><author><name>深圳新闻网</name></author></entry></feed>`
    expect(parseFeed(atom, 'https://sz.example.cn/feed', now).items).toEqual([
      { title: '西乡街道环境整治', url: 'https://sz.example.cn/a/1.html', publishedAt: new Date('2026-11-25T01:15:00Z'), publishedRaw: '2026-11-25T09:15:00+08:00', summary: '整治行动', source: '深圳新闻网' },
    ])
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>RDF</title></channel><item><title>一条</title><link>https://r.example/1</link><dc:date>2026-11-24T12:00:00Z</dc:date><dc:creator>记者</dc:creator></item></rdf:RDF>`
    expect(parseFeed(rdf, 'https://r.example/', now).items[0]).toMatchObject({ url: 'https://r.example/1', publishedAt: new Date('2026-11-24T12:00:00Z'), source: '记者' })
  })

  it('throws a one-line FeedError for what is not a feed', () => {
    expect(() => parseFeed('<html><body>404</body></html>', 'https://x/', now)).toThrow(FeedError)
    expect(() => parseFeed('<html><body>404</body></html>', 'https://x/', now)).toThrow(/neither RSS nor Atom \(root: html\)/)
    expect(() => parseFeed('<rss><channel><item><title>cut', 'https://x/', now)).toThrow(FeedError)
  })
})

describe('decodeFeed', () => {
  it('decodes UTF-8 (with or without BOM) and GBK by the XML declaration', () => {
    expect(decodeFeed(Buffer.from(RSS, 'utf8'))).toBe(RSS)
    expect(decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RSS, 'utf8')]))).toBe(RSS)
    const gbkXml = RSS.replace('encoding="utf-8"', 'encoding="gb2312"')
    expect(decodeFeed(iconv.encode(gbkXml, 'gbk'))).toBe(gbkXml)
    // No declaration, charset only in the HTTP header.
    const bare = RSS.replace(/^<\?xml[^>]*>/, '')
    expect(decodeFeed(iconv.encode(bare, 'gbk'), 'application/rss+xml; charset=GBK')).toBe(bare)
  })
})
