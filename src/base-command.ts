/**
 * Shared flags and error handling for every command. A command parses its flags, calls one
 * service function and renders the result, or prints it as JSON with --json.
 *
 * Errors: one line (`yuqing: message`) plus a hint line, no stack unless --verbose; the exit code
 * comes from the error (0 ok, 1 failed, 2 usage/config, 3 partial).
 */
import { Command, Flags, Errors, type Interfaces } from '@oclif/core'
import { AppError, ConfigError, ExitCode, errorMessage } from './core/errors.js'
import { createLogger, type Logger } from './core/logger.js'
import type { AppContext } from './services/context.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    json: Flags.boolean({ description: 'Print the result as JSON on stdout (logs and progress go to stderr)', helpGroup: 'GLOBAL' }),
    config: Flags.string({
      description: 'Config file (default: $YUQING_CONFIG, then ./yuqing.yaml, then built-in defaults)',
      helpGroup: 'GLOBAL',
    }),
    db: Flags.string({ description: 'Database file (default: $YUQING_DB, then database.path in the config)', helpGroup: 'GLOBAL' }),
    verbose: Flags.boolean({ description: 'Debug logs, and stack traces on errors', helpGroup: 'GLOBAL' }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** Every positional argument, in order (for commands with `strict = false`). */
  protected argvRest: string[] = []
  protected logger!: Logger
  private ctxPromise?: Promise<AppContext>
  private ctxValue?: AppContext
  /** Set once a result went to stdout, so an error after it does not print a second JSON document. */
  private printed = false

  override async init(): Promise<void> {
    await super.init()
    const { args, flags, argv } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.argvRest = argv as string[]
    this.logger = createLogger(this.flags.verbose ? 'debug' : 'info')
  }

  /** The application context (config, store, gazetteer), created on first use. */
  protected async context(): Promise<AppContext> {
    if (!this.ctxPromise) {
      this.ctxPromise = import('./services/context.js').then(({ createContext }) => {
        this.ctxValue = createContext({ configFlag: this.flags.config, dbFlag: this.flags.db, log: this.logger })
        return this.ctxValue
      })
    }
    return this.ctxPromise
  }

  /** Prints a result: JSON on stdout with --json, else the human rendering. */
  protected output<R>(result: R, render: (r: R) => string | void): void {
    this.printed = true
    if (this.flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n')
    else {
      const text = render(result)
      if (typeof text === 'string' && text.length) process.stdout.write(text.endsWith('\n') ? text : text + '\n')
    }
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.ctxValue?.close()
    return super.finally(err)
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // oclif's own exit (this.exit) passes through.
    if (err instanceof Errors.ExitError) throw err
    const verbose = this.flags?.verbose ?? process.argv.includes('--verbose')
    const json = this.flags?.json ?? process.argv.includes('--json')
    let code: number = ExitCode.Failed
    const lines: string[] = []
    let hint: string | undefined
    if (err instanceof ConfigError) {
      code = err.exitCode
      lines.push(`yuqing: ${err.message}:`)
      for (const i of err.issues) lines.push(`  ${i.path}: ${i.message}`)
      hint = err.hint
    } else if (err instanceof AppError) {
      code = err.exitCode
      lines.push(`yuqing: ${err.message}`)
      hint = err.hint
    } else if (err instanceof Errors.CLIError) {
      // Flag and argument parsing errors from oclif.
      code = err.oclif?.exit ?? ExitCode.Usage
      lines.push(`yuqing: ${err.message.replace(/\s*\n\s*/g, ' ').trim()}`)
      hint = `see \`yuqing ${this.id?.replace(/:/g, ' ') ?? ''} --help\``
    } else {
      lines.push(`yuqing: unexpected error: ${errorMessage(err)}`)
      hint = 'this is a bug: please report it with the command you ran and the output of --verbose'
    }
    if (hint) lines.push(`  hint: ${hint}`)
    process.stderr.write(lines.join('\n') + '\n')
    if (verbose && err.stack) process.stderr.write(err.stack + '\n')
    if (json && !this.printed) {
      const issues = err instanceof ConfigError ? err.issues : undefined
      process.stdout.write(JSON.stringify({ error: { code: (err as AppError).code ?? 'failed', message: err.message, hint, issues } }) + '\n')
    }
    this.exit(code)
  }
}
