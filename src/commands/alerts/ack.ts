import os from 'node:os'
import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { UsageError } from '../../core/errors.js'

export default class AlertsAck extends BaseCommand<typeof AlertsAck> {
  static override summary = 'Acknowledge an alert: no more notices for it (确认预警)'
  static override args = { id: Args.string({ description: 'Alert id (see `yuqing alerts list`)', required: true }) }
  static override flags = { by: Flags.string({ description: 'Who acknowledges it (default: the login name)' }) }
  static override examples = ['<%= config.bin %> alerts ack 12', '<%= config.bin %> alerts ack 12 --by 值班员张三']

  async run(): Promise<void> {
    const id = Number(this.args.id)
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`alert id must be a positive whole number, got ${JSON.stringify(this.args.id)}`)
    const { ackAlert } = await import('../../services/alerts.js')
    const a = ackAlert(await this.context(), id, this.flags.by ?? os.userInfo().username)
    this.output(a, (v) => `#${v.id} 已确认（${v.ackedBy}，${v.ackedAt}）：${v.title}`)
  }
}
