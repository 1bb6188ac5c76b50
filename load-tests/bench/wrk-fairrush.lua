-- wrk script of bench.sh. Arguments after "--":
--   get  PATH                       plain GET (the trivial endpoint)
--   grab PATH TOKENS_FILE RUN_ID    POST grabs: each request a member's bearer token (round robin over
--                                   the file, one token a line) and a fresh Idempotency-Key
--   fresh PATH TOKENS_FILE RUN_ID THREADS   the same, but every request a token no request sent before
--                                   (the file read in order across the THREADS threads; should the file run
--                                   out, it starts over and "token_reuses" counts the requests past its end)
--   register PATH TOKENS_FILE RUN_ID THREADS   stall registrations (a JSON body, as a merchant's app sends it),
--                                   each by a merchant token no request sent before, as "fresh" reads them
--   phones PATH TOKENS_FILE RUN_ID  the same as grab, each member from an address of its own (X-Forwarded-For
--                                   10.x.y.z by the member's line; the service must trust 127.0.0.1 as its proxy)
--   read PATH TOKENS_FILE RUN_ID    GETs with a member's bearer token (round robin, as "grab"): a page read
--   signin PATH RUN_ID              POSTs to the development token issuer, a new member each time
-- At the end it prints one JSON line (prefix "RESULT ") with throughput, latency percentiles and the
-- count of answers per status, so bench.sh can tell 201s from refusals.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  path = args[2]
  tokens = {}
  threads_count = tonumber(args[5] or "1")
  reuses = 0
  if mode == "signin" then run = args[3] end
  if mode == "grab" or mode == "phones" or mode == "fresh" or mode == "register" or mode == "read" then
    for line in io.lines(args[3]) do
      if #line > 0 then tokens[#tokens + 1] = line end
    end
    run = args[4]
  end
  sent = 0
  s2xx, s201, s409, s503, sother = 0, 0, 0, 0, 0
end

-- A member's token, round robin over the file (each thread from its own place in it), and its line (from 0).
local function any_token()
  local line = ((sent * 7919) + id * 104729) % #tokens
  return tokens[line + 1], line
end

-- The address of the phone on a line of the tokens file, as a proxy in front of the service forwards it.
local function phone_address(line)
  return string.format("10.%d.%d.%d", math.floor(line / 65536) % 256, math.floor(line / 256) % 256, line % 256)
end

function request()
  sent = sent + 1
  if mode == "read" then
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. any_token() })
  end
  if mode == "signin" then
    local body = string.format('{"subject":"%s-%d-%d","roles":["MEMBER"]}', run, id, sent)
    return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Content-Length"] = tostring(#body) }, body)
  end
  if mode == "grab" or mode == "phones" or mode == "fresh" or mode == "register" then
    local token, line
    if mode == "fresh" or mode == "register" then
      local index = (sent - 1) * threads_count + id
      if index >= #tokens then reuses = reuses + 1 end
      token = tokens[index % #tokens + 1]
    else
      token, line = any_token()
    end
    local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Idempotency-Key"] = string.format("idem-%s-%d-%d", run, id, sent),
      ["Content-Length"] = "0",
    }
    if mode == "phones" then
      headers["X-Forwarded-For"] = phone_address(line)
    end
    if mode == "register" then
      local body = '{"category":"FOOD","merchantName":"Bench stall","specialOffer":false}'
      headers["Content-Type"] = "application/json"
      headers["Content-Length"] = tostring(#body)
      return wrk.format("POST", path, headers, body)
    end
    return wrk.format("POST", path, headers, nil)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 201 then s201 = s201 + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status >= 200 and status < 300 then s2xx = s2xx + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local c = { s2xx = 0, s201 = 0, s409 = 0, s503 = 0, sother = 0, reuses = 0 }
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (t:get(k) or 0) end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"status":{"2xx":%d,"201":%d,"409":%d,"503":%d,"other":%d},"socket_errors":%d,"token_reuses":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    c.s2xx, c.s201, c.s409, c.s503, c.sother,
    e.connect + e.read + e.write + e.timeout, c.reuses))
end
