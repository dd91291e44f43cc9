local ctp = require "ctp"
local params = ctp.params { who = ctp.string { default = "x" } }
local a = ctp.container { name = "a", image = "alpine", args = { "hi " .. tostring(params.who) } }
return ctp.pipeline { name = "p", params = params, steps = { a } }
