-- One loaded component called three times with different literal values, and once more with the
-- first call's output: the calls share one Argo template / KFP component and pass their messages
-- as task arguments.
local ctp = require "ctp"
local say = ctp.load_component "component.yaml"

local a = say { name = "say-a", message = "alpha" }
local b = say { name = "say-b", message = "beta two" }
local c = say { name = "say-c", message = "gamma", after = { a, b } }
local again = say { name = "say-again", message = a.outputs.said }

return ctp.pipeline { name = "component-reuse", steps = { a, b, c, again } }
