local ctp = require "ctp"
local a = ctp.lua { name = "count", fn = "return 1" }
return ctp.pipeline { name = "p", steps = { a } }
