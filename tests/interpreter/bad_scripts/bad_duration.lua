local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", timeout = "5 minutes" }
return ctp.pipeline { name = "p", steps = { a } }
