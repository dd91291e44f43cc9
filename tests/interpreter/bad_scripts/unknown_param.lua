local ctp = require "ctp"
local params = ctp.params { epochs = ctp.int { default = 5 } }
local s = ctp.container { name = "a", image = "alpine", args = { "--epochs", params.epoch } }
return ctp.pipeline { name = "p", params = params, steps = { s } }
