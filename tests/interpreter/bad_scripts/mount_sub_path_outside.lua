local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs" }
local a = ctp.container { name = "a", image = "alpine", command = { "true" },
                          mounts = { data:mount("/data", { sub_path = "slides/../../etc" }) } }
return ctp.pipeline { name = "p", steps = { a } }
