-- wrk script: each thread (one connection) runs whole survey journeys, one request at a time:
-- GET the before-you-start page, POST start, POST every answer, POST submit. Page saves and
-- completed responses are counted per thread and summed in done().
-- Environment: BENCH_SLUG, BENCH_VERSION, BENCH_ANSWERS ("qid=value,qid=value,..."), BENCH_ONLY_SAVES
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  slug = os.getenv("BENCH_SLUG")
  version = os.getenv("BENCH_VERSION")
  only_saves = os.getenv("BENCH_ONLY_SAVES") == "1"
  answers = {}
  for pair in string.gmatch(os.getenv("BENCH_ANSWERS"), "[^,]+") do
    local qid, value = string.match(pair, "([^=]+)=(.*)")
    table.insert(answers, {qid, value})
  end
  step = 0; cookie = nil; token = nil
  saves = 0; submitted = 0; errors = 0
end

local function form_headers()
  return {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}
end

function request()
  if step == 0 then
    return wrk.format("GET", "/surveys/" .. slug, cookie and {["Cookie"] = cookie} or {})
  elseif step == 1 then
    return wrk.format("POST", "/surveys/" .. slug .. "/start", form_headers(), "csrf_token=" .. token)
  elseif step <= #answers + 1 then
    local a = answers[step - 1]
    local body = "csrf_token=" .. token .. "&version=" .. version .. "&answer=" .. a[2] .. "&action=continue"
    return wrk.format("POST", "/surveys/" .. slug .. "/questions/" .. a[1], form_headers(), body)
  else
    return wrk.format("POST", "/surveys/" .. slug .. "/submit", form_headers(), "csrf_token=" .. token)
  end
end

function response(status, headers, body)
  local set = headers["Set-Cookie"]
  if set then cookie = string.match(set, "^([^;]+)") end
  if step == 0 then
    token = string.match(body, 'name="csrf_token" value="([^"]+)"')
    if status ~= 200 or not token then errors = errors + 1; step = 0; cookie = nil; return end
    step = 1
  elseif step == 1 then
    if status ~= 302 then errors = errors + 1; step = 0; cookie = nil; return end
    step = 2
  elseif step <= #answers + 1 then
    if status ~= 302 then errors = errors + 1 else saves = saves + 1 end
    step = step + 1
    -- In "page saves" mode keep saving the same draft's pages over and over.
    if only_saves and step > #answers + 1 then step = 2 end
  else
    if status ~= 302 then errors = errors + 1 else submitted = submitted + 1 end
    step = 0; cookie = nil
  end
end

function done(summary, latency, requests)
  local s, r, e = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("saves"); r = r + t:get("submitted"); e = e + t:get("errors")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f saves=%d submitted=%d errors=%d non2xx3xx=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    summary.requests, secs, s, r, e, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
