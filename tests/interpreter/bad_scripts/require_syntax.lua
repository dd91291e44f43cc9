local ctp = require "ctp"
local broken = require "components.broken"
return ctp.pipeline { name = "p", steps = {} }
