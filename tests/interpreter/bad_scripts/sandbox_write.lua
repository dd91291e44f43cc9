local ctp = require "ctp"
local f = io.open("out.txt", "w")
return ctp.pipeline { name = "p", steps = {} }
