/**
 * Reading and validating the configuration.
 *
 * Lookup order (first found wins): `--config FILE`, `$YUQING_CONFIG`, `./yuqing.yaml`, built-in
 * defaults. The database path: `--db`, `$YUQING_DB`, `database.path` (relative to the config
 * file's directory), else `data/yuqing.db` under the current directory.
 *
 * `parseConfigText` is pure (text in, config or every problem out); `loadConfig` does the I/O.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml'
import type { z } from 'zod'
import { ConfigError, UsageError, type ConfigIssue } from '../core/errors.js'
import { editDistance } from '../core/text.js'
import { configSchema, type Config, type RegionConfig } from './schema.js'

/** A region as the gazetteer knows it; what config validation needs from it. */
export interface KnownRegion {
  code: string
  name: string
  prefecture: { name: string }
  province: { name: string }
}
/** Resolves a region code or name; `match` only when exactly one unit fits. */
export type RegionResolver = (nameOrCode: string) => { match?: KnownRegion; candidates: KnownRegion[]; via?: string }

/** A watched region after validation: its code and gazetteer name are known. */
export interface WatchedRegion extends RegionConfig {
  code: string
  name: string
  prefecture: string
  province: string
}

export interface LoadedConfig {
  config: Config
  regions: WatchedRegion[]
  /** The file read, or null for built-in defaults. */
  file: string | null
  /** Directory relative paths resolve against. */
  baseDir: string
  /** Absolute database path after --db / YUQING_DB / database.path. */
  dbPath: string
}

type PathPart = string | number

/** `regions[0].name` from ['regions', 0, 'name']. */
export function formatPath(p: readonly PathPart[]): string {
  let out = ''
  for (const part of p) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part
  return out || '(top level)'
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)
  return s.length > 60 ? s.slice(0, 57) + '…' : s
}

function valueAt(root: unknown, p: readonly PathPart[]): unknown {
  let cur: unknown = root
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[k]
  }
  return cur
}

/** The schema found at a path of the config schema (wrappers such as defaults removed). */
function schemaAt(p: readonly PathPart[]): any {
  let s: any = configSchema
  const unwrap = (x: any): any => {
    for (let i = 0; i < 10 && x; i++) {
      const def = x._zod?.def
      if (!def) return x
      if (def.type === 'object') return x
      if (def.type === 'array' && typeof p === 'object') return x
      if (def.innerType) x = def.innerType
      else if (def.in) x = def.in
      else if (def.schema) x = def.schema
      else return x
    }
    return x
  }
  for (const part of p) {
    s = unwrap(s)
    const def = s?._zod?.def
    if (!def) return null
    if (typeof part === 'number') {
      if (def.type !== 'array') return null
      s = def.element
    } else {
      if (def.type !== 'object') return null
      s = def.shape[part]
    }
  }
  return unwrap(s)
}

