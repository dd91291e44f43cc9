local ctp = require "ctp"
local count = ctp.container { name = "count-lines", image = "alpine", outputs = { "lines" } }
local report = ctp.container { name = "report", image = "alpine", args = { "--lines", count.output } }
return ctp.pipeline { name = "p", steps = { count, report } }
