local ctp = require "ctp"
local send = ctp.container { name = "send", image = "alpine", args = { ctp.workflow.status } }
local notify = ctp.pipeline { name = "notify", steps = { send } }
local train = ctp.container { name = "train", image = "alpine" }
return ctp.pipeline { name = "p", steps = { train },
                      on_exit = ctp.sub_pipeline { name = "report", pipeline = notify } }
