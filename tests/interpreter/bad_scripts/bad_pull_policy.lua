local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", image_pull_policy = "always" }
return ctp.pipeline { name = "p", steps = { a } }
