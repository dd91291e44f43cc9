local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", command = { "true" }, description = "caf\xe9" }
return ctp.pipeline { name = "p", steps = { a } }
