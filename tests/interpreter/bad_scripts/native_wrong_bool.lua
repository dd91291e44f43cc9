local ctp = require "ctp"
local tile = ctp.steps.tile { name = "tile", data = "/data", images = "yes" }
return ctp.pipeline { name = "p", steps = { tile } }
