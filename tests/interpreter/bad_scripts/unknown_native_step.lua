local ctp = require "ctp"
local a = ctp.steps.ecko { name = "say", message = "hi" }
return ctp.pipeline { name = "p", steps = { a } }
