/**
 * The nodejieba adapter: the only file that imports nodejieba. Loaded lazily; the dictionaries
 * (~1.5 s, ~280 MB) load once per process, on the first segmentation, never for `--help`.
 * The segmentation API itself arrives with the NLP work; for now `probeJieba` lets `doctor`
 * check that the native addon builds and loads.
 */
import { createRequire } from 'node:module'

type Jieba = typeof import('nodejieba')

let mod: Jieba | undefined

/** Loads the native module (not its dictionaries). Throws when the addon is missing or broken. */
export function jiebaModule(): Jieba {
  mod ??= createRequire(import.meta.url)('nodejieba') as Jieba
  return mod
}

/** Whether nodejieba's native addon loads, and where its dictionaries are. */
export function probeJieba(): { ok: true; dictDir: string } | { ok: false; error: string } {
  try {
    const j = jiebaModule() as Jieba & { DEFAULT_DICT?: string }
    return { ok: true, dictDir: String(j.DEFAULT_DICT ?? '').replace(/\/[^/]*$/, '') }
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? String(err) }
  }
}
