local ctp = require "ctp"
local add = ctp.load_component "kfp/executor_input.yaml"
return ctp.pipeline { name = "p", steps = { add { a = 1.5 } } }
