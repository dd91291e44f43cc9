local ctp = require "ctp"
local a = ctp.container { name = "train", image = "alpine" }
local b = ctp.container { name = "train", image = "python:3.11" }
return ctp.pipeline { name = "p", steps = { a, b } }
