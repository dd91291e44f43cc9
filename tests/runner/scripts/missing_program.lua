local ctp = require "ctp"
local missing = ctp.container { name = "missing", image = "x", command = { "no-such-program-ctp" } }
return ctp.pipeline { name = "missing-program", steps = { missing } }
