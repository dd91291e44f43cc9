local ctp = require "ctp"
local params = ctp.params { stage = ctp.string { default = "train" } }
local a = ctp.container { name = "a", image = "alpine", when = params.stage ~= "train" }
return ctp.pipeline { name = "p", params = params, steps = { a } }
