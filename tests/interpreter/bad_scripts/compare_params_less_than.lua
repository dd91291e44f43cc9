local ctp = require "ctp"
local params = ctp.params { epochs = ctp.int { default = 5 }, minimum = ctp.int { default = 2 } }
local a = ctp.container { name = "a", image = "alpine", when = params.epochs < params.minimum }
return ctp.pipeline { name = "p", params = params, steps = { a } }
