local ctp = require "ctp"
local s = ctp.container { name = "a", image = "alpine"
return ctp.pipeline { name = "p", steps = { s } }
