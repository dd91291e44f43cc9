local ctp = require "ctp"
local params = ctp.params { epochs = ctp.int { default = 5 } }
local train = ctp.container { name = "train", image = "alpine", command = { "true" },
                              when = params.epochs:eq("5") }
return ctp.pipeline { name = "p", params = params, steps = { train } }
