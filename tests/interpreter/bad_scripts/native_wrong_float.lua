local ctp = require "ctp"
local train = ctp.steps.train { name = "train", data = "/data/mnist", learning_rate = "fast" }
return ctp.pipeline { name = "p", steps = { train } }
