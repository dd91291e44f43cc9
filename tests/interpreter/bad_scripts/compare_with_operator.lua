local ctp = require "ctp"
local count = ctp.container { name = "count", image = "alpine", outputs = { "n" } }
local big = ctp.container { name = "big", image = "alpine", when = count.outputs.n >= 3 }
return ctp.pipeline { name = "p", steps = { count, big } }
