local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", outputs = { model = "artifact" } }
local b = ctp.container { name = "b", image = "alpine", args = { a.outputs.modle } }
return ctp.pipeline { name = "p", steps = { a, b } }
