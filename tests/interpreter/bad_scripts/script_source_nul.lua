local ctp = require "ctp"
local a = ctp.script { name = "a", image = "python:3.12", command = { "python3" },
  source = "print(1)\0" }
return ctp.pipeline { name = "p", steps = { a } }
