local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine" }
