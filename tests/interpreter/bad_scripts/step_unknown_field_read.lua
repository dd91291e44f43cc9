local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine" }
local b = ctp.container { name = "b", image = a.imgae }
return ctp.pipeline { name = "p", steps = { a, b } }