/** The keys of the object schema (if any) at a path, for listing allowed keys. */
function shapeAt(p: readonly PathPart[]): string[] | null {
  const def = schemaAt(p)?._zod?.def
  return def?.type === 'object' ? Object.keys(def.shape) : null
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const o of options) {
    const dd = editDistance(word.toLowerCase(), o.toLowerCase())
    if (dd < bestD) [best, bestD] = [o, dd]
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

/** Turns one zod issue into config issues (one per unknown key), with plain-language messages. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Array<{ path: PathPart[]; message: string }> {
  const p = issue.path as PathPart[]
  const got = valueAt(raw, p)
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = shapeAt(p) ?? []
      return issue.keys.map((k) => {
        const near = closest(k, allowed)
        return {
          path: [...p, k],
          message: `unknown key${near ? ` (did you mean "${near}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
        }
      })
    }
    case 'invalid_type': {
      if (got === undefined) return [{ path: p, message: `is required (${issue.expected})` }]
      // zod reports z.int() as "expected number": look at the schema itself.
      const isInt = issue.expected === 'int' || (issue.expected === 'number' && schemaAt(p)?._zod?.def?.format === 'safeint')
      const expected = isInt ? 'a whole number' : `a${/^[aeio]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`
      return [{ path: p, message: `expected ${expected}, got ${show(got)}` }]
    }
    case 'invalid_value':
      return [{ path: p, message: `must be one of ${issue.values.map((v) => show(v)).join(', ')}; got ${show(got)}` }]
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive === false ? '>' : '≥') : issue.inclusive === false ? '<' : '≤'
      const what = issue.origin === 'array' ? 'item count' : issue.origin === 'string' ? 'length' : 'value'
      const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum)
      return [{ path: p, message: `${what} must be ${op} ${bound}; got ${show(got)}` }]
    }
    case 'invalid_union': {
      // discriminated union with an unknown discriminator
      // zod 4 puts the discriminator itself at the end of the path.
      const atType = p[p.length - 1] === 'type'
      const t = atType ? got : (got as Record<string, unknown> | undefined)?.type
      return [
        {
          path: atType || t === undefined ? p : [...p, 'type'],
          message: `must have type one of "wecom", "dingtalk", "feishu", "webhook", "email"; got ${show(t)}`,
        },
      ]
    }
    default:
      if (issue.message === 'weights must sum to 1' && got && typeof got === 'object') {
        const w = got as Record<string, unknown>
        const d = { visibility: 0.3, favourability: 0.4, risk: 0.2, responsiveness: 0.1 } as Record<string, number>
        const sum = Object.keys(d).reduce((a, k) => a + (typeof w[k] === 'number' ? (w[k] as number) : d[k]!), 0)
        return [{ path: p, message: `weights must sum to 1; they sum to ${+sum.toFixed(6)} (unset weights count at their defaults)` }]
      }
      return [{ path: p, message: `${issue.message}; got ${show(got)}` }]
  }
}

/** Line number (1-based) of the YAML node at a path, or of its nearest existing parent. */
function lineOf(doc: Document | undefined, lc: LineCounter | undefined, p: readonly PathPart[]): number | undefined {
  if (!doc || !lc) return undefined
  for (let n = p.length; n >= 0; n--) {
    const sub = p.slice(0, n)
    if (n > 0) {
      const parent = doc.getIn(sub.slice(0, -1), true)
      if (isMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(sub[n - 1]))
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range
        if (range) return lc.linePos(range[0]).line
      }
    }
    const node = doc.getIn(sub, true) as { range?: [number, number, number] } | undefined
    if (node && node.range) return lc.linePos(node.range[0]).line
  }
  return undefined
}

/** Validates watched regions against the gazetteer; independent of the zod pass so all problems show at once. */
function checkRegions(raw: unknown, resolve: RegionResolver | undefined): { issues: Array<{ path: PathPart[]; message: string }>; found: Map<number, KnownRegion> } {
  const issues: Array<{ path: PathPart[]; message: string }> = []
  const found = new Map<number, KnownRegion>()
  const regions = (raw as { regions?: unknown } | null)?.regions
  if (!resolve || !Array.isArray(regions)) return { issues, found }
  const label = (r: KnownRegion) => `${r.prefecture.name}${r.name} (${r.code})`
  regions.forEach((r, i) => {
    if (r === null || typeof r !== 'object') return
    const { code, name } = r as { code?: unknown; name?: unknown }
    let byCode: KnownRegion | undefined
    if (typeof code === 'string' && /^\d{6}$/.test(code)) {
      byCode = resolve(code).match
      if (!byCode) issues.push({ path: ['regions', i, 'code'], message: `unknown division code ${code}; look it up with \`yuqing regions search NAME\`` })
    }
    if (typeof name === 'string' && name.trim()) {
      const res = resolve(name.trim())
      if (byCode) {
        if (!res.candidates.some((c) => c.code === byCode!.code) && res.match?.code !== byCode.code)
          issues.push({ path: ['regions', i, 'name'], message: `${show(name)} is not the name of ${label(byCode)}` })
        else found.set(i, byCode)
      } else if (res.match) {
        found.set(i, res.match)
      } else if (res.candidates.length > 1 && res.via !== 'suggestion') {
        issues.push({
          path: ['regions', i, 'name'],
          message: `${show(name)} is ambiguous: ${res.candidates.map(label).join(', ')}; add its code, or qualify it as ${res.candidates[0]!.prefecture.name}${res.candidates[0]!.name}`,
        })
      } else {
        const near = res.candidates.slice(0, 5).map(label)
        issues.push({
          path: ['regions', i, 'name'],
          message: `unknown region ${show(name)}${near.length ? `; did you mean ${near.join(', ')}?` : '; look it up with `yuqing regions search`'}`,
        })
      }
    } else if (byCode) found.set(i, byCode)
  })
  return { issues, found }
}

