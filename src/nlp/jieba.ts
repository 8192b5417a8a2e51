/**
 * The nodejieba adapter: the only file that imports nodejieba. Loaded lazily; the dictionaries
 * (~1 s, ~280 MB) load once per process, on the first segmentation, never for `--help`.
 *
 * nodejieba has one global dictionary per process (`load()` again re-initialises everything),
 * so this adapter owns it: `useJieba(words, userDictFiles)` loads jieba's own dictionaries plus
 * a user dictionary generated from `words` (place names, aliases, topic terms; see
 * userdict.ts), and reloads only when a different set is asked for. A missing dictionary file
 * makes cppjieba abort the whole process (no exception), so every file is checked first.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { AppError, ConfigError } from '../core/errors.js'

type Jieba = typeof import('nodejieba') & {
  DEFAULT_DICT: string
  DEFAULT_HMM_DICT: string
  DEFAULT_USER_DICT: string
  DEFAULT_IDF_DICT: string
  DEFAULT_STOP_WORD_DICT: string
}

let mod: Jieba | undefined

/** Loads the native module (not its dictionaries). Throws when the addon is missing or broken. */
export function jiebaModule(): Jieba {
  mod ??= createRequire(import.meta.url)('nodejieba') as Jieba
  return mod
}

/** Whether nodejieba's native addon loads, and where its dictionaries are. */
export function probeJieba(): { ok: true; dictDir: string } | { ok: false; error: string } {
  try {
    const j = jiebaModule()
    return { ok: true, dictDir: String(j.DEFAULT_DICT ?? '').replace(/\/[^/]*$/, '') }
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? String(err) }
  }
}

/** Segmentation with the loaded dictionaries. */
export interface Segmenter {
  /** jieba's precise mode (HMM on for unknown words). */
  cut(text: string): string[]
  /** TextRank keywords of a (usually long, aggregated) text. */
  textRank(text: string, top: number): Array<{ word: string; weight: number }>
  /** jieba's IDF table (lazily read on first use, ~260k words). */
  idf(): IdfTable
  /** The words of the generated user dictionary. */
  readonly userWords: number
}

export interface IdfTable {
  get(word: string): number | undefined
  /** The median IDF, for words the table does not know. */
  readonly median: number
}

let loadedKey: string | undefined
let idfTable: IdfTable | undefined
let current: Segmenter | undefined

/** Where generated user dictionaries are cached (content-addressed, so safe to share). */
function dictCacheDir(): string {
  return path.join(os.tmpdir(), `yuqing-jieba-${process.getuid?.() ?? 'u'}`)
}

/**
 * Writes `words` as a jieba user dictionary, content-addressed, atomically. Words jieba already
 * knows are left out: a user-dictionary line replaces the word's frequency, and jieba's own
 * figure is better (南山 at the default user weight was cut into 南/山). New words get a
 * moderate frequency, enough to keep 西乡街道 or 宝安区 whole.
 */
function writeUserDict(words: readonly string[], mainDict: string): string {
  const hash = createHash('sha1').update(words.join('\n')).digest('hex').slice(0, 16)
  const dir = dictCacheDir()
  const file = path.join(dir, `user-${hash}.dict`)
  if (!existsSync(file)) {
    const known = new Set<string>()
    for (const line of readFileSync(mainDict, 'utf8').split('\n')) {
      const sp = line.indexOf(' ')
      if (sp > 0) known.add(line.slice(0, sp))
    }
    const body = words.filter((w) => !known.has(w)).map((w) => `${w} ${USER_WORD_FREQ} n`).join('\n') + '\n'
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, body, { mode: 0o600 })
    renameSync(tmp, file)
  }
  return file
}

/** Frequency given to new user-dictionary words (jieba's dictionary totals ~60M). */
const USER_WORD_FREQ = 500

/**
 * The process's segmenter with jieba's dictionaries plus `words` and `userDictFiles` (an
 * office's own dictionary, `nlp.userDict`). Same arguments → the already loaded segmenter.
 */
export function useJieba(words: readonly string[] = [], userDictFiles: readonly string[] = []): Segmenter {
  const j = jiebaModule()
  for (const f of userDictFiles) {
    if (!existsSync(f)) throw new ConfigError([{ path: 'nlp.userDict', message: `file not found: ${f}` }], undefined, 'fix nlp.userDict in the config, or remove it')
  }
  const defaults = [j.DEFAULT_DICT, j.DEFAULT_HMM_DICT, j.DEFAULT_USER_DICT, j.DEFAULT_IDF_DICT, j.DEFAULT_STOP_WORD_DICT]
  for (const f of defaults) {
    if (!existsSync(f)) throw new AppError(`nodejieba dictionary missing: ${f}`, { hint: 'reinstall: npm ci (or npm rebuild nodejieba)' })
  }
  const generated = words.length ? [writeUserDict(words, j.DEFAULT_DICT)] : []
  const userDict = [j.DEFAULT_USER_DICT, ...generated, ...userDictFiles.map((f) => path.resolve(f))].join('|')
  if (loadedKey !== userDict || !current) {
    j.load({ userDict })
    loadedKey = userDict
    const count = words.length
    current = {
      cut: (text) => j.cut(text),
      textRank: (text, top) => j.textRankExtract(text, top),
      idf: () => (idfTable ??= readIdf(j.DEFAULT_IDF_DICT)),
      userWords: count,
    }
  }
  return current
}

/** Reads jieba's `word idf` lines. */
function readIdf(file: string): IdfTable {
  const map = new Map<string, number>()
  const values: number[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const sp = line.lastIndexOf(' ')
    if (sp <= 0) continue
    const v = Number(line.slice(sp + 1))
    if (!Number.isFinite(v)) continue
    map.set(line.slice(0, sp), v)
    values.push(v)
  }
  values.sort((a, b) => a - b)
  const median = values.length ? values[values.length >> 1]! : 10
  return { get: (w) => map.get(w), median }
}

/** jieba's own stop-word list (lines of stop_words.utf8). */
export function jiebaStopWords(): string[] {
  const j = jiebaModule()
  if (!existsSync(j.DEFAULT_STOP_WORD_DICT)) return []
  return readFileSync(j.DEFAULT_STOP_WORD_DICT, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean)
}
