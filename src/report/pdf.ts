/**
 * The PDF report: the HTML report printed by Chromium (A4, backgrounds on, page numbers in the
 * footer), through the browser adapter, the one file importing playwright. Nothing is written
 * here; the caller gets the bytes. Throws BrowserMissing (with the apt hint) without Chromium.
 */
import { openPdfPrinter, printPdf, type PdfPrinter } from '../crawlers/browser.js'

export type { PdfPrinter }

export interface PdfOptions {
  executablePath?: string
  env?: NodeJS.ProcessEnv
}

/** One Chromium for several reports' PDFs (a report run over several regions). */
export function openReportPrinter(opts: PdfOptions = {}): Promise<PdfPrinter> {
  return openPdfPrinter({ executablePath: opts.executablePath, env: opts.env })
}

export async function renderPdf(html: string, opts: PdfOptions & { printer?: PdfPrinter } = {}): Promise<Buffer> {
  return opts.printer ? opts.printer.print(html) : printPdf(html, { executablePath: opts.executablePath, env: opts.env })
}
