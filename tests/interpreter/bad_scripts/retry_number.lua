local ctp = require "ctp"
local a = ctp.container {
  name = "a",
  image = "alpine",
  retry = 3,
}
return ctp.pipeline { name = "p", steps = { a } }
