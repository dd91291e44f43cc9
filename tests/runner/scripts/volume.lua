local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs-data" }
local list = ctp.container { name = "list", image = "x", mounts = { data:mount("/data") },
  command = { "ls", "/data" } }
return ctp.pipeline { name = "volume", steps = { list } }
