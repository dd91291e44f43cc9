local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", args = { ctp.workflow.status } }
return ctp.pipeline { name = "p", steps = { a } }
