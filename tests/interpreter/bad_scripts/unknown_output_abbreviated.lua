local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", outputs = { "count", "model" } }
local b = ctp.container { name = "b", image = "alpine", args = { a.outputs.cnt } }
return ctp.pipeline { name = "p", steps = { a, b } }
