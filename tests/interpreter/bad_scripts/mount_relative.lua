local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs" }
local a = ctp.container { name = "a", image = "alpine", mounts = { data:mount("mnt/data") } }
return ctp.pipeline { name = "p", steps = { a } }
