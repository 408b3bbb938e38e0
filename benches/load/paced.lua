-- wrk script: each connection waits so that all connections together send about
-- RATE requests per second (RATE and CONNS from the environment); wrk's latency
-- figures then describe a fixed request rate below saturation.
local rate = tonumber(os.getenv("RATE") or "5000")
local conns = tonumber(os.getenv("CONNS") or "64")
local gap = conns * 1000 / rate
function delay()
   return gap
end
