local ctp = require "ctp"
local train = ctp.steps.train { name = "train", data = "/data/mnist" }
train.epochs = 2.5
return ctp.pipeline { name = "p", steps = { train } }
