local ctp = require "ctp"
local undeclared = ctp.load_component "kfp/undeclared_input.yaml"
return ctp.pipeline { name = "p", steps = { undeclared { epochs = 3 } } }
