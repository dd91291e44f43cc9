local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", timeout = "1500ms" }
return ctp.pipeline { name = "p", steps = { a } }
