local ctp = require "ctp"
local bare = ctp.container { name = "bare", image = "alpine:3.19" }
return ctp.pipeline { name = "no-command", steps = { bare } }
