local ctp = require "ctp"
local params = ctp.params { stage = ctp.string { default = "train" } }
local a = ctp.container { name = "a", image = "alpine", outputs = { "stage" } }
local b = ctp.container { name = "b", image = "alpine", when = a.outputs.stage == params.stage }
return ctp.pipeline { name = "p", params = params, steps = { a, b } }
