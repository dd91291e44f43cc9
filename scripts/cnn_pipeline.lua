-- cnn_pipeline.lua: the 4-stage CNN pipeline — data preparation → training → validation → model
-- packaging — in a named workspace on a shared volume (<volume>/<workspace>/{data,model,bundle}).
-- Each stage has a checkpoint switch: `-p skip_training=true` leaves training out and the later
-- stages reuse what it left in the workspace (the newest checkpoint under model/); the same for
-- skip_preparation (data/), skip_validation and skip_packaging.
--   ctp run scripts/cnn_pipeline.lua -p workspace=exp-42 -p epochs=1 -p limit=2000
--   ctp run scripts/cnn_pipeline.lua -p workspace=exp-42 -p skip_preparation=true -p skip_training=true
--   ctp emit scripts/cnn_pipeline.lua > cnn_pipeline.yaml
-- The bundle (model/ checkpoint, model.json, serve.sh) predicts with `ctp step predict`:
--   <volume>/exp-42/bundle/serve.sh IMAGES [predictions.csv]
local ctp = require "ctp"

local params = ctp.params {
  workspace = ctp.string { default = "default", doc = "workspace name: a folder on the volume" },
  source = ctp.string { default = "/usr/share/datasets/fashion-mnist", doc = "folder of IDX .gz files" },
  epochs = ctp.int { default = 5, doc = "training epochs" },
  limit = ctp.int { default = 0, doc = "use only the first N images of each split (0 = all)" },
  model = ctp.string { default = "reference_cnn", doc = "preset or JSON list of layers" },
  learning_rate = ctp.float { default = 0.05, doc = "SGD learning rate" },
  skip_preparation = ctp.bool { default = false, doc = "stage 1 off: reuse the workspace's data/" },
  skip_training = ctp.bool { default = false, doc = "stage 2 off: reuse the newest checkpoint in model/" },
  skip_validation = ctp.bool { default = false, doc = "stage 3 off" },
  skip_packaging = ctp.bool { default = false, doc = "stage 4 off" },
}

local workspace = ctp.volume { name = "workspace", size = "20Gi", access_modes = { "ReadWriteMany" } }
local on_workspace = { workspace:mount("/workspace") }
local dir = "/workspace/" .. params.workspace
local image = "ctp:" .. ctp.version

-- Runs a shell script with its arguments ($1, $2, ...) in the ctp image, on the workspace.
local function shell(fields)
  fields.image = image
  fields.mounts = on_workspace
  local args = { fields.script, fields.name }
  for _, arg in ipairs(fields.args or {}) do args[#args + 1] = arg end
  fields.command, fields.args, fields.script = { "sh", "-c" }, args, nil
  return ctp.container(fields)
end

-- The stages that run, in order: each runs after the one before it.
local steps = {}
local function previous() return #steps > 0 and { steps[#steps] } or nil end
local function add(step)
  steps[#steps + 1] = step
  return step
end

if not ctp.value(params.skip_preparation) then
  add(shell {
    name = "prepare-data",
    after = previous(),
    description = "Copies the dataset's IDX files into the workspace.",
    script = 'set -e; mkdir -p "$2"; cp "$1"/*-idx?-ubyte.gz "$2"/; ls "$2"',
    args = { params.source, dir .. "/data" },
  })
end

local checkpoint
if not ctp.value(params.skip_training) then
  local train = add(ctp.steps.train {
    name = "train",
    after = previous(),
    data = dir .. "/data",
    split = "train",
    limit = params.limit,
    model = params.model,
    class_names = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot",
    epochs = params.epochs,
    learning_rate = params.learning_rate,
    checkpoint_root = dir .. "/model",
    mounts = on_workspace,
    resources = { cpu = "4", memory = "8Gi", gpu = 1 },
    retry = { limit = 2, backoff = "30s", factor = 2 },
    timeout = "2h",
  })
  checkpoint = train.outputs.checkpoint
else
  local latest = add(shell {
    name = "reuse-checkpoint",
    after = previous(),
    description = "Names the newest checkpoint training left in the workspace.",
    script = 'latest=$(ls -d "$1"/*/ 2>/dev/null | sort | tail -n 1); '
      .. '[ -n "$latest" ] || { echo "no checkpoint in $1: run training first" >&2; exit 1; }; '
      .. 'printf "%s" "${latest%/}" | tee "$2"',
    args = { dir .. "/model", ctp.output_path "checkpoint" },
    outputs = { checkpoint = "parameter" },
  })
  checkpoint = latest.outputs.checkpoint
end

if not ctp.value(params.skip_validation) then
  add(ctp.steps.evaluate {
    name = "validate",
    after = previous(),
    checkpoint = checkpoint,
    data = dir .. "/data",
    split = "t10k",
    limit = params.limit,
    mounts = on_workspace,
  })
end

if not ctp.value(params.skip_packaging) then
  add(shell {
    name = "package",
    after = previous(),
    description = "Bundles the checkpoint for serving: model/, model.json and serve.sh.",
    script = [[set -e
rm -rf "$2"; mkdir -p "$2/model"; cp "$1"/* "$2/model/"; cp "$1/model.json" "$2/model.json"
cat > "$2/serve.sh" <<'SERVE'
#!/bin/sh
# Predicts the classes of images with this bundle's model: serve.sh IMAGES [predictions.csv]
here=$(cd "$(dirname "$0")" && pwd)
exec ctp step predict --checkpoint "$here/model" --data "$1" --output predictions="${2:-predictions.csv}"
SERVE
chmod +x "$2/serve.sh"; ls "$2"]],
    args = { checkpoint, dir .. "/bundle" },
  })
end

return ctp.pipeline {
  name = "cnn-pipeline",
  description = "Data preparation, training, validation and packaging with stage checkpoints.",
  params = params,
  steps = steps,
}
