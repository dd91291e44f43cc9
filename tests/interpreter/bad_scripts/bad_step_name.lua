local ctp = require "ctp"
local a = ctp.container { name = "train_model", image = "alpine" }
return ctp.pipeline { name = "p", steps = { a } }
