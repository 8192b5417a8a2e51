import { BaseCommand } from '../../base-command.js'

export default class DbMigrate extends BaseCommand<typeof DbMigrate> {
  static override summary = 'Apply pending schema migrations (数据库迁移)'
  static override description = 'Creates the database if needed. Migrations are forward-only; each runs in a transaction and is recorded.'
  static override examples = ['<%= config.bin %> db migrate', '<%= config.bin %> db migrate --db data/yuqing.db --json']

  async run(): Promise<void> {
    const { migrateDb } = await import('../../services/db.js')
    const res = migrateDb(await this.context())
    this.output(res, (r) =>
      r.applied.length ? `migrated ${r.path} to version ${r.version} (applied ${r.applied.join(', ')})` : `${r.path} is up to date (version ${r.version})`,
    )
  }
}
