/** The worker's rotating log file: sizes, rotation order, the oldest dropped, nothing thrown. */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rotatingLogFile } from '../../src/core/log-file.js'
import { tmpDir } from '../helpers/cli.js'

describe('rotatingLogFile', () => {
  it('rotates at maxBytes into .1 … .keep, dropping the oldest, and never splits a line', () => {
    const t = tmpDir()
    try {
      const file = path.join(t.dir, 'logs', 'worker.log')
      const log = rotatingLogFile(file, { maxBytes: 100, keep: 2 })
      for (let i = 0; i < 20; i++) log.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(30)}`) // 39 bytes each: 2 lines a file
      const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => l.slice(0, 7))
      expect(lines(file)).toEqual(['line 18', 'line 19'])
      expect(lines(`${file}.1`)).toEqual(['line 16', 'line 17'])
      expect(lines(`${file}.2`)).toEqual(['line 14', 'line 15'])
      expect(existsSync(`${file}.3`)).toBe(false)
      // A reopened log counts the size already there: this line rotates.
      const again = rotatingLogFile(file, { maxBytes: 100, keep: 2 })
      again.write(`line 20 ${'x'.repeat(30)}`)
      expect(lines(`${file}.1`)).toEqual(['line 18', 'line 19'])
      // A folder removed under it: the line is dropped, nothing throws.
      rmSync(path.join(t.dir, 'logs'), { recursive: true })
      expect(() => again.write('lost')).not.toThrow()
    } finally {
      t.cleanup()
    }
  })
})
