-- wrk script: each connection waits so that all connections together send about
-- RATE requests per second (RATE and CONNS from the environment); wrk's latency
-- figures then describe a fixed request rate below saturation. wrk 4 has no fixed-rate
-- mode (-R is wrk2's): this paces per connection, so a slow answer delays that
-- connection's next request (coordinated omission is not corrected).
local rate = tonumber(os.getenv("RATE") or "5000")
local conns = tonumber(os.getenv("CONNS") or "64")
local gap = conns * 1000 / rate
function delay()
   return gap
end
-- One line for run.sh: p50, p99 and p99.9 in microseconds.
function done(summary, latency, requests)
   io.write(string.format("latency_us %d %d %d\n", latency:percentile(50),
      latency:percentile(99), latency:percentile(99.9)))
end
