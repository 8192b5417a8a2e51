import { BaseCommand } from '../base-command.js'
import { AppError, ExitCode } from '../core/errors.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check Node, native addons, FTS5, Chromium, the config and the database (环境检查)'
  static override description = 'Exits 1 when a check fails; warnings (such as no Chromium while no browser source is enabled) do not fail.'
  static override examples = ['<%= config.bin %> --config ws/yuqing.yaml doctor', '<%= config.bin %> doctor --json']

  async run(): Promise<void> {
    const { runDoctor } = await import('../services/doctor.js')
    const report = runDoctor({ configFlag: this.flags.config, dbFlag: this.flags.db })
    const mark = { ok: '✔', warn: '!', fail: '✖' } as const
    this.output(report, (r) =>
      r.checks
        .map((c) => `${mark[c.status]} ${c.name.padEnd(10)} ${c.detail}${c.fix && c.status !== 'ok' ? `\n  ${' '.repeat(11)}fix: ${c.fix}` : ''}`)
        .join('\n'),
    )
    if (!report.ok) throw new AppError(`${report.checks.filter((c) => c.status === 'fail').length} check(s) failed`, { exitCode: ExitCode.Failed, hint: 'apply the fixes shown above, then run `yuqing doctor` again' })
  }
}
