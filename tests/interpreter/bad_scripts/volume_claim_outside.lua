local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "../../outside" }
local a = ctp.container { name = "a", image = "alpine", command = { "true" }, mounts = { data:mount("/data") } }
return ctp.pipeline { name = "p", steps = { a } }
