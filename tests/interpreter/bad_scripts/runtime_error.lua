local ctp = require "ctp"
local image = nil
local s = ctp.container { name = "a", image = image:lower() }
return ctp.pipeline { name = "p", steps = { s } }
