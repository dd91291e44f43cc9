local ctp = require "ctp"
local train = ctp.container { name = "train", image = "x", command = { "true" } }
train.aftr = { "prepare" }
return ctp.pipeline { name = "p", steps = { train } }
