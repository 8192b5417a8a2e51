import { BaseCommand } from '../../base-command.js'

export default class DbCheck extends BaseCommand<typeof DbCheck> {
  static override summary = 'Check integrity, foreign keys and the full-text index; exit 1 on any problem'
  static override examples = ['<%= config.bin %> db check']

  async run(): Promise<void> {
    const { checkDb } = await import('../../services/db.js')
    const res = checkDb(await this.context())
    this.output(res, (r) => `ok: ${r.path} passed ${r.checks.join(', ')}`)
  }
}
