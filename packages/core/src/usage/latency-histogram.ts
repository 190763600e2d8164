/**
 * Fixed latency histogram bounds (milliseconds) shared by the usage roll-up job and the
 * charts. Bucket 0 holds 0 ms, bucket i (1 ≤ i < n) holds `[BOUNDS[i-1], BOUNDS[i])`, the last
 * bucket holds everything from `BOUNDS[n-1]` up. One bucket per whole millisecond up to
 * 10 ms, then each bound 1.2× the previous (rounded) up to 5 minutes: 67 bounds, 68 buckets.
 *
 * Error bound of a percentile read from these histograms (see `histogramPercentile`):
 * latencies are whole milliseconds, so below 10 ms every bucket holds a single value and the
 * estimate is exact; above, the estimate lies in the same bucket as the exact sample, whose
 * width is under 20 % of its lower bound, so it is off by less than 20 % (typically far less:
 * values are spread evenly inside the bucket). Above 300 s it reports 300 s (a lower bound).
 */
export const LATENCY_BOUNDS: readonly number[] = (() => {
  const bounds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  while ((bounds.at(-1) as number) < 300_000) bounds.push(Math.round((bounds.at(-1) as number) * 1.2));
  return bounds;
})();

/** Number of counters in a histogram: one more than the bounds. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS.length + 1;

/** Index of the bucket holding `ms` (same as SQL `width_bucket(ms, LATENCY_BOUNDS)`). */
export function latencyBucket(ms: number): number {
  let lo = 0;
  let hi = LATENCY_BOUNDS.length;
  // first bound greater than ms
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((LATENCY_BOUNDS[mid] as number) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `from` into `into` element-wise (histograms may be stored with trailing zeros trimmed). */
export function addHistogram(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + (from[i] as number);
  return into;
}

/** Drops trailing zero counters (stored form: shorter arrays, same meaning). */
export function trimHistogram(hist: number[]): number[] {
  let end = hist.length;
  while (end > 0 && !hist[end - 1]) end--;
  return hist.slice(0, end);
}

/**
 * The `p` quantile (0..1) as `percentile_cont` would compute it over the samples, estimated
 * from counts: the k-th smallest sample is placed evenly inside its bucket's whole-millisecond
 * range, then the two samples around rank `p·(n-1)` are interpolated. null without samples.
 */
export function histogramPercentile(hist: readonly number[], p: number): number | null {
  let n = 0;
  for (const c of hist) n += c;
  if (n === 0) return null;
  const rank = p * (n - 1);
  const below = Math.floor(rank);
  const a = sampleAt(hist, below);
  if (rank === below) return a;
  return a + (rank - below) * (sampleAt(hist, below + 1) - a);
}

/** Estimated value of the k-th smallest sample (0-based). */
function sampleAt(hist: readonly number[], k: number): number {
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i] as number;
    if (k < seen + c) {
      const lo = i === 0 ? 0 : (LATENCY_BOUNDS[i - 1] as number);
      // Overflow bucket: only its lower bound is known.
      const hi = i >= LATENCY_BOUNDS.length ? lo : (LATENCY_BOUNDS[i] as number) - 1;
      return lo + ((hi - lo) * (k - seen + 0.5)) / c;
    }
    seen += c;
  }
  return LATENCY_BOUNDS.at(-1) as number;
}
