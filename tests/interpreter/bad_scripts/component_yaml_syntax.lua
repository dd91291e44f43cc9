local ctp = require "ctp"
local broken = ctp.load_component "kfp/syntax_error.yaml"
return ctp.pipeline { name = "p", steps = { broken {} } }
