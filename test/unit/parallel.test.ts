import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { parallel } from '../../src/crawlers/parallel.js'

/** An iterator of `n` items named `${name}${i}`, each after `ms`, recording how many run at once. */
function walker(name: string, n: number, ms: number, live: { now: number; max: number; closed: string[] }, failAt = -1) {
  return async function* () {
    live.now++
    live.max = Math.max(live.max, live.now)
    try {
      for (let i = 0; i < n; i++) {
        await sleep(ms)
        if (i === failAt) throw new Error(`${name} failed`)
        yield `${name}${i}`
      }
    } finally {
      live.now--
      live.closed.push(name)
    }
  }
}

describe('parallel', () => {
  it('runs at most `limit` iterators at once, keeps each one in order, and yields everything', async () => {
    const live = { now: 0, max: 0, closed: [] as string[] }
    const out: string[] = []
    for await (const x of parallel(['a', 'b', 'c', 'd', 'e'].map((n) => walker(n, 3, 5, live)), 2)) out.push(x)
    expect(out.sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2', 'd0', 'd1', 'd2', 'e0', 'e1', 'e2'])
    expect(live.max).toBe(2)
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      const mine = out.filter((x) => x.startsWith(n))
      expect(mine).toEqual([`${n}0`, `${n}1`, `${n}2`])
    }
    expect(live.now).toBe(0)
  })

  it('walks them concurrently: two slow walkers take about as long as one', async () => {
    const live = { now: 0, max: 0, closed: [] as string[] }
    const seq: string[] = []
    const started = Date.now()
    for await (const x of parallel([walker('a', 4, 40, live), walker('b', 4, 40, live)], 2)) seq.push(x)
    // Interleaved, not a then b.
    expect(seq.slice(0, 2).sort()).toEqual(['a0', 'b0'])
    expect(Date.now() - started).toBeLessThan(4 * 40 * 2)
  })

  it('rethrows the first error and closes the other iterators', async () => {
    const live = { now: 0, max: 0, closed: [] as string[] }
    const got: string[] = []
    await expect(async () => {
      for await (const x of parallel([walker('a', 10, 5, live), walker('b', 10, 7, live, 2), walker('c', 10, 5, live)], 3)) got.push(x)
    }).rejects.toThrow('b failed')
    expect(live.closed.sort()).toEqual(['a', 'b', 'c'])
    expect(live.now).toBe(0)
    expect(got).toContain('b1')
  })

  it('closes everything when the consumer stops early', async () => {
    const live = { now: 0, max: 0, closed: [] as string[] }
    for await (const x of parallel([walker('a', 10, 5, live), walker('b', 10, 5, live)], 2)) if (x === 'a1') break
    expect(live.closed.sort()).toEqual(['a', 'b'])
    expect(live.now).toBe(0)
  })
})
