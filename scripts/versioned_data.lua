-- versioned_data.lua: stage selection and dataset tags. `-p stages=1,2,4` builds a pipeline of
-- only those stages, run in sequence; the dataset tag is a parameter (so it is recorded with the
-- run: `ctp runs show`) and goes to every stage as an argument and as DATASET_TAG; credentials come
-- from a Kubernetes secret as environment variables (locally: `--secrets FILE`), never printed.
--   ctp run scripts/versioned_data.lua -p stages=1,2,4 -p dataset_tag=2026-11-01 --secrets secrets.yaml
--   ctp emit scripts/versioned_data.lua -p stages=1,3 > versioned_data.yaml
local ctp = require "ctp"

local params = ctp.params {
  stages = ctp.list { default = { 1, 2, 3, 4 }, doc = "stages to run, e.g. 1,2,4" },
  dataset_tag = ctp.string { default = "latest", doc = "dataset version to read" },
}

local stage_names = { "ingest", "validate-data", "train", "publish" }
local credentials = {
  DATA_ACCESS_KEY = ctp.secret { name = "dataset-store", key = "access-key" },
  DATA_SECRET_KEY = ctp.secret { name = "dataset-store", key = "secret-key" },
  DATASET_TAG = params.dataset_tag,
}

-- Each stage says which dataset version it works on and whether it has credentials (not what
-- they are); a real stage would read the tagged dataset with them.
local stage_script = 'echo "$0: dataset $1"; '
  .. 'if [ -n "$DATA_ACCESS_KEY" ] && [ -n "$DATA_SECRET_KEY" ]; then echo "$0: credentials present"; '
  .. 'else echo "$0: no credentials"; fi'

local steps, previous = {}, nil
for _, stage in ipairs(ctp.value(params.stages)) do
  local name = stage_names[stage]
  if not name then
    error(string.format("stage %s does not exist (stages are 1 to %d)", tostring(stage), #stage_names))
  end
  local step = ctp.container {
    name = name,
    image = "alpine:3.19",
    command = { "sh", "-c", stage_script },
    args = { name, params.dataset_tag },
    env = credentials,
    after = previous and { previous } or nil,
  }
  steps[#steps + 1] = step
  previous = step
end

return ctp.pipeline {
  name = "versioned-data",
  description = "Runs the selected stages in order on a tagged dataset version.",
  params = params,
  steps = steps,
}
