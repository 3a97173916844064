/** Reads the relay's /metrics as an operator's Prometheus would: the way tests observe counters. */

/** The value of one sample (`name` with exactly these labels), or 0 when the relay has not reported it yet. */
export async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`).join(',')
  const sample = wanted === '' ? name : `${name}{${wanted}}`
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1))
  }
  return 0
}
