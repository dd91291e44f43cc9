local ctp = require "ctp"
local threshold = 0.8
local check = ctp.lua {
  name = "check",
  outputs = { "ok" },
  fn = function(inputs) return { ok = tonumber(inputs.accuracy) >= threshold } end,
}
return ctp.pipeline { name = "p", steps = { check } }
