-- train.lua: continuous training of a whole-slide-image patch classifier (the main job).
--
-- On the data volume (an NFS claim in the cluster, a folder here):
--   slide/{train,test}/*.svs                       new slides arrive here
--   region-annotation/{positive,negative}/<slide>/  GeoJSON regions drawn in QuPath
-- preprocess tiles only slides it has not seen (preprocess-checkpoint.json) → train a CNN on the
-- patches → evaluate it on the test split → deploy promotes it in model-deploy-config.json only
-- if it beats the deployed model; predict paints a heatmap per test slide with the new model (the
-- run report shows it over the slide's thumbnail) → summarize records accuracy, the decision and
-- the heatmaps → the exit handler (notify) prints status, accuracy and decision, and posts them
-- when a webhook is configured (Vault).
--   ctp check scripts/train.lua
--   ctp emit scripts/train.lua --kind all -o train.yaml   # WorkflowTemplate + nightly CronWorkflow
local ctp = require "ctp"
local notify = require "components.notify"

local params = ctp.params {
  patch_size = ctp.int { default = 64, doc = "patch side in pixels" },
  stride = ctp.int { default = 24, doc = "pixels between patch origins (overlapping when < patch_size)" },
  level = ctp.int { default = 0, doc = "slide level patches are read at" },
  min_tissue = ctp.float { default = 0.5, doc = "minimum tissue fraction of a kept patch" },
  model = ctp.string { default = "small_cnn", doc = "model preset or JSON list of layers" },
  epochs = ctp.int { default = 3, doc = "training epochs" },
  learning_rate = ctp.float { default = 0.01, doc = "SGD learning rate" },
}

local data = ctp.volume { name = "data", claim = "wsi-data" }
local root = "/mnt/data"
local on_data = { data:mount(root) }

local preprocess = ctp.steps.tile {
  name = "preprocess",
  description = "Tiles new slides into labelled patches (incremental).",
  data = root,
  patch_size = params.patch_size,
  stride = params.stride,
  level = params.level,
  min_tissue = params.min_tissue,
  format = "png",
  mounts = on_data,
  resources = { cpu = "4", memory = "8Gi" },
}

local train = ctp.steps.train {
  name = "train",
  after = { preprocess },
  data = root .. "/slide-patch/train/shard",
  model = params.model,
  class_names = "negative,positive",
  checkpoint_root = root .. "/model-checkpoint",
  deployed_config = root .. "/model-deploy-config.json", -- warm start from the deployed model
  epochs = params.epochs,
  learning_rate = params.learning_rate,
  horizontal_flip = true,
  vertical_flip = true,
  rotate90 = true,
  mounts = on_data,
  resources = { cpu = "4", memory = "16Gi", gpu = 1 },
  tolerations = { { key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" } },
  retry = { limit = 1, backoff = "1m" },
  timeout = "6h",
}

local evaluate = ctp.steps.evaluate {
  name = "evaluate",
  checkpoint = train.outputs.checkpoint,
  data = root .. "/slide-patch/test/shard",
  mounts = on_data,
}

-- The new model's predictions on the test split's slides: one <slide>.heatmap.png per slide (the
-- positive class's probability over its thumbnail) and the share of patches per class.
local predict = ctp.steps.predict {
  name = "predict",
  after = { evaluate },
  checkpoint = train.outputs.checkpoint,
  data = root .. "/slide-patch/test/shard",
  slide = root .. "/slide/test",
  mounts = on_data,
}

local deploy = ctp.steps.deploy {
  name = "deploy",
  config = root .. "/model-deploy-config.json",
  checkpoint = train.outputs.checkpoint,
  value = evaluate.outputs.accuracy,
  metric = "accuracy",
  mounts = on_data,
}

-- One line for the exit handler's message: this run's accuracy, deploy decision and heatmaps (the
-- exit handler cannot read step outputs, so they go through the volume, one file per run).
local summary_file = root .. "/run-summary/" .. ctp.workflow.name .. ".txt"
local summarize = ctp.container {
  name = "summarize",
  image = "alpine:3.19",
  command = { "sh", "-c",
    'mkdir -p "$(dirname "$4")"; echo "accuracy $1, promoted $2, heatmaps of $3 test slide(s)" > "$4"',
    "summarize" },
  args = { evaluate.outputs.accuracy, deploy.outputs.promoted, predict.outputs.slides, summary_file },
  mounts = on_data,
  cache = false,
}

return ctp.pipeline {
  name = "wsi-continuous-training",
  description = "Nightly: tile new slides, train, evaluate, promote the model if it is better, "
    .. "paint prediction heatmaps of the test slides.",
  params = params,
  steps = { preprocess, train, evaluate, predict, deploy, summarize },
  on_exit = notify {
    pipeline = "wsi-continuous-training",
    webhook = ctp.vault { key = "slack-webhook" },
    summary_file = summary_file,
    mounts = { data:mount(root, { read_only = true }) },
  },
  vault_path = "secret/data/ctp/wsi",
  service_account = "wsi-pipeline",
  schedule = { cron = "0 2 * * *", timezone = "Europe/Berlin", concurrency = "Forbid" },
  timeout = "12h",
}
