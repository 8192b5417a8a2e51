/**
 * The HTML, PDF and DOCX report renderers on a realistic 宝安区 daily model full of hostile
 * crawled text (test/helpers/report-model.ts). The HTML is opened in real Chromium with
 * JavaScript ON, so any markup that escaped would run: nothing may run, fire a dialog or make a
 * request. The PDF's text is extracted with pdfjs, the DOCX's XML is unzipped and validated.
 *
 * Without Chromium (apt-get install chromium fonts-wqy-zenhei, or $YUQING_CHROMIUM) the browser
 * tests are skipped, and their names say why.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { XMLValidator } from 'fast-xml-parser'
import { strFromU8, unzipSync } from 'fflate'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserMissing, findChromium } from '../../src/crawlers/browser.js'
import { renderCharts } from '../../src/report/charts.js'
import { renderDocx } from '../../src/report/docx.js'
import { HTML_CSP, renderHtml } from '../../src/report/html.js'
import { SECTION_TITLES, type ReportModel } from '../../src/report/model.js'
import { renderPdf } from '../../src/report/pdf.js'
import { cleanText, escapeHtml, safeHttpUrl } from '../../src/report/text.js'
import { HOSTILE, KNOWN, reportModel } from '../helpers/report-model.js'

const chromium = findChromium(undefined, process.env)
const needs = chromium ? '' : ' [skipped: Chromium is not installed]'
if (!chromium) console.warn('report-render: browser tests skipped, Chromium is not installed (apt-get install chromium fonts-wqy-zenhei, or set YUQING_CHROMIUM)')

const BIDI_OR_CONTROL = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const CHARTS = ['trend-daily', 'trend-hourly', 'sentiment', 'hot-events', 'media-tiers', 'platforms', 'index-dimensions']
const CJK_FONT = /WenQuanYi|Noto Sans CJK|Source Han|Microsoft YaHei|PingFang/i

let model: ReportModel
let html: string
let dir: string

beforeAll(async () => {
  model = reportModel()
  html = await renderHtml(model)
  dir = mkdtempSync(path.join(os.tmpdir(), 'yuqing-report-'))
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('report text helpers', () => {
  it('cleanText strips bidi and control characters, collapses whitespace and truncates by code point with …', () => {
    expect(cleanText(HOSTILE.rtl, 100)).not.toMatch(BIDI_OR_CONTROL)
    expect(cleanText(HOSTILE.controls, 100)).toBe('abcde')
    expect(cleanText(' a \n\t b ', 10)).toBe('a b')
    const cut = cleanText(HOSTILE.huge, 200)
    expect(Array.from(cut)).toHaveLength(200)
    expect(cut.endsWith('…')).toBe(true)
    // A surrogate pair is never split.
    expect(cleanText('😀'.repeat(10), 5)).toBe('😀😀😀😀…')
    expect(cleanText('x\ud800y', 10)).toBe('x\ufffdy')
    expect(cleanText(null)).toBe('')
  })
  it('safeHttpUrl accepts only absolute http(s) urls', () => {
    expect(safeHttpUrl('https://weibo.com/1/abc?x=1')).toBe('https://weibo.com/1/abc?x=1')
    expect(safeHttpUrl(HOSTILE.attrUrl)).toBe('https://example.com/a%22%3E%3Csvg%20onload=window.__pwned=7%3E')
    for (const bad of [HOSTILE.jsUrl, HOSTILE.jsUrlUpper, HOSTILE.dataUrl, HOSTILE.fileUrl, 'java\tscript:alert(1)', 'vbscript:x', '//evil.example/x', '/relative', 'https://user:pw@evil.example/', 'https://a.example/\u202Ex', '', null])
      expect(safeHttpUrl(bad), String(bad)).toBeNull()
  })
  it('escapeHtml escapes text and attribute contexts', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;')
  })
})

describe('renderHtml', () => {
  it('is one self-contained document: CSP meta, no script, no external resource, every section in order', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">`)
    expect(HTML_CSP).toContain("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    // Crawled text is escaped, so a `<` in the document starts one of our own tags.
    const bad: Array<[string, RegExp]> = [
      ['script', /<script/i],
      ['embedding elements', /<(?:link|iframe|object|embed|img|image|base|form|meta http-equiv="refresh")\b/i],
      ['resource attributes', /<[^>]*\s(?:src|srcset|xlink:href|action|formaction|on[a-z]+)\s*=/i],
      // echarts' clip paths refer to ids in the same SVG (url(#zr0-c0)); nothing else may be referenced.
      ['CSS urls', /url\((?!#zr\d+-c\d+\))|@import/i],
      ['bidi or control characters', BIDI_OR_CONTROL],
    ]
    for (const [what, re] of bad) expect(re.exec(html)?.[0] ?? null, what).toBeNull()
    // The 200,000-character strings are cut.
    expect(html.length).toBeLessThan(250_000)
    let at = -1
    for (const [key, title] of SECTION_TITLES) {
      const i = html.indexOf(`<h2>${escapeHtml(title)}</h2>`)
      expect(i, `${key} ${title}`).toBeGreaterThan(at)
      at = i
    }
    expect(html).toContain(escapeHtml(KNOWN.title))
    expect(html).toContain('广东省深圳市宝安区（440306）')
  })

  it('escapes every hostile string and links only http(s) urls', () => {
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;')
    expect(html).not.toContain(HOSTILE.img)
    expect(html).not.toContain(HOSTILE.attr)
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!)
    expect(hrefs.length).toBeGreaterThan(5)
    for (const h of hrefs) expect(h).toMatch(/^https?:\/\//)
    expect(hrefs).toContain('https://example.com/a%22%3E%3Csvg%20onload=window.__pwned=7%3E')
    for (const a of html.match(/<a\b[^>]*>/g) ?? []) expect(a).toContain('rel="noopener noreferrer nofollow"')
    // The refused urls are shown as text.
    expect(html).toContain('链接（未启用）：javascript:alert(1)')
  })

  it('shows the note of an insufficient section instead of its tables', () => {
    const geo = /<section class="sec" id="sec-geo"[^>]*>([\s\S]*?)<\/section>/.exec(html)![1]!
    expect(geo).toContain(model.sections.geo.note!)
    expect(/<table|<figure|航城街道|湖北/.test(geo)).toBe(false)
    expect(html).toContain('data-status="insufficient"')
  })

  it('inlines one SVG per chart, with the crawled labels escaped by echarts', async () => {
    const figures = [...html.matchAll(/<figure class="chart" data-chart="([a-z-]+)">/g)].map((m) => m[1])
    expect(figures).toEqual(CHARTS)
    expect((html.match(/<svg\b/g) ?? []).length).toBe(CHARTS.length)
    const charts = await renderCharts(model)
    const hot = charts.svg['hot-events']!
    expect(hot).toContain('&lt;/text&gt;&lt;script&gt;')
    expect(hot).not.toMatch(/<script|<\/text><script/)
    expect(hot).toContain('西乡街道小区地下车库积水')
    expect(charts.svg.sentiment).toMatch(/正面 \d+(\.\d+)?%/)
    for (const svg of Object.values(charts.svg)) expect(svg).toContain("font-family:'WenQuanYi Zen Hei'")
  })

  it('omits the charts of insufficient sections', async () => {
    const m = reportModel()
    m.sections.trend = { status: 'insufficient', note: '近 30 日数据不足 3 天，走势图从略。', daily: [], hourly: [] }
    const charts = await renderCharts(m)
    expect(charts.svg['trend-daily']).toBeUndefined()
    expect(charts.svg['trend-hourly']).toBeUndefined()
    const h = await renderHtml(m)
    expect(h).toContain('近 30 日数据不足 3 天，走势图从略。')
    expect((h.match(/<svg\b/g) ?? []).length).toBe(CHARTS.length - 2)
  })
})

describe.skipIf(!chromium)(`HTML report in real Chromium${needs}`, () => {
  let browser: Browser
  beforeAll(async () => {
    const { chromium: pw } = await import('playwright')
    browser = await pw.launch({ executablePath: chromium!, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] })
  })
  afterAll(async () => {
    await browser?.close()
  })

  /** Opens `doc` from a file with JavaScript on, recording every request, dialog and CSP violation. */
  async function open(name: string, doc: string): Promise<{ page: Page; requests: string[]; dialogs: string[]; errors: string[]; file: string }> {
    const file = path.join(dir, name)
    writeFileSync(file, doc)
    const url = pathToFileURL(file).href
    const context = await browser.newContext({ javaScriptEnabled: true, viewport: { width: 1100, height: 1400 }, locale: 'zh-CN' })
    const requests: string[] = []
    const dialogs: string[] = []
    const errors: string[] = []
    await context.route('**/*', (route) => {
      const u = route.request().url()
      if (u === url) return route.continue()
      requests.push(u)
      return route.abort()
    })
    await context.addInitScript(() => {
      ;(window as any).__csp = []
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`))
    })
    const page = await context.newPage()
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url())
    })
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForTimeout(300)
    return { page, requests, dialogs, errors, file }
  }

  it('runs nothing, requests nothing and has no active markup, even with its CSP removed and JavaScript on', async () => {
    // Without the CSP, only the escaping stands between the crawled text and the page.
    const bare = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    expect(bare).not.toContain('Content-Security-Policy')
    const { page, requests, dialogs, errors } = await open('bare.html', bare)
    try {
      // The page can run script (the test would otherwise prove nothing).
      expect(await page.evaluate(() => 1 + 1)).toBe(2)
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined()
      expect(dialogs).toEqual([])
      expect(errors).toEqual([])
      expect(requests).toEqual([])
      const dom = await page.evaluate(() => {
        const all = [...document.querySelectorAll('*')]
        return {
          scripts: document.querySelectorAll('script').length,
          active: document.querySelectorAll('iframe,object,embed,img,image,foreignObject,link,base,form,input').length,
          onAttrs: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
          hrefs: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
          otherHrefs: all.filter((el) => el.tagName !== 'A' && (el.hasAttribute('href') || el.hasAttribute('src') || el.hasAttribute('xlink:href'))).length,
          svgs: document.querySelectorAll('figure.chart > svg').length,
          text: document.body.innerText,
          outer: document.documentElement.outerHTML,
          headings: [...document.querySelectorAll('section.sec > h2')].map((h) => h.textContent),
        }
      })
      expect(dom.scripts).toBe(0)
      expect(dom.active).toBe(0)
      expect(dom.onAttrs).toEqual([])
      expect(dom.otherHrefs).toBe(0)
      expect(dom.hrefs.length).toBeGreaterThan(5)
      for (const h of dom.hrefs) expect(h).toMatch(/^https?:\/\//)
      expect(dom.svgs).toBe(CHARTS.length)
      expect(dom.headings).toEqual(SECTION_TITLES.map(([, t]) => t))
      expect(dom.text).toContain(KNOWN.title)
      expect(dom.text).toContain('1,287')
      // The hostile markup is visible as text, inert.
      expect(dom.text).toContain(HOSTILE.script)
      expect(dom.text).toContain(model.sections.geo.note!)
      expect(dom.text).not.toMatch(BIDI_OR_CONTROL)
      expect(dom.outer).not.toMatch(BIDI_OR_CONTROL)
    } finally {
      await page.context().close()
    }
  })

  it('renders under its own CSP without a violation; Chinese text uses a CJK font; charts have size and paths; full-page screenshot is a proper PNG', async () => {
    const { page, requests, dialogs } = await open('report.html', html)
    try {
      expect(await page.evaluate(() => (window as any).__csp)).toEqual([])
      expect(requests).toEqual([])
      expect(dialogs).toEqual([])
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined()

      // Which platform fonts Chromium actually used for the glyphs (not what CSS asked for).
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('DOM.enable')
      await cdp.send('CSS.enable')
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
      const fontsOf = async (selector: string) => {
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
        expect(nodeId, selector).toBeGreaterThan(0)
        return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts
      }
      for (const sel of ['h1', '#sec-overview > h2', '#sec-hotEvents td', 'figure[data-chart="sentiment"] svg text']) {
        const fonts = await fontsOf(sel)
        expect(
          fonts.some((f) => CJK_FONT.test(f.familyName) && f.glyphCount > 0),
          `${sel}: ${JSON.stringify(fonts)}`,
        ).toBe(true)
      }
      // And the heading's CJK glyphs are full-width (a tofu or Latin fallback would not be).
      const w = await page.evaluate(() => {
        const h = document.querySelector('#sec-overview > h2')!
        const r = document.createRange()
        r.selectNodeContents(h)
        const size = parseFloat(getComputedStyle(h).fontSize)
        return { width: r.getBoundingClientRect().width, size, chars: h.textContent!.length }
      })
      expect(w.width / w.chars / w.size).toBeGreaterThan(0.9)
      expect(w.width / w.chars / w.size).toBeLessThan(1.1)

      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('figure.chart')].map((f) => {
          const svg = f.querySelector('svg')!
          const box = svg.getBoundingClientRect()
          const paths = [...svg.querySelectorAll('path')]
          const drawn = paths.filter((p) => {
            const b = p.getBBox()
            return b.width > 0 || b.height > 0
          }).length
          return { name: f.getAttribute('data-chart'), w: box.width, h: box.height, paths: paths.length, drawn, texts: svg.querySelectorAll('text').length }
        }),
      )
      expect(charts.map((c) => c.name)).toEqual(CHARTS)
      for (const c of charts) {
        expect(c.w, c.name!).toBeGreaterThan(200)
        expect(c.h, c.name!).toBeGreaterThan(100)
        expect(c.drawn, c.name!).toBeGreaterThan(2)
        expect(c.texts, c.name!).toBeGreaterThan(2)
      }

      const png = path.join(dir, 'report.png')
      await page.screenshot({ path: png, fullPage: true })
      const buf = readFileSync(png)
      expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true)
      expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR')
      const width = buf.readUInt32BE(16)
      const height = buf.readUInt32BE(20)
      expect(width).toBe(1100)
      expect(height).toBeGreaterThan(3000)
      expect(height).toBeLessThan(20000)
      expect(statSync(png).size).toBeGreaterThan(150_000)
      if (process.env.YUQING_KEEP_SCREENSHOT) writeFileSync(process.env.YUQING_KEEP_SCREENSHOT, buf)
    } finally {
      await page.context().close()
    }
  })
})

describe('renderPdf', () => {
  it('without Chromium at the configured path: BrowserMissing with the apt hint', async () => {
    const err = await renderPdf('<p>x</p>', { executablePath: path.join(os.tmpdir(), 'no-such-chromium'), env: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(BrowserMissing)
    expect(err.message).toContain('Chromium not found')
    expect(err.hint).toContain('apt-get install -y chromium fonts-wqy-zenhei')
  })

  it.skipIf(!chromium)(`prints an A4 PDF whose text has the title, the headings and the numbers, and only http(s) links${needs}`, async () => {
    const pdf = await renderPdf(html, { env: process.env })
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(50_000)
    const raw = pdf.toString('latin1')
    expect(raw).not.toMatch(/\/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction)\b/)

    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise
    try {
      expect(doc.numPages).toBeGreaterThan(2)
      const page1 = await doc.getPage(1)
      const [, , w, h] = page1.view
      // A4: 595 × 842 pt.
      expect(Math.abs(w! - 595.3)).toBeLessThan(2)
      expect(Math.abs(h! - 841.9)).toBeLessThan(2)
      let text = ''
      const links: string[] = []
      for (let i = 1; i <= doc.numPages; i++) {
        const page = await doc.getPage(i)
        const content = await page.getTextContent()
        text += content.items.map((it) => ('str' in it ? it.str : '')).join('') + '\n'
        for (const a of await page.getAnnotations()) if (a.subtype === 'Link') links.push(a.url ?? a.unsafeUrl ?? `(action ${JSON.stringify(a.action ?? a.dest ?? null)})`)
      }
      const flat = text.replace(/\s+/g, '')
      expect(flat).toContain(KNOWN.title)
      for (const t of ['舆情概况', '重点舆情/预警', '热点事件TOP10', '网络形象指数', '数据说明', '政务回应跟踪']) expect(flat).toContain(t)
      expect(flat).toContain('1,287')
      expect(flat).toContain('广东省深圳市宝安区')
      // The hostile markup is printed as text…
      expect(flat).toContain('<script>window.__pwned=1</script>')
      // …and the only active things are http(s) links.
      expect(links.length).toBeGreaterThan(5)
      for (const l of links) expect(l).toMatch(/^https?:\/\//)
      expect(links.some((l) => /^(javascript|data|file):/i.test(l))).toBe(false)
    } finally {
      await doc.destroy()
    }
  })
})

describe('renderDocx', () => {
  let files: Record<string, Uint8Array>
  let xml: string
  beforeAll(async () => {
    const buf = await renderDocx(model)
    expect(buf.subarray(0, 2).toString('latin1')).toBe('PK')
    files = unzipSync(new Uint8Array(buf))
    xml = strFromU8(files['word/document.xml']!)
  })

  it('is a well-formed Word document with the title, every section heading, tables and the insufficient note', () => {
    for (const f of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/_rels/document.xml.rels']) expect(files[f], f).toBeDefined()
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(XMLValidator.validate(strFromU8(files['word/styles.xml']!))).toBe(true)
    expect(XMLValidator.validate(strFromU8(files['word/_rels/document.xml.rels']!))).toBe(true)
    expect(xml).toContain(KNOWN.title)
    for (const [, t] of SECTION_TITLES) expect(xml).toContain(`>${escapeHtml(t).replace(/&#39;/g, "'")}<`)
    expect(xml).toContain('w:val="Heading1"')
    expect(xml).toContain('w:val="Title"')
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBeGreaterThan(10)
    expect(xml).toContain('1,287')
    expect(xml).toContain(model.sections.geo.note!)
    expect(xml.includes('航城街道'), 'the insufficient section\'s rows are not shown').toBe(false)
    // East-Asian font on runs.
    expect(xml).toMatch(/<w:rFonts [^>]*w:eastAsia="Microsoft YaHei"/)
  })

  it('escapes hostile text, strips bidi/control characters and links only http(s) urls', () => {
    expect(xml).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
    expect(xml.includes('<script'), 'raw <script').toBe(false)
    expect(BIDI_OR_CONTROL.test(xml), 'bidi or control characters').toBe(false)
    expect(xml.length).toBeLessThan(1_500_000)
    const rels = strFromU8(files['word/_rels/document.xml.rels']!)
    const targets = [...rels.matchAll(/<Relationship [^>]*Type="[^"]*\/hyperlink"[^>]*>/g)].map((m) => /Target="([^"]*)"/.exec(m[0])![1]!)
    expect(targets.length).toBeGreaterThan(5)
    for (const t of targets) expect(t).toMatch(/^https?:\/\//)
    expect(rels).not.toMatch(/javascript:|data:text|file:/i)
    // A refused url is plain text in the document, not a relationship.
    expect(xml).toContain('链接（未启用）：javascript:alert(1)')
  })
})
