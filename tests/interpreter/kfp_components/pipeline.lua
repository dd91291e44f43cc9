-- Uses the v1 and v2 component specs next to it (paths relative to this script).
local ctp = require "ctp"
local train = ctp.load_component "train_v1.yaml"
local summarize = ctp.load_component "summarize_v2.yaml"

local params = ctp.params { epochs = ctp.int { default = 5 } }

local fetch = ctp.container {
  name = "fetch",
  image = "alpine:3.19",
  command = { "sh", "-c" },
  args = { "echo label,x > " .. ctp.output_path "table" },
  outputs = { table = "artifact" },
}

local trained = train {
  training_data = fetch.outputs.table,
  epochs = params.epochs,
  verbose = true,
  ["Learning rate"] = 0.05,
  retry = { limit = 2 },
}

local summary = summarize { name = "summary", model = trained.outputs.model,
                            accuracy = trained.outputs.accuracy }

return ctp.pipeline { name = "kfp-components", params = params, steps = { fetch, trained, summary } }
