local ctp = require "ctp"
local say = ctp.steps.echo { name = "say", message = "hi", tims = 2 }
return ctp.pipeline { name = "p", steps = { say } }
