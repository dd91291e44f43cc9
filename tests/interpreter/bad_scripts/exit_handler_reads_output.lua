local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", outputs = { n = "parameter" } }
local notify = ctp.container { name = "notify", image = "alpine", args = { a.outputs.n } }
return ctp.pipeline { name = "p", steps = { a }, on_exit = notify }
