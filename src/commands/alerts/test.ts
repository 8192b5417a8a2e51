import { Args } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { AppError } from '../../core/errors.js'

export default class AlertsTest extends BaseCommand<typeof AlertsTest> {
  static override summary = 'Send a test message on one alert channel and say whether it arrived (测试预警通道)'
  static override description = 'CHANNEL is the channel\'s name, or its type (wecom, dingtalk, feishu, webhook, email) when only one channel has it. Exit 1 when the delivery failed. The webhook URL, secrets and passwords are never printed.'
  static override args = { channel: Args.string({ description: 'Channel name or type', required: true }) }
  static override examples = ['<%= config.bin %> alerts test dingtalk', '<%= config.bin %> alerts test 值班邮箱 --json']

  async run(): Promise<void> {
    const { testChannel } = await import('../../services/alerts.js')
    const r = await testChannel(await this.context(), this.args.channel)
    this.output(r, (v) => (v.ok ? `${v.channel}（${v.type}）：已送达（${v.seconds} s）` : `${v.channel}（${v.type}）：失败`))
    if (!r.ok) throw new AppError(`${r.channel}: ${r.error}`, { hint: 'check the channel in alerts.channels (URL, secret, keywords the robot requires), then run this again' })
  }
}
