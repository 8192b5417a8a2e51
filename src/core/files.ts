/** Small file helpers shared by services. */
import { readFileSync, statSync } from 'node:fs'
import { errorMessage } from './errors.js'

/**
 * Reads a regular file as UTF-8. On failure throws an Error whose message says why in a few
 * words (`no such file`, `not a regular file`, or the system's message), for one-line errors.
 */
export function readTextFile(file: string): string {
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file')
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err))
  }
}
