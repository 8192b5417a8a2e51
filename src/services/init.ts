/**
 * `yuqing init [DIR]`: a workspace with a commented yuqing.yaml, its JSON Schema, data/ (the
 * SQLite file, migrated) and reports/.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UsageError } from '../core/errors.js'
import { loadGazetteer } from '../gazetteer/index.js'
import { SqliteStore } from '../store/sqlite.js'
import { parseConfigText } from '../config/load.js'
import { gazetteerResolver } from './context.js'

const TEMPLATE = new URL('../../config/yuqing.template.yaml', import.meta.url)
const SCHEMA = new URL('../../config/yuqing.schema.json', import.meta.url)

export interface InitResult {
  dir: string
  config: string
  database: string
  reports: string
  region: { code: string; name: string }
  created: string[]
}

/** The template text, with the example region replaced by `region` when given. Pure apart from reading the template. */
export function workspaceConfigText(region?: string): { text: string; region: { code: string; name: string } } {
  let text = readFileSync(TEMPLATE, 'utf8')
  if (!region) return { text, region: { code: '440306', name: '宝安区' } }
  const res = loadGazetteer().resolve(region)
  if (!res.match) {
    const c = res.candidates.slice(0, 5).map((r) => `${r.code} ${r.prefecture.name}${r.name}`)
    throw new UsageError(
      res.candidates.length && res.via !== 'suggestion' ? `region ${JSON.stringify(region)} is ambiguous: ${c.join(', ')}` : `unknown region ${JSON.stringify(region)}`,
      c.length ? `pass a code, e.g. --region ${res.candidates[0]!.code}${res.via === 'suggestion' ? ` (did you mean ${c.join(', ')}?)` : ''}` : 'find it with `yuqing regions search NAME`',
    )
  }
  const r = res.match
  text = text
    .replace('  - code: "440306"', `  - code: "${r.code}"`)
    .replace('    name: 宝安区', `    name: ${r.name}`)
    .replace('    aliases: [宝安]', `    aliases: [${r.shortName !== r.name && !r.shortAmbiguous ? r.shortName : ''}]`)
    .replace(/    officialAccounts:\n(?:      .*\n)+/, '    officialAccounts: []\n')
    .replace('  # example: the first user, Bao\'an District, Shenzhen.\n', `  # ${r.province.name}${r.prefecture.name}${r.name}\n`)
  return { text, region: { code: r.code, name: r.name } }
}

export function initWorkspace(dir: string, opts: { force?: boolean; region?: string } = {}): InitResult {
  const root = path.resolve(dir)
  const configFile = path.join(root, 'yuqing.yaml')
  if (existsSync(configFile) && !opts.force)
    throw new UsageError(`${configFile} already exists`, 'edit it, or pass --force to overwrite it (the database is kept)')
  const { text, region } = workspaceConfigText(opts.region)
  // Refuse to write a config that would not load.
  parseConfigText(text, { file: configFile, resolveRegion: gazetteerResolver })
  const created: string[] = []
  for (const d of [root, path.join(root, 'data'), path.join(root, 'reports')]) {
    if (!existsSync(d)) {
      mkdirSync(d, { recursive: true })
      created.push(d)
    }
  }
  writeFileSync(configFile, text)
  created.push(configFile)
  copyFileSync(SCHEMA, path.join(root, 'yuqing.schema.json'))
  created.push(path.join(root, 'yuqing.schema.json'))
  const dbPath = path.join(root, 'data', 'yuqing.db')
  const existed = existsSync(dbPath)
  SqliteStore.open(dbPath).close()
  if (!existed) created.push(dbPath)
  return { dir: root, config: configFile, database: dbPath, reports: path.join(root, 'reports'), region, created }
}
