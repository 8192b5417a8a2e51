/**
 * Runs up to `limit` async iterators side by side and yields their items as they come. Crawlers
 * use it to walk several keywords at once over one politely gated client: pages within a
 * keyword stay in order (each depends on the one before), while the host's request slots are
 * kept busy by the other keywords. Politeness is still the client's (spacing, concurrency per
 * host); this only supplies it with work.
 *
 * Each iterator has at most one `next()` pending, so nothing runs ahead by more than one item.
 * An error from any iterator ends the whole run: the others are asked to stop (`return()`) once
 * their pending step settles, and the error is rethrown.
 */
export async function* parallel<T>(makers: ReadonlyArray<() => AsyncIterable<T>>, limit: number): AsyncGenerator<T> {
  type Step = { i: number; r: IteratorResult<T> }
  const iters: Array<AsyncIterator<T>> = []
  const pending = new Map<number, Promise<Step>>()
  let started = 0
  const step = (i: number) => {
    const p = iters[i]!.next().then((r) => ({ i, r }))
    // Marked handled: a step may fail while the consumer is busy with an item; the next race rethrows it.
    p.catch(() => {})
    pending.set(i, p)
  }
  const fill = () => {
    while (pending.size < Math.max(1, limit) && started < makers.length) {
      const i = started++
      iters[i] = makers[i]!()[Symbol.asyncIterator]()
      step(i)
    }
  }
  try {
    fill()
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values())
      if (r.done) {
        pending.delete(i)
        fill()
        continue
      }
      step(i)
      yield r.value
    }
  } finally {
    // Stopped early (an error, or the consumer broke off): let pending steps settle, then close.
    const open = [...pending.keys()]
    await Promise.allSettled(pending.values())
    await Promise.allSettled(open.map((i) => iters[i]!.return?.()))
  }
}
