local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", after = { "c" } }
local b = ctp.container { name = "b", image = "alpine", after = { a } }
local c = ctp.container { name = "c", image = "alpine", after = { b } }
return ctp.pipeline { name = "p", steps = { a, b, c } }
