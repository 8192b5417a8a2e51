/**
 * Page decoding (src/crawlers/news/decode.ts): bytes are trusted before labels. The three GNE
 * pages that declare gb2312 but are UTF-8 (../shared/fixtures/news, read in place) must come out
 * as UTF-8; the same page transcoded to GB18030 in the test, meta tag kept, must come out
 * identical; and lying, missing, garbage or truncated inputs must decode without throwing.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { charsetDecoder, charsetFromContentType, charsetFromMeta, decodeHtml } from '../../src/crawlers/news/decode.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/news')
const HAVE_FIXTURES = existsSync(path.join(FIXTURES, 'people-1.html'))
if (!HAVE_FIXTURES) console.warn(`news-decode: ${FIXTURES} absent, the real-page cases are skipped`)
const SUFFIX = HAVE_FIXTURES ? '' : ' (skipped: ../shared/fixtures/news absent)'

const bytes = (file: string) => readFileSync(path.join(FIXTURES, file))
const gbk = (text: string) => new Uint8Array(iconv.encode(text, 'gb18030'))
const utf8 = (text: string) => new TextEncoder().encode(text)

const PAGE = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>宝安区新闻</title></head><body><p>深圳市宝安区西乡街道今天举行活动，居民踊跃参加。镕玥堃（GB18030 扩展字）</p></body></html>'
const BARE = '<html><head><title>宝安区新闻</title></head><body><p>深圳市宝安区西乡街道今天举行活动，居民踊跃参加，现场气氛热烈。</p></body></html>'

describe('the GNE fixture pages', () => {
  const lying = { 'people-1.html': '女儿出嫁，郑板桥画了几笔兰花当嫁妆', '163-9.html': '京沪高速无锡至江阴大桥至广陵枢纽段封闭', 'qq-2.html': '数据业大整顿：爬虫与现金贷共生共荣' }
  for (const [file, title] of Object.entries(lying)) {
    it.skipIf(!HAVE_FIXTURES)(`${file} declares gb2312 but is UTF-8, and reads as UTF-8${SUFFIX}`, () => {
      const b = bytes(file)
      expect(charsetFromMeta(b)?.toLowerCase()).toBe('gb2312')
      const d = decodeHtml(b, 'text/html; charset=gb2312')
      expect(d).toMatchObject({ charset: 'utf-8', via: 'utf-8' })
      expect(d.text).toBe(b.toString('utf8'))
      expect(d.text).toContain(title)
    })
  }

  it.skipIf(!HAVE_FIXTURES)(`reads a real GBK page (people-1.html transcoded to GB18030, meta kept) identically${SUFFIX}`, () => {
    const text = bytes('people-1.html').toString('utf8')
    const b = gbk(text)
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(b)).toThrow()
    expect(decodeHtml(b)).toEqual({ text, charset: 'gb18030', via: 'meta' })
    expect(decodeHtml(b, 'text/html; charset=GBK')).toEqual({ text, charset: 'gb18030', via: 'http' })
    // A server default of ISO-8859-1 loses to the page's own gb2312.
    expect(decodeHtml(b, 'text/html; charset=ISO-8859-1')).toEqual({ text, charset: 'gb18030', via: 'meta' })
    // No label anywhere: detected.
    const bare = gbk(text.replace(/charset=GB2312/i, ''))
    expect(decodeHtml(bare)).toMatchObject({ charset: 'gb18030', via: 'detected' })
    expect(decodeHtml(bare).text).toBe(text.replace(/charset=GB2312/i, ''))
  })

  it.skipIf(!HAVE_FIXTURES)(`reads every fixture page as UTF-8 whatever the HTTP header says${SUFFIX}`, () => {
    for (const file of ['xinhuanet-1.html', 'zsnews-1.html', 'thepaper-1.html', 'baijiahao-1.html', 'gzggw-1.html', 'shanxi-1.html', 'huanqiu-1.html', 'sina-1.html']) {
      expect(decodeHtml(bytes(file), 'text/html; charset=gbk').via, file).toBe('utf-8')
    }
  })
})

describe('decodeHtml', () => {
  it('reads GB18030 characters from a page labelled gb2312 (decoded as its superset)', () => {
    const d = decodeHtml(gbk(PAGE))
    expect(d).toMatchObject({ charset: 'gb18030', via: 'meta', text: PAGE })
  })

  it('honours the Content-Type charset when the bytes are not UTF-8', () => {
    expect(decodeHtml(gbk(BARE), 'text/html; charset=GBK')).toEqual({ text: BARE, charset: 'gb18030', via: 'http' })
    expect(decodeHtml(gbk(BARE), 'text/html;charset="gb2312"')).toEqual({ text: BARE, charset: 'gb18030', via: 'http' })
    const trad = '<p>臺北市信義區今天舉行活動，居民踴躍參加。</p>'
    expect(decodeHtml(new Uint8Array(iconv.encode(trad, 'big5')), 'text/html; charset=big5')).toEqual({ text: trad, charset: 'big5', via: 'http' })
    // The header outranks the meta tag.
    const sjis = new Uint8Array(iconv.encode('<meta charset="gbk"><p>東京都の天気、晴れ。</p>', 'shift_jis'))
    expect(decodeHtml(sjis, 'text/html; charset=Shift_JIS')).toMatchObject({ charset: 'shift_jis', via: 'http', text: '<meta charset="gbk"><p>東京都の天気、晴れ。</p>' })
  })

  it('reads UTF-8 bytes right when the HTTP header lies (says gbk)', () => {
    expect(decodeHtml(utf8(PAGE), 'text/html; charset=gbk')).toEqual({ text: PAGE, charset: 'utf-8', via: 'utf-8' })
  })

  it('skips a declared UTF-8 that the bytes are not', () => {
    expect(decodeHtml(gbk(PAGE), 'text/html; charset=utf-8')).toMatchObject({ charset: 'gb18030', via: 'meta', text: PAGE })
    expect(decodeHtml(gbk('<meta charset="utf-8">' + BARE))).toMatchObject({ charset: 'gb18030', via: 'detected' })
  })

  it('follows a byte-order mark and drops it', () => {
    const withBom = (bom: number[], body: Uint8Array) => new Uint8Array([...bom, ...body])
    expect(decodeHtml(withBom([0xef, 0xbb, 0xbf], utf8(PAGE)), 'text/html; charset=gbk')).toEqual({ text: PAGE, charset: 'utf-8', via: 'bom' })
    const le = new Uint8Array(Buffer.from(BARE, 'utf16le'))
    expect(decodeHtml(withBom([0xff, 0xfe], le))).toEqual({ text: BARE, charset: 'utf-16le', via: 'bom' })
    const be = new Uint8Array(Buffer.from(BARE, 'utf16le'))
    for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!]
    expect(decodeHtml(withBom([0xfe, 0xff], be))).toEqual({ text: BARE, charset: 'utf-16be', via: 'bom' })
  })

  it('survives a multi-byte character cut off at the end', () => {
    const u = utf8(BARE + '中')
    const cutU = decodeHtml(u.subarray(0, u.length - 1))
    expect(cutU).toMatchObject({ charset: 'utf-8', via: 'utf-8' })
    expect(cutU.text).toBe(BARE + '\ufffd')
    const g = gbk(PAGE + '中')
    const cutG = decodeHtml(g.subarray(0, g.length - 1))
    expect(cutG).toMatchObject({ charset: 'gb18030', via: 'meta' })
    expect(cutG.text.startsWith(PAGE)).toBe(true)
    const bare = gbk(BARE + '中')
    expect(decodeHtml(bare.subarray(0, bare.length - 1)).via).toBe('detected')
    expect(() => decodeHtml(new Uint8Array([0xe4, 0xb8]))).not.toThrow()
  })

  it('never throws on unknown or garbage charset names', () => {
    const b = gbk(BARE)
    const refused = ['utf-7', 'UTF7', 'base64', 'hex', 'hz-gb-2312', 'iso-2022-kr', 'utf-32']
    for (const ct of ['text/html; charset=x-no-such-thing', 'text/html; charset=', 'text/html; charset="', 'text/html; charset=../../etc/passwd', `text/html; charset=${'a'.repeat(5000)}`, '', null, undefined, ...refused.map((c) => `text/html; charset=${c}`)]) {
      expect(decodeHtml(b, ct)).toMatchObject({ text: BARE, charset: 'gb18030' })
    }
    const meta = gbk('<meta charset="klingon-2000"><p>深圳市宝安区西乡街道今天举行活动，居民踊跃参加。</p>')
    expect(decodeHtml(meta)).toMatchObject({ charset: 'gb18030', via: 'detected' })
  })

  it('falls back to GB18030 for bytes that are nothing in particular', () => {
    const noise = new Uint8Array(256).map((_, i) => (i * 37 + 11) % 256)
    const d = decodeHtml(noise)
    expect(d).toMatchObject({ charset: 'gb18030', via: 'fallback' })
    expect(decodeHtml(new Uint8Array(0))).toEqual({ text: '', charset: 'utf-8', via: 'utf-8' })
  })
})

describe('charset labels', () => {
  it('reads the charset from Content-Type and from either form of meta tag', () => {
    expect(charsetFromContentType('text/html; charset=GB2312')).toBe('GB2312')
    expect(charsetFromContentType('text/html;Charset="utf-8"; foo=bar')).toBe('utf-8')
    expect(charsetFromContentType('text/html')).toBeNull()
    expect(charsetFromMeta(utf8('<meta charset="gbk">'))).toBe('gbk')
    expect(charsetFromMeta(utf8("<META CHARSET='GB2312' />"))).toBe('GB2312')
    expect(charsetFromMeta(utf8('<meta content="text/html; charset=gb2312" http-equiv="Content-Type">'))).toBe('gb2312')
    expect(charsetFromMeta(utf8('<meta http-equiv="Content-Type" content="text/html;charset=big5">'))).toBe('big5')
    expect(charsetFromMeta(utf8(' '.repeat(5000) + '<meta charset="gbk">'))).toBeNull()
  })

  it('maps the GB family to gb18030 and rejects unknown names', () => {
    for (const l of ['gb2312', 'GBK', 'x-gbk', 'cp936', 'GB_2312-80', 'gb18030', 'euc-cn']) expect(charsetDecoder(l)?.name, l).toBe('gb18030')
    expect(charsetDecoder('big5')?.name).toBe('big5')
    expect(charsetDecoder('latin1')?.name).toBe('windows-1252')
    for (const l of ['', 'nope', 'utf-99', 'gb2312; drop table', 'x'.repeat(100), 'utf-7', 'base64', 'hz-gb-2312']) expect(charsetDecoder(l), l).toBeNull()
    expect(charsetDecoder('cp950')?.name).toBe('cp950') // iconv-lite only
  })
})
