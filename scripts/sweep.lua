-- sweep.lua: a train-and-evaluate sweep, the loop over a two-step sub-pipeline that KFP writes
-- as a ParallelFor with two tasks inside and Argo as a DAG template called withItems.
--   ctp run scripts/sweep.lua               # runs sweep[0].train, sweep[0].evaluate, ...
--   ctp emit scripts/sweep.lua > sweep.yaml
local ctp = require "ctp"

-- The sub-pipeline: train with one learning rate, then score the model.
local tp = ctp.params {
  lr = ctp.string { doc = "learning rate" },
  epochs = ctp.int { default = 2 },
}
local train = ctp.container {
  name = "train",
  image = "alpine:3.19",
  command = { "sh", "-c" },
  args = { "echo 'lr=" .. tp.lr .. " epochs=" .. tp.epochs .. "' | tee " .. ctp.output_path "model" },
  outputs = { "model" },
}
local evaluate = ctp.lua {
  name = "evaluate",
  inputs = { model = train.outputs.model },
  outputs = { "score" },
  fn = function(inputs)
    local lr = tonumber(inputs.model:match("lr=([%d.]+)"))
    return { score = string.format("%.3f", 1 - math.abs(lr - 0.01) * 5) }
  end,
}
local train_evaluate = ctp.pipeline {
  name = "train-evaluate",
  params = tp,
  steps = { train, evaluate },
  outputs = { score = evaluate.outputs.score },
}

-- The sweep: one run of the sub-pipeline per learning rate, then the best of their scores.
local params = ctp.params { epochs = ctp.int { default = 3 } }
local sweep = ctp.sub_pipeline {
  name = "sweep",
  pipeline = train_evaluate,
  for_each = { "0.1", "0.01", "0.001" },
  params = { lr = ctp.item, epochs = params.epochs },
}
local best = ctp.lua {
  name = "best",
  inputs = { scores = sweep.outputs.score },
  outputs = { "score" },
  fn = function(inputs)
    local best = -math.huge
    for score in inputs.scores:gmatch("[%d.%-]+") do best = math.max(best, tonumber(score)) end
    print("best score " .. best)
    return { score = best }
  end,
}

return ctp.pipeline {
  name = "sweep",
  description = "Trains and evaluates once per learning rate and keeps the best score.",
  params = params,
  steps = { sweep, best },
}
