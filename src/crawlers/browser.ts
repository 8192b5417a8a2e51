/**
 * The browser adapter: the one file that imports playwright, loaded only when a browser source
 * runs (so `--help` and the HTTP crawlers never pay for it). It drives Debian's Chromium
 * (`executablePath`; never a downloaded browser) and answers the same question as `httpGet`:
 * GET this URL, give me status, headers, final URL, redirects and body. So the SourceClient's
 * politeness, classification, backoff, breaker and quarantine apply to browser pages unchanged.
 *
 * Why a browser for s.weibo.com at all: anonymous or stale sessions land on the "Sina Visitor
 * System", a JavaScript page, and the result pages are what a real browser with the operator's
 * cookie sees. The body we return is the rendered DOM (`page.content()`), after the page's own
 * scripts ran up to DOMContentLoaded.
 *
 * Safety: requests to non-http(s) schemes are aborted, and Chromium itself refuses redirects
 * from http to file: (net::ERR_UNSAFE_REDIRECT), reported as a refused redirect. Images, media,
 * fonts and stylesheets are not fetched: we read text, and they are most of a page's bytes.
 * Scripts are: the page should run as it does for a person.
 */
import { accessSync, constants } from 'node:fs'
import { AppError } from '../core/errors.js'
import type { Browser, BrowserContext, Page, Response } from 'playwright'
import { HttpError, type HttpRequest, type HttpResponse } from './http.js'

/** Where Chromium is: the configured path, $YUQING_CHROMIUM, then Debian's paths; null when none is executable. */
export function findChromium(configured: string | undefined, env: NodeJS.ProcessEnv): string | null {
  for (const p of [configured, env.YUQING_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (!p) continue
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      /* try the next */
    }
  }
  return null
}

/** Chromium is not installed (or not where the config says). */
export class BrowserMissing extends AppError {
  constructor(configured: string | undefined) {
    super(configured ? `Chromium not found at ${configured} (sources.weibo-search.chromiumPath)` : 'Chromium not found ($YUQING_CHROMIUM, /usr/bin/chromium)', {
      hint: configured ? 'fix sources.weibo-search.chromiumPath, or install Debian\'s: sudo apt-get install -y chromium fonts-wqy-zenhei' : 'sudo apt-get install -y chromium fonts-wqy-zenhei, or set sources.weibo-search.chromiumPath / $YUQING_CHROMIUM',
    })
  }
}

export interface BrowserOptions {
  /** From config; else $YUQING_CHROMIUM, else /usr/bin/chromium. */
  executablePath?: string
  env?: NodeJS.ProcessEnv
  userAgent?: string
  /** IANA zone the page sees (Asia/Shanghai, as a Chinese visitor's browser). */
  timezoneId?: string
}

/**
 * Flags for a headless Chromium on a server with no route to the internet: no sandbox when
 * root (containers), no GPU, and none of Chromium's own background traffic (component
 * updates, sync, safe browsing), which would only fail and slow start-up here.
 */
function launchArgs(): string[] {
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  if (process.getuid?.() === 0) args.push('--no-sandbox')
  return args
}

/** `a=1; b=2` → cookies for `url`'s site. Values are never logged. */
function cookiesFor(header: string, url: string): Array<{ name: string; value: string; url: string }> {
  const origin = new URL(url).origin
  const out: Array<{ name: string; value: string; url: string }> = []
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i <= 0) continue
    const name = part.slice(0, i).trim()
    const value = part.slice(i + 1).trim()
    if (name && /^[\x21-\x7e]+$/.test(name)) out.push({ name, value, url: origin })
  }
  return out
}

/** What a text crawl never needs: pictures, video, fonts, styles (most of a page's bytes). */
const BLOCKED = new Set(['image', 'media', 'font', 'stylesheet'])

/** One Chromium for a crawl run, started on first use; `close()` when the run ends. */
export class BrowserFetcher {
  private browser: Promise<{ browser: Browser; context: BrowserContext }> | null = null
  private cookieSet = new Map<string, string>()
  private idle: Page[] = []
  private pageHeaders = new WeakMap<Page, string>()

  constructor(private readonly o: BrowserOptions = {}) {}

