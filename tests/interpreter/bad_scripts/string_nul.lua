local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", command = { "sh", "-c", "echo safe\0; rm -rf /important" } }
return ctp.pipeline { name = "p", steps = { a } }
