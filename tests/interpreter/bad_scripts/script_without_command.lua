local ctp = require "ctp"
local a = ctp.script { name = "a", image = "python:3.12", command = {}, source = "print(1)" }
return ctp.pipeline { name = "p", steps = { a } }
