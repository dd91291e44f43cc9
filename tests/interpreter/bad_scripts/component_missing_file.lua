local ctp = require "ctp"
local train = ctp.load_component "kfp/nope/component.yaml"
return ctp.pipeline { name = "p", steps = { train {} } }
