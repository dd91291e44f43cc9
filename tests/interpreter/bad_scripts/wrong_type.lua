local ctp = require "ctp"
local s = ctp.container { name = "a", image = "alpine", command = "echo hi" }
return ctp.pipeline { name = "p", steps = { s } }
