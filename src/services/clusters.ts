/**
 * Story clusters for reanalyze and ingest: each mention joins the cluster of the earliest
 * recent mention within the SimHash threshold (NearDuplicateIndex), else starts its own
 * (cluster id = its mention id). The index holds the most recent `window` fingerprints, so
 * memory stays bounded (~70 bytes a fingerprint); eviction runs when it holds 25% more.
 */
import { NearDuplicateIndex, fromHex } from '../nlp/simhash.js'

export class Clusterer {
  private readonly index: NearDuplicateIndex
  private seq = 0
  /** Mentions that joined an earlier mention's cluster. */
  formed = 0

  constructor(
    private readonly window: number,
    seed: ReadonlyArray<{ id: number; simhash: string; clusterId: number | null }> = [],
  ) {
    this.index = new NearDuplicateIndex({ expectedItems: window })
    for (const s of [...seed].sort((a, b) => a.id - b.id)) this.index.add(s.clusterId ?? s.id, fromHex(s.simhash), this.seq++)
  }

  /** The cluster id for mention `id` with this fingerprint (hex; null: too short to fingerprint). */
  assign(id: number, simhash: string | null): number {
    if (simhash === null) return id
    const c = this.index.add(id, fromHex(simhash), this.seq++)
    if (c !== id) this.formed++
    if (this.index.size > this.window * 1.25) this.index.evictBefore(this.seq - this.window)
    return c
  }
}
