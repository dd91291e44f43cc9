local ctp = require "ctp"
local typo = ctp.load_component "kfp/unknown_placeholder.yaml"
return ctp.pipeline { name = "p", steps = { typo { epochs = 3 } } }
