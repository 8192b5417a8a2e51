import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { renderTable } from '../../render/table.js'

export default class RegionsSearch extends BaseCommand<typeof RegionsSearch> {
  static override summary = 'Search county-level units by name, short name, former name or code (搜索行政区)'
  static override args = { query: Args.string({ description: 'e.g. 南山, 深圳市南山区, 沙县, 440306', required: true }) }
  static override flags = {
    limit: Flags.integer({ description: 'Maximum results', default: 20, min: 1, max: 500 }),
    zones: Flags.boolean({ description: 'Include functional zones (开发区, 新区 …)' }),
  }
  static override examples = ['<%= config.bin %> regions search 南山', '<%= config.bin %> regions search 宝安 --json']

  async run(): Promise<void> {
    const { searchRegions } = await import('../../services/regions.js')
    const res = searchRegions(this.args.query, { limit: this.flags.limit, includeZones: this.flags.zones })
    this.output(res, (r) =>
      r.results.length === 0
        ? `no region matches ${JSON.stringify(r.query)}`
        : renderTable(
            ['code', 'name', 'prefecture', 'province', 'type', 'note'],
            r.results.map((x) => [
              x.code,
              x.name,
              x.prefecture,
              x.province,
              x.type,
              [x.ambiguous ? 'ambiguous (重名)' : '', x.zone ? 'zone' : '', x.formerNames.length ? `formerly ${x.formerNames.join('/')}` : '']
                .filter(Boolean)
                .join(', '),
            ]),
          ),
    )
  }
}
