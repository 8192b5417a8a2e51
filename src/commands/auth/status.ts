import { BaseCommand } from '../../base-command.js'
import { AppError } from '../../core/errors.js'

export default class AuthStatus extends BaseCommand<typeof AuthStatus> {
  static override summary = 'Check whether the stored credentials work (凭据状态)'
  static override description = 'Asks m.weibo.cn /api/config whether the stored cookie is logged in. Exit 1 when a stored credential does not work.'
  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json']

  async run(): Promise<void> {
    const { credentialStatus } = await import('../../services/auth.js')
    const res = await credentialStatus(await this.context())
    this.output(res, (rs) => rs.map((r) => `${r.source.padEnd(8)} ${r.present ? (r.login ? '有效' : r.login === false ? '失效' : '未知') : '未配置'}  ${r.file}  ${r.detail}`).join('\n'))
    const broken = res.filter((r) => r.present && r.login !== true)
    if (broken.length) throw new AppError(`${broken.map((r) => r.source).join(', ')}: the stored credential does not work`, { hint: 'store a fresh cookie with `yuqing auth weibo --cookie-file FILE`' })
  }
}
