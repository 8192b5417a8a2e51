/**
 * The error tree. Every failure a user can cause or fix is an AppError carrying an exit code
 * and a hint that says what to do next; anything else reaching the top is a bug.
 *
 * Exit codes (documented in the README):
 *   0 ok · 1 failed · 2 usage or config error · 3 partial success
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  Partial: 3,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export class AppError extends Error {
  readonly exitCode: ExitCode
  readonly hint?: string
  readonly code: string
  constructor(message: string, opts: { exitCode?: ExitCode; hint?: string; code?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.exitCode = opts.exitCode ?? ExitCode.Failed
    this.hint = opts.hint
    this.code = opts.code ?? 'failed'
  }
}

/** One configuration problem: the dotted path of the value and what is wrong / allowed. */
export interface ConfigIssue {
  path: string
  message: string
}

/** The configuration is invalid; lists every problem at once. Exit 2. */
export class ConfigError extends AppError {
  readonly issues: ConfigIssue[]
  readonly file?: string
  constructor(issues: ConfigIssue[], file?: string, hint?: string) {
    const where = file ? ` in ${file}` : ''
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the configuration${where}`, {
      exitCode: ExitCode.Usage,
      code: 'config',
      hint: hint ?? 'fix the values above (see `yuqing init` for a commented example)',
    })
    this.issues = issues
    this.file = file
  }
}

/** A bad argument, flag or input file that the user must fix. Exit 2. */
export class UsageError extends AppError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Usage, hint, code: 'usage' })
  }
}

/** The database could not be opened, migrated or written. Exit 1. */
export class StoreError extends AppError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.Failed, hint, code: 'store', cause })
  }
}

/** Some of the work succeeded and some did not (e.g. rejected import rows). Exit 3. */
export class PartialError extends AppError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Partial, hint, code: 'partial' })
  }
}

/** Returns the message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
