local ctp = require "ctp"
local a = ctp.container { name = "prepare", image = "alpine" }
local b = ctp.container {
  name = "train",
  image = "alpine",
  after = { a },
}
return ctp.pipeline { name = "p", steps = { b } }
