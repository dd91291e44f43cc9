local ctp = require "ctp"
local a = ctp.container {
  name = "a", image = "alpine",
  resources = { cpu = "2", memory = "4 GB" },
}
return ctp.pipeline { name = "p", steps = { a } }
