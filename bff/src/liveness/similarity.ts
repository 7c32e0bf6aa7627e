/**
 * Face descriptor similarity, same formula as human.match.similarity (order 2, multiplier 25,
 * min 0.2, max 0.8) without its rounding to 2 decimals:
 *   d = sqrt(25 * Σ(a_i - b_i)²);  s = clamp((1 - d/100 - 0.2) / 0.6, 0, 1)
 */
export function descriptorSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!a?.length || !b?.length || a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] - b[i]; sum += x * x; }
  const d = Math.sqrt(25 * sum);
  return Math.max(0, Math.min(1, (1 - d / 100 - 0.2) / 0.6));
}
