/**
 * Latencies in logarithmic buckets 1 % wide: millions of samples in a fixed 16 KB, quantiles
 * within 1 %.
 */
const GROWTH = Math.log(1.01)
/** 1 µs … ~400 s. */
const BUCKETS = 2000

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  maxMicros = 0
  /** Samples that never arrived: they rank above every measured one. */
  private missing = 0

  record(micros: number): void {
    const index = micros <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / GROWTH))
    this.counts[index]!++
    this.count++
    if (micros > this.maxMicros) this.maxMicros = micros
  }

  /** Counts `count` samples that never arrived, so quantiles over them come out infinite. */
  recordMissing(count: number): void {
    this.missing += count
  }

  /** The latency below which `fraction` of the samples fall, in microseconds (NaN when empty). */
  quantileMicros(fraction: number): number {
    const total = this.count + this.missing
    if (total === 0) return Number.NaN
    const rank = Math.ceil(fraction * total)
    if (rank > this.count) return Number.POSITIVE_INFINITY
    let seen = 0
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index]!
      if (seen >= rank) return Math.min(Math.exp(index * GROWTH), this.maxMicros)
    }
    return this.maxMicros
  }
}
