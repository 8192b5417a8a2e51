import { BaseCommand } from '../../base-command.js'
import { formatBytes } from '../../render/format.js'

export default class DbVacuum extends BaseCommand<typeof DbVacuum> {
  static override summary = 'Rebuild a drifted full-text index, then VACUUM and ANALYZE'
  static override examples = ['<%= config.bin %> db vacuum']

  async run(): Promise<void> {
    const { vacuumDb } = await import('../../services/db.js')
    const res = vacuumDb(await this.context())
    this.output(res, (r) => `vacuumed: ${formatBytes(r.beforeBytes)} → ${formatBytes(r.afterBytes)}${r.ftsRebuilt ? ' (full-text index rebuilt)' : ''}`)
  }
}
