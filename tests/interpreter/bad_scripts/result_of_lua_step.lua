local ctp = require "ctp"
local a = ctp.lua { name = "a", fn = function() print("x") end }
local b = ctp.container { name = "b", image = "alpine", command = { "echo", a.result } }
return ctp.pipeline { name = "p", steps = { a, b } }
