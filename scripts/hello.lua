-- hello.lua: a first ctp pipeline, in the layout of a pipeline project: components/ next to the
-- script (used with require) and settings.yaml for debug runs.
--   ctp check scripts/hello.lua
--   ctp check scripts/hello.lua --params scripts/settings.yaml
--   ctp emit scripts/hello.lua > hello.yaml
local ctp = require "ctp"
local notify = require "components.notify"
local metrics_summary = require "components.metrics_summary"

local params = ctp.params {
  who = ctp.string { default = "world", doc = "whom to greet" },
  repeats = ctp.int { default = 3, doc = "how many times to greet" },
}

-- A container step: its output is a file the command writes.
local greet = ctp.container {
  name = "greet",
  image = "alpine:3.19",
  command = { "sh", "-c" },
  args = { "for i in $(seq " .. params.repeats .. "); do echo hello " .. params.who
           .. "; done | tee " .. ctp.output_path "greeting" },
  outputs = { greeting = "parameter" },
}

-- A Lua function step: it runs here in a fresh Lua state, and in a cluster in the ctp image.
local count = ctp.lua {
  name = "count",
  inputs = { text = greet.outputs.greeting },
  outputs = { "lines", "metrics" },
  fn = function(inputs)
    local n = 0
    for _ in string.gmatch(inputs.text, "[^\n]+") do n = n + 1 end
    return { lines = n, metrics = '{"metrics": [{"name": "lines", "numberValue": ' .. n .. '}]}' }
  end,
}

-- A native step (C++ in ctp) and a component from components/.
local echo = ctp.steps.echo { name = "echo", message = "counted " .. count.outputs.lines .. " lines" }
local summary = metrics_summary { name = "summary", metrics = count.outputs.metrics }

return ctp.pipeline {
  name = "hello",
  description = "Greets someone, counts the greetings and summarises them.",
  params = params,
  steps = { greet, count, echo, summary },
  on_exit = notify { pipeline = "hello", webhook = ctp.vault { key = "slack-webhook" } },
  vault_path = "secret/data/ctp/hello",
}