  /** The Chromium this fetcher will run; throws BrowserMissing when there is none. */
  executable(): string {
    const exe = findChromium(this.o.executablePath, this.o.env ?? process.env)
    if (!exe || (this.o.executablePath && exe !== this.o.executablePath)) throw new BrowserMissing(this.o.executablePath)
    return exe
  }

  private start(): Promise<{ browser: Browser; context: BrowserContext }> {
    this.browser ??= (async () => {
      const executablePath = this.executable()
      const { chromium } = await import('playwright')
      const browser = await chromium.launch({ executablePath, headless: true, args: launchArgs() })
      const context = await browser.newContext({
        userAgent: this.o.userAgent,
        locale: 'zh-CN',
        timezoneId: this.o.timezoneId ?? 'Asia/Shanghai',
        javaScriptEnabled: true,
        serviceWorkers: 'block',
      })
      await context.route('**/*', (route) => {
        const req = route.request()
        const type = req.resourceType()
        if (!/^https?:/i.test(req.url()) || BLOCKED.has(type)) return route.abort()
        return route.continue()
      })
      return { browser, context }
    })()
    // A failed start is not cached: the next call tries again (and says why again).
    this.browser.catch(() => (this.browser = null))
    return this.browser
  }

  /** Navigates a fresh tab to `req.url` and returns what the browser got, as httpGet does. */
  async fetch(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now()
    if (!/^https?:\/\//i.test(req.url)) throw new HttpError('bad-redirect', `not an http(s) URL: ${req.url}`, req.url)
    if (req.signal?.aborted) throw new HttpError('aborted', `aborted: ${req.url}`, req.url)
    const { context } = await this.start()
    const { cookie, ...headers } = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const origin = new URL(req.url).origin
    if (cookie !== undefined && this.cookieSet.get(origin) !== cookie) {
      await context.addCookies(cookiesFor(cookie, req.url))
      this.cookieSet.set(origin, cookie)
    }
    delete headers['user-agent'] // set on the context: Chromium's own header must agree with navigator.userAgent
    // Tabs are reused (a new tab costs as much as a page load); one that failed is closed.
    const page = this.idle.pop() ?? (await context.newPage())
    let reusable = false
    const onAbort = () => void page.close().catch(() => {})
    req.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const extra = JSON.stringify(headers)
      if (this.pageHeaders.get(page) !== extra) {
        await page.setExtraHTTPHeaders(headers)
        this.pageHeaders.set(page, extra)
      }
      let res: Response | null
      try {
        res = await page.goto(req.url, { waitUntil: 'domcontentloaded', timeout: req.timeoutMs })
      } catch (err) {
        throw this.failure(err, req)
      }
      if (!res) throw new HttpError('network', `no response for ${req.url}`, req.url)
      const redirects: string[] = []
      for (let r = res.request().redirectedFrom(); r; r = r.redirectedFrom()) redirects.unshift(r.url())
      const all = await res.allHeaders()
      const resHeaders: Record<string, string> = {}
      for (const [k, v] of Object.entries(all)) if (k !== 'set-cookie') resHeaders[k] = v
      const max = req.maxBytes ?? 10 * 1024 * 1024
      let body: Buffer
      let truncated = false
      try {
        // The rendered document for pages; the bytes as sent for anything else (a JSON error).
        body = /html/i.test(resHeaders['content-type'] ?? '') ? Buffer.from(await page.content(), 'utf8') : await res.body()
      } catch (err) {
        if (req.signal?.aborted) throw new HttpError('aborted', `aborted: ${req.url}`, req.url)
        // The page went away mid-read (a crash, a navigation by its own script): nothing usable.
        body = Buffer.alloc(0)
        truncated = true
        if (!(err instanceof Error)) throw err
      }
      if (body.length > max) {
        body = body.subarray(0, max)
        truncated = true
      }
      reusable = !truncated
      return { url: page.url() || res.url(), status: res.status(), headers: resHeaders, body, redirects, truncated, ms: Math.round(performance.now() - started) }
    } finally {
      req.signal?.removeEventListener('abort', onAbort)
      if (reusable && !req.signal?.aborted && this.browser) this.idle.push(page)
      else await page.close().catch(() => {})
    }
  }

