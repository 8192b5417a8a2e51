/** Small pure string helpers. */

/** Levenshtein edit distance over code points (for "did you mean" hints and suggestions). */
export function editDistance(a: string, b: string): number {
  const A = Array.from(a)
  const B = Array.from(b)
  if (A.length === 0) return B.length
  if (B.length === 0) return A.length
  let prev = new Array<number>(B.length + 1)
  let cur = new Array<number>(B.length + 1)
  for (let j = 0; j <= B.length; j++) prev[j] = j
  for (let i = 1; i <= A.length; i++) {
    cur[0] = i
    for (let j = 1; j <= B.length; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[B.length]!
}
