local ctp = require "ctp"
local prepare = ctp.container { name = "prepare", image = "alpine", outputs = { "data" } }
local a = ctp.container {
  name = "train",
  image = "alpine",
  args = { "--data", prepare.outputs.data },
}
return ctp.pipeline { name = "p", steps = { a } }
