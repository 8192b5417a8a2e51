/**
 * Logging goes to stderr; stdout is reserved for results and --json.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface Logger {
  debug(msg: string): void
  info(msg: string): void
  warn(msg: string): void
  error(msg: string): void
  child(prefix: string): Logger
}

/** A logger writing `[prefix] message` lines to a stream (stderr by default). */
export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  prefix = '',
): Logger {
  const emit = (l: LogLevel, msg: string) => {
    if (ORDER[l] < ORDER[level]) return
    const tag = l === 'info' ? '' : `${l}: `
    write(`${prefix ? `[${prefix}] ` : ''}${tag}${msg}`)
  }
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (p) => createLogger(level, write, prefix ? `${prefix}:${p}` : p),
  }
}

export const silentLogger: Logger = createLogger('silent')
