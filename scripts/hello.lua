-- hello.lua: the smallest ctp pipeline. Two container steps; the second reads the first's output.
--   ctp check scripts/hello.lua
--   ctp emit scripts/hello.lua > hello.yaml
local ctp = require "ctp"

local params = ctp.params {
  who = ctp.string { default = "world", doc = "whom to greet" },
}

local greet = ctp.container {
  name = "greet",
  image = "alpine:3.19",
  command = { "sh", "-c" },
  args = { "echo hello " .. params.who .. " | tee " .. ctp.output_path "greeting" },
  outputs = { greeting = "parameter" },
}

local shout = ctp.container {
  name = "shout",
  image = "alpine:3.19",
  command = { "sh", "-c" },
  args = { "echo '" .. greet.outputs.greeting .. "' | tr a-z A-Z" },
}

return ctp.pipeline {
  name = "hello",
  description = "Greets someone, then shouts it.",
  params = params,
  steps = { greet, shout },
}
