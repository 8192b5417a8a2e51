/**
 * Bytes of a fetched page to text, by the charset the bytes really are in. Chinese sites lie
 * about it: people.com.cn, 163.com and qq.com pages declare gb2312 in a meta tag while serving
 * UTF-8, and servers send a default charset in Content-Type that the page does not use. So the
 * bytes are trusted before any label (../shared/design/SOURCES.md §3.3):
 *
 *   1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE);
 *   2. strict UTF-8: valid UTF-8 bytes win over every declaration (a GBK page of Chinese text is
 *      practically never valid UTF-8, so the check is self-validating);
 *   3. the charset of the HTTP Content-Type;
 *   4. `<meta charset>` / `<meta http-equiv=Content-Type content="…charset=…">` in the first 4 KB;
 *   5. detection: the bytes decode cleanly as GB18030 and the non-ASCII text is mostly Chinese;
 *   6. GB18030 with replacement characters.
 *
 * gb2312, gbk and their aliases are decoded as GB18030, their superset: pages labelled gb2312
 * routinely use GBK/GB18030-only characters (rare surnames, 镕, 玥). Unknown or garbage charset
 * names are skipped, never thrown. Pure.
 */
import iconv from 'iconv-lite'

export type DecodeVia = 'bom' | 'utf-8' | 'http' | 'meta' | 'detected' | 'fallback'

export interface DecodedHtml {
  text: string
  /** Canonical name of the charset used: utf-8, utf-16le, utf-16be, gb18030, big5, windows-1252, … */
  charset: string
  /** Which step decided the charset. */
  via: DecodeVia
}

/** How far into the page a meta charset is looked for (browsers use 1024 bytes; CMS headers are longer). */
const META_SCAN_BYTES = 4096

/** Labels of the GB family, all read as GB18030. WHATWG lists most; cp936, euc-cn and ms936 are iconv/Windows names. */
const GB_FAMILY = new Set(['gb2312', 'gb_2312', 'gb_2312-80', 'gbk', 'x-gbk', 'cp936', 'ms936', 'windows-936', 'csgb2312', 'csiso58gb231280', 'chinese', 'iso-ir-58', 'euc-cn', 'euccn', 'gb18030', 'gb-18030'])

/** Single-byte charsets servers send as a default; a CJK meta declaration outranks them. */
const LATIN_DEFAULTS = new Set(['iso-8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'windows-1252', 'cp1252'])

/**
 * Labels never honoured, as in browsers: UTF-7 and the like (a way to smuggle markup), and
 * iconv-lite's binary-to-text codecs, which are not page charsets at all.
 */
const REFUSED = /^(?:utf-?7|csunicode11utf7|unicode-1-1-utf-7|x-unicode20utf7|base64|hex|binary|ucs-?2|utf-?32(?:[lb]e)?|cesu-?8)$/

/**
 * A decoder for a charset label, or null when the label is unknown (garbage, a typo, an encoding
 * neither ICU nor iconv-lite knows) or refused. The returned name is canonical (TextDecoder's
 * `encoding`). WHATWG's "replacement" labels (hz-gb-2312, iso-2022-kr) would turn the page into
 * one U+FFFD, so they count as unknown.
 */
export function charsetDecoder(label: string): { name: string; decode: (bytes: Uint8Array) => string } | null {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '')
  if (!l || l.length > 40 || REFUSED.test(l)) return null
  const wanted = GB_FAMILY.has(l) ? 'gb18030' : l
  try {
    const td = new TextDecoder(wanted)
    if (td.encoding === 'replacement') return null
    return { name: td.encoding, decode: (b) => new TextDecoder(wanted).decode(b) }
  } catch {
    // Not a WHATWG label: iconv-lite knows more (cp950, big5-hkscs, iso-646-cn, …).
  }
  if (/^[a-z0-9_.:-]+$/.test(wanted) && iconv.encodingExists(wanted)) {
    return { name: wanted, decode: (b) => iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), wanted) }
  }
  return null
}

