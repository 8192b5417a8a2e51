import { Args } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'

export default class RegionsShow extends BaseCommand<typeof RegionsShow> {
  static override summary = 'Show one county-level unit: names, parents, former names, streets (街道/乡镇)'
  static override args = { code: Args.string({ description: '6-digit division code, e.g. 440306', required: true }) }
  static override examples = ['<%= config.bin %> regions show 440306', '<%= config.bin %> regions show 440305 --json']

  async run(): Promise<void> {
    const { showRegion } = await import('../../services/regions.js')
    const r = showRegion(this.args.code)
    this.output(r, (x) =>
      [
        `${x.code} ${x.name} (${x.type}${x.zone ? ', functional zone' : ''})`,
        `  ${x.province} › ${x.prefecture} › ${x.name}; short name ${x.shortName}`,
        x.formerNames.length ? `  former names: ${x.formerNames.join(', ')}` : '',
        x.aliases.length ? `  aliases: ${x.aliases.join(', ')}` : '',
        x.ambiguous ? `  ambiguous (重名): also ${x.sameName.map((s) => `${s.code} ${s.prefecture}${s.name}`).join(', ')}` : '',
        `  streets and towns (${x.streets.length}): ${x.streets.join('、')}`,
      ]
        .filter(Boolean)
        .join('\n'),
    )
  }
}
