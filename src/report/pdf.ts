/**
 * The PDF report: the HTML report printed by Chromium (A4, backgrounds on, page numbers in the
 * footer), through the browser adapter, the one file importing playwright. Nothing is written
 * here; the caller gets the bytes. Throws BrowserMissing (with the apt hint) without Chromium.
 */
import { printPdf } from '../crawlers/browser.js'

export async function renderPdf(html: string, opts: { executablePath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Buffer> {
  return printPdf(html, { executablePath: opts.executablePath, env: opts.env })
}
