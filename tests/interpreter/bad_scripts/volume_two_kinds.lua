local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs", size = "10Gi" }
return ctp.pipeline { name = "p", steps = {} }
