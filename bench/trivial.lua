-- wrk script for the ceiling: a trivial GET, with the same RESULT line as journey.lua.
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f saves=0 submitted=0 errors=%d non2xx3xx=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    summary.requests, secs, summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
