/**
 * CLOCK_MONOTONIC in microseconds. `process.hrtime` reads the kernel's monotonic clock, which is
 * one clock for every process on the machine: a timestamp taken in the load generator can be
 * compared with one taken in any other local process, unlike `performance.now()`, whose origin
 * is per process.
 */
export function monotonicMicros(): number {
  // The [seconds, nanoseconds] form: no BigInt arithmetic on a path taken for every received frame.
  const [seconds, nanoseconds] = process.hrtime()
  return seconds * 1e6 + Math.floor(nanoseconds / 1000)
}
