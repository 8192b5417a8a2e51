import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { formatBytes } from '../../render/format.js'

export default class DbBackup extends BaseCommand<typeof DbBackup> {
  static override summary = 'Copy the database with SQLite online backup (safe while others write)'
  static override args = { file: Args.string({ description: 'Backup file to create', required: true }) }
  static override flags = { force: Flags.boolean({ description: 'Overwrite FILE if it exists' }) }
  static override examples = ['<%= config.bin %> db backup backups/yuqing-$(date +%F).db']

  async run(): Promise<void> {
    const { backupDb } = await import('../../services/db.js')
    const res = await backupDb(await this.context(), this.args.file, { force: this.flags.force })
    this.output(res, (r) => `backed up to ${r.path} (${formatBytes(r.bytes)})`)
  }
}
