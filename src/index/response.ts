/**
 * 回应 matching (INDEX.md 1.1 D), pure: a net-negative story counts as responded when one of
 * the region's official accounts posted about the region, or in the story's cluster, within
 * `hours` after the story's first mention. Used by the daily report's 政务回应跟踪.
 */

export const RESPONSE_HOURS = 48

export interface StoryHead {
  clusterId: number
  /** The story's first mention, UTC ISO 8601. */
  firstAt: string
}

export interface OfficialPost {
  id: number
  at: string
  author: string | null
  cluster: number | null
  /** The post is attributed to the region. */
  about: boolean
}

export interface ResponseMatch {
  clusterId: number
  responded: boolean
  /** The earliest response. */
  post: OfficialPost | null
  latencyHours: number | null
}

export function matchResponses(stories: readonly StoryHead[], posts: readonly OfficialPost[], hours = RESPONSE_HOURS): ResponseMatch[] {
  return stories.map((k) => {
    const t0 = Date.parse(k.firstAt)
    let best: { post: OfficialPost; dt: number } | null = null
    for (const p of posts) {
      const dt = (Date.parse(p.at) - t0) / 3_600_000
      if (dt < 0 || dt > hours || p.id === k.clusterId) continue
      if ((p.cluster === k.clusterId || p.about) && (!best || dt < best.dt)) best = { post: p, dt }
    }
    return { clusterId: k.clusterId, responded: best !== null, post: best?.post ?? null, latencyHours: best ? best.dt : null }
  })
}
