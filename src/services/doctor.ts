/**
 * `yuqing doctor`: checks what yuqing needs on this machine and says how to fix each failure.
 * A failed check makes the command exit 1; a warning (e.g. no Chromium while no browser source
 * is enabled) does not.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { ConfigError, errorMessage } from '../core/errors.js'
import { loadConfig, type LoadedConfig } from '../config/load.js'
import { loadGazetteer } from '../gazetteer/index.js'
import { probeJieba } from '../nlp/jieba.js'
import { SqliteStore, sqliteCapabilities } from '../store/sqlite.js'
import { gazetteerResolver } from './context.js'
import { loadSentimentModel } from '../nlp/sentiment/load.js'
import { resolveModelFile } from './sentiment.js'
import { findChromium } from '../crawlers/browser.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'
export interface DoctorCheck {
  name: string
  status: CheckStatus
  detail: string
  fix?: string
}
export interface DoctorReport {
  ok: boolean
  checks: DoctorCheck[]
}

/** Node >= 20.19 (require(esm), the engines field). Pure. */
export function checkNodeVersion(version: string): DoctorCheck {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number) as [number, number]
  const ok = maj > 20 || (maj === 20 && min >= 19)
  return ok
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : { name: 'node', status: 'fail', detail: `Node ${version} is too old`, fix: 'install Node 20.19 or later (e.g. from nodesource or nvm)' }
}

function check(name: string, fn: () => Omit<DoctorCheck, 'name'>): DoctorCheck {
  try {
    return { name, ...fn() }
  } catch (err) {
    return { name, status: 'fail', detail: errorMessage(err).split('\n')[0]!, fix: (err as { hint?: string }).hint }
  }
}

export function runDoctor(opts: { configFlag?: string; dbFlag?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): DoctorReport {
  const env = opts.env ?? process.env
  const checks: DoctorCheck[] = [checkNodeVersion(process.version)]

  checks.push(
    check('sqlite', () => {
      const cap = sqliteCapabilities()
      return cap.fts5
        ? { status: 'ok', detail: `better-sqlite3 loaded, SQLite ${cap.version}, FTS5 works` }
        : { status: 'fail', detail: `SQLite ${cap.version} without FTS5`, fix: 'reinstall better-sqlite3: `npm rebuild better-sqlite3`' }
    }),
  )
  checks.push(
    check('nodejieba', () => {
      const p = probeJieba()
      return p.ok
        ? { status: 'ok', detail: 'native addon loaded' }
        : { status: 'fail', detail: p.error, fix: 'rebuild it: `npm rebuild nodejieba` (needs python3, make, g++; .npmrc must have yes=true)' }
    }),
  )
  checks.push(
    check('gazetteer', () => {
      const g = loadGazetteer()
      return { status: 'ok', detail: `${g.formal().length} county-level units, ${g.size - g.formal().length} zones (${g.header.dataBasis})` }
    }),
  )

  let loaded: LoadedConfig | undefined
  checks.push(
    check('config', () => {
      try {
        loaded = loadConfig({ configFlag: opts.configFlag, dbFlag: opts.dbFlag, env, cwd: opts.cwd, resolveRegion: gazetteerResolver })
      } catch (err) {
        if (err instanceof ConfigError)
          return {
            status: 'fail',
            detail: `${err.message}: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            fix: 'fix the listed values in the config file',
          }
        throw err
      }
      const l = loaded
      const regions = l.regions.map((r) => `${r.name} ${r.code}`).join(', ')
      if (!l.file)
        return { status: 'warn', detail: 'no config file found; using built-in defaults (no regions watched)', fix: 'create one with `yuqing init DIR`, then pass --config DIR/yuqing.yaml' }
      if (l.regions.length === 0) return { status: 'warn', detail: `${l.file} is valid but watches no regions`, fix: 'add a region under regions:' }
      return { status: 'ok', detail: `${l.file} is valid; watching ${regions}` }
    }),
  )

  checks.push(
    check('sentiment', () => {
      const file = resolveModelFile(loaded, undefined, opts.cwd)
      try {
        const m = loadSentimentModel(file)
        return { status: 'ok', detail: `model ${m.version} (${file})` }
      } catch (err) {
        return { status: 'fail', detail: errorMessage(err), fix: loaded?.config.nlp.sentimentModel ? 'fix nlp.sentimentModel, or train one with `yuqing sentiment train`' : 'reinstall yuqing (the shipped model is models/sentiment/zh-v1.json), or run `npm run train:sentiment`' }
      }
    }),
  )

  checks.push(
    check('database', () => {
      if (!loaded) return { status: 'fail', detail: 'skipped: the config did not load', fix: 'fix the config first' }
      const store = SqliteStore.open(loaded.dbPath)
      try {
        // Prove we can take the write lock, without writing anything.
        store.db.exec('BEGIN IMMEDIATE; ROLLBACK')
        const st = store.status()
        return { status: 'ok', detail: `${loaded.dbPath} writable, schema version ${st.version}, ${store.countMentions().toLocaleString('en-US')} mentions` }
      } finally {
        store.close()
      }
    }),
  )

  checks.push(
    check('reports', () => {
      if (!loaded) return { status: 'warn', detail: 'skipped: the config did not load' }
      const dir = path.resolve(loaded.baseDir, loaded.config.report.outputDir)
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
      accessSync(dir, constants.W_OK)
      return { status: 'ok', detail: `${dir} writable` }
    }),
  )

  checks.push(
    check('chromium', () => {
      const ws = loaded?.config.sources['weibo-search']
      const exe = findChromium(ws?.chromiumPath, env)
      const fix = 'sudo apt-get install -y chromium fonts-wqy-zenhei   (or set $YUQING_CHROMIUM)'
      if (!exe)
        return ws?.enabled
          ? { status: 'fail', detail: 'not found, and sources.weibo-search is enabled', fix }
          : { status: 'warn', detail: 'not found (needed for weibo-search and PDF reports)', fix }
      let version = ''
      try {
        version = execFileSync(exe, ['--version'], { timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      } catch {
        /* the path exists and is executable; the version is a nicety */
      }
      return { status: 'ok', detail: `${exe}${version ? ` (${version})` : ''}` }
    }),
  )

  return { ok: checks.every((c) => c.status !== 'fail'), checks }
}
