import { BaseCommand } from '../../base-command.js'

export default class DbStatus extends BaseCommand<typeof DbStatus> {
  static override summary = 'Show the schema version and pending migrations'
  static override examples = ['<%= config.bin %> db status']

  async run(): Promise<void> {
    const { dbStatus } = await import('../../services/db.js')
    const st = dbStatus(await this.context())
    this.output(st, (s) =>
      [
        `database: ${s.path}`,
        `schema version: ${s.version} (latest ${s.latest})`,
        s.pending.length ? `pending: ${s.pending.map((p) => `${p.version} ${p.name}`).join(', ')} — run \`yuqing db migrate\`` : 'pending: none',
        ...s.applied.map((a) => `  ${a.version} ${a.name} applied ${a.appliedAt}${a.modified ? '  (MODIFIED since applied)' : ''}`),
      ].join('\n'),
    )
  }
}
