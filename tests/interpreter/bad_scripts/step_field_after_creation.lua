local ctp = require "ctp"
local prepare = ctp.container { name = "prepare", image = "x", command = { "true" } }
local train = ctp.container { name = "train", image = "x", command = { "true" } }
train.after = { prepare }
train.timeout = "ten minutes"
return ctp.pipeline { name = "p", steps = { prepare, train } }
