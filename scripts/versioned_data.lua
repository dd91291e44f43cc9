-- versioned_data.lua: stage selection and dataset tags. `-p stages=1,2,4` builds a pipeline of
-- only those stages, run in sequence; the dataset tag goes to every stage; credentials come from a
-- Kubernetes secret as environment variables.
--   ctp check scripts/versioned_data.lua -p stages=1,3 -p dataset_tag=2026-11-01
local ctp = require "ctp"

local params = ctp.params {
  stages = ctp.list { default = { 1, 2, 3, 4 }, doc = "stages to run, e.g. 1,2,4" },
  dataset_tag = ctp.string { default = "latest", doc = "dataset version to read" },
}

local stage_names = { "ingest", "validate-data", "train", "publish" }
local credentials = {
  DATA_ACCESS_KEY = ctp.secret { name = "dataset-store", key = "access-key" },
  DATA_SECRET_KEY = ctp.secret { name = "dataset-store", key = "secret-key" },
}

local steps, previous = {}, nil
for _, stage in ipairs(ctp.value(params.stages)) do
  local name = stage_names[stage]
  if not name then
    error(string.format("stage %s does not exist (stages are 1 to %d)", tostring(stage), #stage_names))
  end
  local step = ctp.container {
    name = name,
    image = "python:3.11-slim",
    command = { "python", "-m", "pipeline." .. name:gsub("-", "_") },
    args = { "--dataset-tag", params.dataset_tag },
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
  labels = { ["ctp.dev/dataset-tag"] = "from-params" },
  steps = steps,
}
