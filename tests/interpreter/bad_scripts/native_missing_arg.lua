local ctp = require "ctp"
local a = ctp.steps.echo { name = "say" }
return ctp.pipeline { name = "p", steps = { a } }