  private failure(err: unknown, req: HttpRequest): HttpError {
    const msg = (err as Error).message ?? String(err)
    if (req.signal?.aborted) return new HttpError('aborted', `aborted: ${req.url}`, req.url)
    if (/Timeout .*exceeded/i.test(msg)) return new HttpError('timeout', `no answer within ${req.timeoutMs} ms: ${req.url}`, req.url)
    if (/ERR_UNSAFE_REDIRECT|ERR_UNKNOWN_URL_SCHEME|ERR_DISALLOWED_URL_SCHEME/.test(msg)) return new HttpError('bad-redirect', `refused a redirect to a non-http URL from ${req.url}`, req.url)
    if (/ERR_TOO_MANY_REDIRECTS/.test(msg)) return new HttpError('too-many-redirects', `too many redirects from ${req.url}`, req.url)
    const code = /net::(ERR_[A-Z_]+)/.exec(msg)?.[1] ?? msg.split('\n')[0]!.slice(0, 120)
    return new HttpError('network', `${code}: ${req.url}`, req.url)
  }

  /** Closes Chromium (playwright removes its temporary profile); safe to call more than once. */
  async close(): Promise<void> {
    const b = this.browser
    this.browser = null
    this.cookieSet.clear()
    this.idle = []
    if (!b) return
    try {
      const { browser } = await b
      await browser.close().catch(() => {})
    } catch {
      /* it never started */
    }
  }
}

export interface PrintPdfOptions {
  /** From config; else $YUQING_CHROMIUM, else /usr/bin/chromium. */
  executablePath?: string
  env?: NodeJS.ProcessEnv
  /** Page margins (CSS lengths); A4 portrait. */
  margin?: { top?: string; right?: string; bottom?: string; left?: string }
  /** Plain-text footer template, e.g. page numbers; the default prints "n / total". */
  footerTemplate?: string
  timeoutMs?: number
}

/** One Chromium that prints several documents (a report run's PDFs), each in its own fresh context. */
export interface PdfPrinter {
  print(html: string): Promise<Buffer>
  close(): Promise<void>
}

/**
 * Starts Chromium for printing self-contained HTML documents to A4 PDFs (same launch flags as the
 * crawler). Each document gets a fresh context: JavaScript off, service workers blocked, offline,
 * and every request it might still make (a url in markup) aborted; it is set as the page
 * content, so there is no initial request. A browser that died is started again for the next
 * document. Throws BrowserMissing when there is no Chromium.
 */
export async function openPdfPrinter(o: PrintPdfOptions = {}): Promise<PdfPrinter> {
  const executablePath = findChromium(o.executablePath, o.env ?? process.env)
  if (!executablePath || (o.executablePath && executablePath !== o.executablePath)) throw new BrowserMissing(o.executablePath)
  const { chromium } = await import('playwright')
  const launch = () => chromium.launch({ executablePath, headless: true, args: launchArgs() })
  let browser = await launch()
  return {
    async print(html: string): Promise<Buffer> {
      if (!browser.isConnected()) browser = await launch()
      const context = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block', offline: true, locale: 'zh-CN', acceptDownloads: false })
      try {
        await context.route('**/*', (route) => route.abort())
        const page = await context.newPage()
        const timeout = o.timeoutMs ?? 60_000
        page.setDefaultTimeout(timeout)
        await page.setContent(html, { waitUntil: 'load', timeout })
        await page.emulateMedia({ media: 'print' })
        const footer =
          o.footerTemplate ??
          '<div style="width:100%;font-size:8px;color:#7b8794;text-align:center;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          margin: { top: '14mm', right: '12mm', bottom: '16mm', left: '12mm', ...o.margin },
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: footer,
        })
      } finally {
        await context.close().catch(() => {})
      }
    },
    async close() {
      await browser.close().catch(() => {})
    },
  }
}

/** Prints one document with its own short-lived Chromium, closed in every case (openPdfPrinter). */
export async function printPdf(html: string, o: PrintPdfOptions = {}): Promise<Buffer> {
  const printer = await openPdfPrinter(o)
  try {
    return await printer.print(html)
  } finally {
    await printer.close()
  }
}
