local ctp = require "ctp"
local params = ctp.params { debug = ctp.bool { default = false } }
local train = ctp.container { name = "train", image = "alpine", command = { "true" } }
train.when = params.debug:gt(false)
return ctp.pipeline { name = "p", params = params, steps = { train } }
