/**
 * Gazetteer look-ups behind `yuqing regions …`.
 */
import { UsageError } from '../core/errors.js'
import { loadGazetteer, type Region } from '../gazetteer/index.js'

/** A region as shown to users and in --json (streets counted, not listed). */
export interface RegionSummary {
  code: string
  name: string
  shortName: string
  type: string
  zone: boolean
  ambiguous: boolean
  prefecture: string
  province: string
  formerNames: string[]
}

function summary(r: Region): RegionSummary {
  return {
    code: r.code,
    name: r.name,
    shortName: r.shortName,
    type: r.type,
    zone: r.zone,
    ambiguous: r.ambiguous,
    prefecture: r.prefecture.name,
    province: r.province.name,
    formerNames: r.formerNames,
  }
}

export function searchRegions(query: string, opts: { limit?: number; includeZones?: boolean } = {}): { query: string; results: RegionSummary[] } {
  const q = query.trim()
  if (!q) throw new UsageError('empty search query', 'give a name, a short name or a 6-digit code, e.g. `yuqing regions search 南山`')
  return { query: q, results: loadGazetteer().search(q, { limit: opts.limit ?? 20, includeZones: opts.includeZones ?? false }).map(summary) }
}

export function showRegion(code: string): RegionSummary & { aliases: string[]; formerCodes: string[]; streets: string[]; sameName: RegionSummary[] } {
  const g = loadGazetteer()
  const c = code.trim()
  const r = g.get(c) ?? (/^\d{6}$/.test(c) ? g.resolve(c).match : undefined)
  if (!r) {
    const near = g.search(c, { limit: 3 })
    throw new UsageError(
      `no region with code ${JSON.stringify(c)}`,
      near.length ? `did you mean ${near.map((n) => `${n.code} ${n.prefecture.name}${n.name}`).join(', ')}?` : 'find codes with `yuqing regions search NAME`',
    )
  }
  const sameName = r.ambiguous ? g.search(r.name, { limit: 10 }).filter((o) => o.name === r.name && o.code !== r.code) : []
  return { ...summary(r), aliases: r.aliases, formerCodes: r.formerCodes, streets: r.streets, sameName: sameName.map(summary) }
}
