local ctp = require "ctp"
local a = ctp.container { name = "a", image = "alpine", command = { "sh" }, outputs = { "loss" } }
local b = ctp.container { name = "b", image = "alpine", command = { "sh" }, outputs = { "loss" } }
local keep = ctp.container { name = "keep", image = "alpine", command = { "true" },
                             when = a.outputs.loss:lt(b.outputs.loss) }
return ctp.pipeline { name = "p", steps = { a, b, keep } }
