/**
 * A size-rotated log file for the worker: `worker.log`, then `worker.log.1` … `.N` (oldest
 * dropped). Lines are appended synchronously, so a crash loses nothing already logged.
 * A write that fails (disk full, folder removed) is dropped, never thrown: logging must not
 * stop the worker.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'

export interface LogFile {
  readonly file: string
  write(line: string): void
}

export function rotatingLogFile(file: string, opts: { maxBytes?: number; keep?: number } = {}): LogFile {
  const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024
  const keep = opts.keep ?? 5
  mkdirSync(path.dirname(file), { recursive: true })
  let size = 0
  try {
    size = statSync(file).size
  } catch {
    /* new file */
  }
  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true })
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`)
      } catch {
        /* not there */
      }
    }
    renameSync(file, `${file}.1`)
    size = 0
  }
  return {
    file,
    write(line) {
      const data = line.endsWith('\n') ? line : line + '\n'
      const n = Buffer.byteLength(data)
      try {
        if (size > 0 && size + n > maxBytes) rotate()
        appendFileSync(file, data, { mode: 0o640 })
        size += n
      } catch {
        /* dropped: see the header */
      }
    },
  }
}
