local ctp = require "ctp"
local data = ctp.volume { name = "Bad Name/$(id)", claim = "nfs" }
local a = ctp.container { name = "a", image = "alpine", command = { "true" }, mounts = { data:mount("/data") } }
return ctp.pipeline { name = "p", steps = { a } }
