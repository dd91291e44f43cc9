-- cnn_pipeline.lua: the 4-stage CNN pipeline — data preparation → training → validation → model
-- packaging — on a shared workspace volume. Each stage has a checkpoint switch: turn a stage off
-- (-p run_training=false) and the next stage reuses what that stage left in the workspace.
--   ctp check scripts/cnn_pipeline.lua -p workspace=exp-42 -p run_preparation=false
local ctp = require "ctp"

local params = ctp.params {
  workspace = ctp.string { default = "default", doc = "workspace name: a folder on the volume" },
  epochs = ctp.int { default = 5, doc = "training epochs" },
  learning_rate = ctp.float { default = 0.05, doc = "SGD learning rate" },
  run_preparation = ctp.bool { default = true, doc = "stage 1: prepare the data" },
  run_training = ctp.bool { default = true, doc = "stage 2: train" },
  run_validation = ctp.bool { default = true, doc = "stage 3: validate" },
  run_packaging = ctp.bool { default = true, doc = "stage 4: package the model for serving" },
}

local workspace = ctp.volume { name = "workspace", size = "20Gi", access_modes = { "ReadWriteMany" } }
local dir = "/workspace/" .. params.workspace
local image = "ctp:" .. ctp.version

local function stage(fields)
  fields.image = image
  fields.mounts = { workspace:mount("/workspace") }
  fields.command = { "ctp", "step" }
  return ctp.container(fields)
end

local prepare = stage {
  name = "prepare-data",
  when = params.run_preparation:eq(true),
  args = { "echo", "--message", "prepare data into " .. dir .. "/data" },
}

local train = stage {
  name = "train",
  after = { prepare },
  when = params.run_training:eq(true),
  args = { "echo", "--message", "train for " .. params.epochs .. " epochs at lr "
           .. params.learning_rate .. " into " .. dir .. "/model" },
  resources = { cpu = "4", memory = "8Gi", gpu = 1 },
  retry = { limit = 2, backoff = "30s", factor = 2 },
  timeout = "2h",
}

local validate = stage {
  name = "validate",
  after = { train },
  when = params.run_validation:eq(true),
  args = { "echo", "--message", "validate " .. dir .. "/model" },
}

local package = stage {
  name = "package",
  after = { validate },
  when = params.run_packaging:eq(true),
  args = { "echo", "--message", "bundle " .. dir .. "/model for `ctp predict`" },
}

return ctp.pipeline {
  name = "cnn-pipeline",
  description = "Data preparation, training, validation and packaging with stage checkpoints.",
  params = params,
  steps = { prepare, train, validate, package },
}
