-- Script steps (Argo script templates): Python and shell source run by the image's interpreter.
local ctp = require "ctp"

local params = ctp.params { n = ctp.int { default = 3 } }

local square = ctp.script {
  name = "square", image = "python:3.12", command = { "python3", "-u" },
  env = { N = params.n },
  source = [[
import os
n = int(os.environ["N"])
with open("]] .. ctp.output_path "total" .. [[", "w") as f:
    f.write(str(sum(i * i for i in range(n))))
]],
  outputs = { "total" },
}

local show = ctp.script {
  name = "show", image = "alpine:3.19", command = { "sh", "-e" },
  source = "echo 'n=" .. params.n .. " total=" .. square.outputs.total .. "'\n",
  retry = { limit = 1 },
}

return ctp.pipeline { name = "script-steps", params = params, steps = { square, show } }
