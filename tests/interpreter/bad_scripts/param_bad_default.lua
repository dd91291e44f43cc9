local ctp = require "ctp"
local params = ctp.params {
  epochs = ctp.int { default = "5" },
}
return ctp.pipeline { name = "p", params = params, steps = {} }
