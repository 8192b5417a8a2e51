/** URL canonicalisation: the parser-free fast path must agree with WHATWG parsing everywhere. */
import { describe, expect, it } from 'vitest'
import { canonicalUrl, checkHttpUrl, isPlainHttpUrl } from '../../src/core/url.js'
import { prng } from '../helpers/generate.js'

describe('canonicalUrl', () => {
  it('drops fragments and tracking parameters, sorts the rest, lower-cases scheme and host', () => {
    expect(canonicalUrl('HTTPS://News.Example.COM:443/a/b?utm_source=x&b=2&a=1#top')).toBe('https://news.example.com/a/b?a=1&b=2')
    expect(canonicalUrl('https://m.weibo.cn/detail/4980000000000001')).toBe('https://m.weibo.cn/detail/4980000000000001')
    expect(canonicalUrl('  https://example.com  ')).toBe('https://example.com/')
    expect(canonicalUrl('not a url')).toBe('not a url')
    expect(canonicalUrl('file:///etc/passwd')).toBe('file:///etc/passwd')
  })
  it('takes the fast path only where the URL parser would change nothing', () => {
    const rnd = prng(5)
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!
    const hosts = ['example.com', 'm.weibo.cn', 'EXAMPLE.com', 'a.b', '127.0.0.1', 'a..b', 'a-.com', '-a.com', 'xn--fiqs8s.cn', '1.2.3', 'a.1', 'example.com.', 'user@example.com', 'example.com:80', 'example.com:8080', '宝安.cn', '', 'a_b.com']
    const parts = ['a', 'B', '.', '-', '/', '..', './', '1', '?', '#', '%41', '%zz', '~', '@', '宝安', ' ', '\\', ';', '=', '&', '|', '`', '"', '<', '^', '{', "'", '!', '$', '*', '(', ':', ',', '+', '\t']
    let fast = 0
    for (let i = 0; i < 60_000; i++) {
      let s = pick(['https://', 'http://', 'HTTP://', 'https:/', 'ftp://']) + pick(hosts) + (rnd() < 0.9 ? '/' : '')
      const n = Math.floor(rnd() * 8)
      for (let k = 0; k < n; k++) s += pick(parts)
      if (!isPlainHttpUrl(s)) continue
      fast++
      let parsed: string
      try {
        parsed = new URL(s).toString()
      } catch {
        parsed = '(invalid)'
      }
      expect(parsed, s).toBe(s)
    }
    expect(fast).toBeGreaterThan(800)
  })
})

describe('near misses of the fast path', () => {
  // The fast-path pattern once backtracked exponentially: these took minutes each.
  it('are decided promptly and correctly (long paths before a query, a fragment or a bad character)', () => {
    expect(canonicalUrl('https://news.sina.com.cn/c/2026-01-01/doc-inafxyzabcd123.shtml?utm_source=wb')).toBe('https://news.sina.com.cn/c/2026-01-01/doc-inafxyzabcd123.shtml')
    expect(canonicalUrl('https://www.example.com/articles/2026/01/some-long-article-slug#x')).toBe('https://www.example.com/articles/2026/01/some-long-article-slug')
    const long = 'https://a.com/' + 'abc.def-'.repeat(500)
    expect(checkHttpUrl(long + ' x').ok).toBe(true)
    expect(canonicalUrl(long + '%41')).toBe(long + '%41')
    expect(isPlainHttpUrl('https://' + 'a'.repeat(250) + '.com/' + 'b'.repeat(1500) + '?')).toBe(false)
  })
  it('leave punycode hosts to the URL parser, which validates them', () => {
    expect(isPlainHttpUrl('http://xn--a.com/')).toBe(false)
    expect(checkHttpUrl('http://xn--a.com/')).toEqual({ ok: false, reason: 'not a valid URL' })
    expect(canonicalUrl('https://xn--fiqs8s.cn/a')).toBe('https://xn--fiqs8s.cn/a')
  })
})

describe('checkHttpUrl', () => {
  it('accepts http(s) and names the problem otherwise', () => {
    expect(checkHttpUrl('https://example.com/x').ok).toBe(true)
    expect(checkHttpUrl('https://example.com:8443/x?y=1').ok).toBe(true)
    expect(checkHttpUrl('javascript:alert(1)')).toEqual({ ok: false, reason: 'must be http(s), got javascript:' })
    expect(checkHttpUrl('::nope')).toEqual({ ok: false, reason: 'not a valid URL' })
  })
})
