local ctp = require "ctp"
local np = ctp.params { status = ctp.string {} }
local send = ctp.container { name = "send", image = "alpine", command = { "echo" }, args = { np.status } }
local notify = ctp.pipeline { name = "notify", params = np, steps = { send } }
local train = ctp.container { name = "train", image = "alpine", command = { "true" } }
return ctp.pipeline { name = "exit-sub-pipeline", steps = { train },
  on_exit = ctp.sub_pipeline { name = "report", pipeline = notify, params = { status = ctp.workflow.status } } }
