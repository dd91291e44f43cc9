local ctp = require "ctp"
local train = ctp.steps.train { name = "train", data = "/data/mnist", device = "gpu" }
return ctp.pipeline { name = "p", steps = { train } }