/** The charset parameter of a Content-Type header value, if any. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType)
  return m ? m[2]! : null
}

/**
 * The charset a page declares in a meta tag within its first bytes: `<meta charset="x">` or the
 * `charset=` inside an http-equiv Content-Type `content` attribute (either attribute order).
 */
export function charsetFromMeta(bytes: Uint8Array): string | null {
  // Latin-1 maps every byte to one code unit, so ASCII markup survives whatever the real charset.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, META_SCAN_BYTES)).toString('latin1')
  const m = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head)
  return m ? m[1]! : null
}

/** Length of an incomplete UTF-8 sequence at the very end (a body cut mid-character), 0 if none. */
function truncatedUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!
    if (b < 0x80) return 0
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
      return need > back ? back : 0
    }
    // 0x80–0xBF: a continuation byte, keep looking for its lead.
  }
  return 0
}

/** Whether the bytes are UTF-8, allowing one sequence cut off at the end. */
function isUtf8(bytes: Uint8Array): boolean {
  const strict = new TextDecoder('utf-8', { fatal: true })
  try {
    strict.decode(bytes)
    return true
  } catch {
    const tail = truncatedUtf8Tail(bytes)
    if (tail === 0) return false
    try {
      strict.decode(bytes.subarray(0, bytes.length - tail))
      return true
    } catch {
      return false
    }
  }
}

/** Non-ASCII characters that are Chinese (CJK ideographs and CJK/full-width punctuation). */
function chineseShare(text: string): number {
  let nonAscii = 0
  let cjk = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) continue
    nonAscii++
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef) || (c >= 0x2010 && c <= 0x2027)) cjk++
  }
  return nonAscii === 0 ? 0 : cjk / nonAscii
}

/**
 * GB18030 when the bytes decode without a single invalid sequence and at least 80% of the
 * non-ASCII characters are Chinese; other legacy encodings read as GB18030 give rare symbols and
 * errors. A cut final character is tolerated.
 */
function looksLikeGb18030(bytes: Uint8Array): boolean {
  const strict = new TextDecoder('gb18030', { fatal: true })
  for (const cut of [0, 1, 2, 3]) {
    if (cut >= bytes.length) break
    try {
      return chineseShare(strict.decode(bytes.subarray(0, bytes.length - cut))) >= 0.8
    } catch {
      // try again without the last bytes: the body may have been cut mid-character
    }
  }
  return false
}

/** Decodes a fetched HTML page; see the module comment for the order of evidence. Never throws. */
export function decodeHtml(bytes: Uint8Array, contentType?: string | null): DecodedHtml {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), charset: 'utf-8', via: 'bom' }
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), charset: 'utf-16le', via: 'bom' }
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), charset: 'utf-16be', via: 'bom' }
  }
  if (isUtf8(bytes)) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', via: 'utf-8' }

  // Not UTF-8, so a declared UTF-8 (or UTF-16 without a BOM, which HTML treats as UTF-8) is wrong.
  const usable = (label: string | null) => {
    const d = label ? charsetDecoder(label) : null
    return d && !/^utf-?(8|16)/.test(d.name) ? d : null
  }
  const httpLabel = charsetFromContentType(contentType)
  const metaLabel = charsetFromMeta(bytes)
  const http = usable(httpLabel)
  const meta = usable(metaLabel)
  // A server default such as ISO-8859-1 loses to the page's own CJK declaration.
  const httpIsDefault = http !== null && httpLabel !== null && LATIN_DEFAULTS.has(httpLabel.toLowerCase()) && meta !== null && !LATIN_DEFAULTS.has(meta.name)
  if (http && !httpIsDefault) return { text: http.decode(bytes), charset: http.name, via: 'http' }
  if (meta) return { text: meta.decode(bytes), charset: meta.name, via: 'meta' }

  const text = new TextDecoder('gb18030').decode(bytes)
  return { text, charset: 'gb18030', via: looksLikeGb18030(bytes) ? 'detected' : 'fallback' }
}
