local ctp = require "ctp"
local s = ctp.container { image = "alpine" }
return ctp.pipeline { name = "p", steps = { s } }
