local ctp = require "ctp"
local params = ctp.params { n = ctp.int { default = 2 }, items = ctp.list { default = { "a", "b" } } }
local make = ctp.container {
  name = "make", image = "alpine:3.19", command = { "sh", "-c", "echo 3 > " .. ctp.output_path "count" },
  outputs = { count = "parameter" }, retry = { limit = 2, backoff = "1s", factor = 2 },
}
local each = ctp.container {
  name = "each", image = "alpine:3.19", command = { "echo", ctp.item },
  for_each = params.items, when = ctp.as_number(make.outputs.count):gt(params.n),
  env = { TOKEN = ctp.secret { name = "slack", key = "webhook" } },
}
local native = ctp.steps.echo { name = "say", message = "count " .. make.outputs.count }
local done = ctp.lua { name = "done", inputs = { c = make.outputs.count }, outputs = { "x" },
                       fn = function(inputs) return { x = inputs.c } end }
return ctp.pipeline {
  name = "loops", params = params, steps = { make, each, native, done },
  on_exit = ctp.container { name = "bye", image = "alpine:3.19", command = { "echo", ctp.workflow.status } },
  schedule = { cron = "0 * * * *" },
}
