local ctp = require "ctp"
local params = ctp.params { who = ctp.string { default = "x" } }
local a = ctp.container { name = "a", image = "alpine", args = { parms.who } }
return ctp.pipeline { name = "p", params = params, steps = { a } }
