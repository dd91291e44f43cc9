local ctp = require "ctp"
local ok = pcall(function() while true do end end)
return ctp.pipeline { name = "p", steps = {} }
