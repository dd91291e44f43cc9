local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", retry = { limit = 2, backoff = "1500us" } }
return ctp.pipeline { name = "p", steps = { a } }
