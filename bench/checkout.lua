-- wrk script for bench/shop.sh: every request places a new order of LINES distinct products picked at random from
-- FIRST..LAST, one of each, to a Korean address, as a random customer of the session file, under its own Idempotency-Key.
-- Usage: wrk ... -s bench/checkout.lua URL -- SESSION FIRST LAST LINES MODE
--   SESSION: lines "user_id token"; MODE: "bearer" (the platform: Authorization: Bearer) or "user-id" (the bare
--   app: X-User-Id). Non-201 answers are counted and printed at the end, with the first one's status.
local threads = {}
local counter = 0
local shipping = '"shipping":{"recipient":"김민지","phone":"010-1234-5678","postalCode":"06236",'
  .. '"address":"서울특별시 강남구 테헤란로 152","addressDetail":"12층 1201호","deliveryNote":"문 앞에 놓아 주세요"}'

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  customers = {}
  for line in io.lines(args[1]) do
    local id, token = line:match("^(%d+) (%S+)$")
    table.insert(customers, { id = id, token = token })
  end
  first, last, lines, mode = tonumber(args[2]), tonumber(args[3]), tonumber(args[4]), args[5]
  math.randomseed(os.time() * 100 + number)
  run = string.format("%x%04x", os.time(), math.random(0, 0xffff))
  failures, first_failure = 0, ""
end

function request()
  counter = counter + 1
  local chosen, items = {}, {}
  while #items < lines do
    local product = math.random(first, last)
    if not chosen[product] then
      chosen[product] = true
      table.insert(items, string.format('{"productId":%d,"quantity":1}', product))
    end
  end
  local customer = customers[math.random(#customers)]
  local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = string.format("%s-%d-%d", run, number, counter) }
  if mode == "bearer" then
    headers["Authorization"] = "Bearer " .. customer.token
  else
    headers["X-User-Id"] = customer.id
  end
  return wrk.format("POST", nil, headers, '{"items":[' .. table.concat(items, ",") .. "]," .. shipping .. "}")
end

function response(status, headers, body)
  if status ~= 201 then
    failures = failures + 1
    if first_failure == "" then
      first_failure = status .. " " .. body:sub(1, 200)
    end
  end
end

function done(summary, latency, requests)
  local failed, first = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    if first == "" then
      first = thread:get("first_failure")
    end
  end
  io.write(string.format("failures %d %s\n", failed, first))
end