export interface ParseOptions {
  /** File name shown in messages. */
  file?: string
  resolveRegion?: RegionResolver
}

/**
 * Parses and validates YAML text. Pure. Throws ConfigError listing every problem (one line each,
 * with dotted path and YAML line), never just the first.
 */
export function parseConfigText(text: string, opts: ParseOptions = {}): { config: Config; regions: WatchedRegion[] } {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line}`,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
      opts.file,
      'fix the YAML syntax (indentation, quotes, colons)',
    )
  }
  const raw = doc.toJS() ?? {}
  return validateConfig(raw, { ...opts, doc, lineCounter: lc })
}

/** Validates an already-parsed config object. Pure. */
export function validateConfig(
  raw: unknown,
  opts: ParseOptions & { doc?: Document; lineCounter?: LineCounter } = {},
): { config: Config; regions: WatchedRegion[] } {
  const problems: Array<{ path: PathPart[]; message: string }> = []
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '(top level)', message: 'the config must be a YAML mapping of sections (regions:, sources:, …)' }], opts.file)
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, raw))
  const { issues: regionIssues, found } = checkRegions(raw, opts.resolveRegion)
  problems.push(...regionIssues)
  if (problems.length || !parsed.success) {
    const issues: ConfigIssue[] = problems.map((pr) => {
      const line = lineOf(opts.doc, opts.lineCounter, pr.path)
      return { path: formatPath(pr.path), message: pr.message + (line ? ` (line ${line})` : '') }
    })
    throw new ConfigError(issues, opts.file)
  }
  const config = parsed.data
  const regions: WatchedRegion[] = config.regions.map((r, i) => {
    const k = found.get(i)
    return {
      ...r,
      code: k?.code ?? r.code ?? '',
      name: k?.name ?? r.name ?? '',
      prefecture: k?.prefecture.name ?? '',
      province: k?.province.name ?? '',
    }
  })
  return { config, regions }
}

export interface LocateOptions {
  /** --config */
  configFlag?: string
  /** --db */
  dbFlag?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Which config file applies (or null for built-in defaults). Throws when a named file is missing. */
export function locateConfig(opts: LocateOptions = {}): string | null {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const named = opts.configFlag ?? env.YUQING_CONFIG
  if (named) {
    const p = path.resolve(cwd, named)
    if (!existsSync(p)) {
      const via = opts.configFlag ? '--config' : 'YUQING_CONFIG'
      throw new UsageError(`config file not found: ${p} (from ${via})`, 'check the path, or create a workspace with `yuqing init DIR`')
    }
    return p
  }
  const local = path.join(cwd, 'yuqing.yaml')
  return existsSync(local) ? local : null
}

/** Locates, reads and validates the configuration, and settles the database path. */
export function loadConfig(opts: LocateOptions & { resolveRegion?: RegionResolver } = {}): LoadedConfig {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const file = locateConfig(opts)
  let text = ''
  if (file) {
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`, 'check its permissions')
    }
  }
  const { config, regions } = parseConfigText(text, { file: file ?? undefined, resolveRegion: opts.resolveRegion })
  const baseDir = file ? path.dirname(file) : cwd
  const dbOverride = opts.dbFlag ?? env.YUQING_DB
  const dbPath =
    dbOverride === ':memory:' ? ':memory:' : dbOverride ? path.resolve(cwd, dbOverride) : path.resolve(baseDir, config.database.path)
  return { config, regions, file, baseDir, dbPath }
}
